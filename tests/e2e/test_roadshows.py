"""A roadshow from the chair's console to the big screen, in real browsers.

Harbin's organization department holds a roadshow of three county projects before five
judges, dropping the highest and the lowest total. The chair opens each project from the
console; three judges score on phones (390×844) at the same time, the scores of the other two
arrive meanwhile; one judge mistypes and is told at once; another is from 宾县 and sees 回避 on
its project. A fourth page, the big screen, is never reloaded: it is asserted to follow, every
few seconds, to the ranks and the trimmed means worked out by hand:

    红色物业 (依兰县)  甲 88.5  乙 92  丙 79  丁 85  戊 70  → (79 + 85 + 88.5) / 3 = 84.17
    积分超市 (方正县)  甲 90    乙 86  丙 95  丁 91  戊 89  → (89 + 90 + 91) / 3   = 90.00
    网格治理 (宾县)    甲 80    乙 83.5 丙 —  丁 78  戊 90  → (80 + 83.5) / 2      = 81.75

The test database is in-memory SQLite, one connection that the live server's threads share;
its requests are therefore handled one at a time here (SQLite writes one at a time anyway), and
the test's own writes take the same turn. Parallel scoring against PostgreSQL, with its row
locks, is tested in tests/projects/test_concurrency.py.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, _page, login

pytestmark = pytest.mark.e2e

CHAIR = "haerbin"  # 哈尔滨市委组织部管理员
RUBRIC = [{"code": "innovation", "name": "创新性", "max": 30},
          {"code": "effect", "name": "实效性", "max": 30},
          {"code": "replicable", "name": "可复制性", "max": 20},
          {"code": "presentation", "name": "展示效果", "max": 20}]
PROJECTS = {"红色物业": "230123", "积分超市": "230124", "网格治理": "230125"}
JUDGES = ["甲", "乙", "丙", "丁", "戊"]
ON_PHONES = ["甲", "乙", "丙"]
RECUSED = ("丙", "网格治理")  # 丙 works in 宾县
POINTS = {  # innovation, effect, replicable, presentation
    "红色物业": {"甲": (27, 26.5, 18, 17), "乙": (28, 28, 18, 18), "丙": (24, 23, 16, 16),
             "丁": (26, 25, 17, 17), "戊": (21, 21, 14, 14)},
    "积分超市": {"甲": (27, 27, 18, 18), "乙": (26, 26, 17, 17), "丙": (29, 28, 19, 19),
             "丁": (28, 27, 18, 18), "戊": (27, 26, 18, 18)},
    "网格治理": {"甲": (24, 24, 16, 16), "乙": (25, 25, 17, 16.5), "丁": (23, 23, 16, 16),
             "戊": (27, 27, 18, 18)},
}
SHOWN_TOTALS = {"红色物业": {"甲": "88.5", "乙": "92", "丙": "79"},
                "积分超市": {"甲": "90", "乙": "86", "丙": "95"},
                "网格治理": {"甲": "80", "乙": "83.5"}}

TURN = threading.Lock()
OPEN = re.compile(r"\bstate-open\b")


@pytest.fixture
def one_request_at_a_time(live_server):
    """On in-memory SQLite, the live server's threads share the test's one connection: let
    their requests take turns (with the test's own writes) so that no transaction opens inside
    another. Browsers still send them at the same time."""
    if connection.vendor != "sqlite":
        yield
        return
    server = live_server.thread.httpd
    application = server.get_app()

    def in_turn(environ, start_response):
        with TURN:
            result = application(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()

    server.set_app(in_turn)
    try:
        yield
    finally:
        server.set_app(application)


@pytest.fixture
def roadshow(demo, one_request_at_a_time):
    """The city's portfolio with the three approved projects, and the roadshow set up: rubric,
    five judges (丙 from 宾县), the running order."""
    from pacesetter.orgs.models import Unit, User
    from pacesetter.projects import services
    from pacesetter.projects.services import JudgeData, ProjectData

    chair = User.objects.get(username=CHAIR)
    units = {u.code: u for u in Unit.objects.filter(code__in=["230100", *PROJECTS.values()])}
    portfolio = services.portfolio_create(actor=chair, owner=units["230100"],
                                          title="2022 组织工作创新年", year=2022)
    projects = []
    for title, code in PROJECTS.items():
        project = services.project_create(actor=chair, portfolio=portfolio, data=ProjectData(
            title=title, lead_unit=units[code]))
        for step in ("submit", "approve", "start"):
            services.project_step(actor=chair, project=project, step=step)
        projects.append(project)
    roadshow = services.roadshow_create(
        actor=chair, owner=units["230100"], portfolio=portfolio, title="创新项目路演",
        held_on=datetime.date.today(), venue="市委党校报告厅", criteria=RUBRIC)
    judges = services.judges_add(actor=chair, roadshow=roadshow, judges=[
        JudgeData(f"评委{name}", unit=units["230125"] if name == RECUSED[0] else None)
        for name in JUDGES])
    presentations = services.presentations_set(actor=chair, roadshow=roadshow,
                                               projects=projects)
    return {"roadshow": roadshow, "judges": dict(zip(JUDGES, judges, strict=True)),
            "presentations": {p.project.title: p for p in presentations}}


@contextmanager
def phones(chromium, count: int) -> Iterator[list[Page]]:
    """``count`` phones, each its own browser (no shared cookies), failing on JS errors."""
    with ExitStack() as stack:
        pages = []
        for _n in range(count):
            generator = _page(chromium, PHONE)
            pages.append(next(generator))
            stack.callback(next, generator, None)
        yield pages


def card(phone: Page, presentation):
    return phone.locator(f"#p-{presentation.pk}")


def score_on_phones(judge_phones: dict[str, Page], presentation, title: str) -> None:
    """Each judge types their points, criterion by criterion, the phones taking turns as if at
    the same moment; the pages save each score on their own."""
    for n, criterion in enumerate(RUBRIC):
        for name, phone in judge_phones.items():
            phone.fill(f"#s{presentation.pk}-{criterion['code']}",
                       f"{POINTS[title][name][n]:g}")
    for name, phone in judge_phones.items():
        expect(card(phone, presentation).locator(".status")).to_have_text("已保存")
        expect(card(phone, presentation).locator(".total-value")).to_have_text(
            SHOWN_TOTALS[title][name])


def score_by_service(roadshow, title: str, names: list[str]) -> None:
    """The judges not followed on a phone: their scores arrive meanwhile, in the server's turn."""
    from pacesetter.projects import services

    presentation = roadshow["presentations"][title]
    for name in names:
        points = dict(zip([c["code"] for c in RUBRIC], POINTS[title][name], strict=True))
        with TURN:
            services.score_submit(judge=roadshow["judges"][name],
                                  presentation_id=presentation.pk, points=points)


def chair_moves(console: Page, presentation, button: str) -> None:
    console.locator(f"#p-{presentation.pk}").get_by_role("button", name=button).click()
    console.wait_for_load_state("domcontentloaded")


def expect_board(screen: Page, rows: list[tuple[str, str, str, str]]) -> None:
    """The big screen's rows: rank, project, judges scored, result."""
    body = screen.locator("#bs-table tbody tr")
    expect(body).to_have_count(len(rows), timeout=15_000)
    for n, (rank, project, count, result) in enumerate(rows):
        row = body.nth(n)
        expect(row.locator("td.project")).to_have_text(project, timeout=15_000)
        expect(row.locator("td.rank")).to_have_text(rank)
        expect(row.locator("td.count")).to_have_text(count)
        expect(row.locator("td.result")).to_have_text(result)


def test_three_judges_score_on_phones_and_the_big_screen_ranks_by_trimmed_mean(
        page, chromium, live_server, demo, roadshow):
    base = live_server.url
    show = roadshow["roadshow"]
    red, points_shop, grid = (roadshow["presentations"][t] for t in PROJECTS)

    # The chair signs in and finds the judges' personal links on the roadshow's page.
    login(page, base, CHAIR, demo.password)
    page.goto(f"{base}/roadshows/{show.pk}/")
    expect(page.locator("#judge-table tbody tr")).to_have_count(5)
    links = {name: f"{base}/j/{roadshow['judges'][name].token}/" for name in JUDGES}
    expect(page.locator("#judge-table")).to_contain_text(links["甲"])

    # The big screen: a second window of the chair's, never reloaded.
    screen = page.context.new_page()
    screen_errors: list[str] = []
    screen.on("pageerror", lambda error: screen_errors.append(str(error)))
    screen.set_viewport_size({"width": 1600, "height": 900})
    screen.goto(f"{base}/roadshows/{show.pk}/live/")
    screen.evaluate("window.sameDocument = true")
    expect_board(screen, [("—", "红色物业", "0/5", "—"), ("—", "积分超市", "0/5", "—"),
                          ("—", "网格治理", "0/4", "—")])

    with phones(chromium, len(ON_PHONES)) as pages:
        judge_phones = dict(zip(ON_PHONES, pages, strict=True))
        for name, phone in judge_phones.items():
            phone.goto(links[name])
            expect(phone.locator(".intro .who")).to_contain_text(f"评委{name}")
            expect(card(phone, red).locator("input[type=number]").first).to_be_disabled()
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        recused = judge_phones[RECUSED[0]]
        expect(card(recused, grid).locator(".badge")).to_have_text("回避")
        expect(card(recused, grid).locator("input[type=number]")).to_have_count(0)

        # The chair opens the first project: it comes up on every phone without a reload.
        page.goto(f"{base}/roadshows/{show.pk}/console/")
        chair_moves(page, red, "开始评分")
        for phone in pages:
            expect(card(phone, red)).to_have_class(OPEN, timeout=15_000)
            expect(card(phone, red).locator(".badge")).to_have_text("计分中")
        score_on_phones(judge_phones, red, "红色物业")
        score_by_service(roadshow, "红色物业", ["丁", "戊"])
        expect_board(screen, [("1", "红色物业", "5/5", "84.17"), ("—", "积分超市", "0/5", "—"),
                              ("—", "网格治理", "0/4", "—")])
        expect(screen.locator("#bs-now")).to_have_text("正在路演：红色物业")

        # It closes: the phones lock it. The second opens; 乙 mistypes and is told at once.
        page.on("dialog", lambda dialog: dialog.accept())
        chair_moves(page, red, "结束评分")
        chair_moves(page, points_shop, "开始评分")
        for phone in pages:
            expect(card(phone, red)).to_have_class(re.compile(r"\bstate-closed\b"),
                                                   timeout=15_000)
            expect(card(phone, red).locator("input[type=number]").first).to_be_disabled()
            expect(card(phone, points_shop).locator("input[type=number]").first).to_be_enabled(
                timeout=15_000)
        judge_phones["乙"].fill(f"#s{points_shop.pk}-innovation", "35")
        expect(card(judge_phones["乙"], points_shop).locator(
            '.ferror[data-for="points.innovation"]')).to_have_text("请打 0 至 30 分。")
        score_on_phones(judge_phones, points_shop, "积分超市")
        expect(card(judge_phones["乙"], points_shop).locator(".ferror").first).to_be_empty()
        score_by_service(roadshow, "积分超市", ["丁", "戊"])
        expect_board(screen, [("1", "积分超市", "5/5", "90.00"), ("2", "红色物业", "5/5", "84.17"),
                              ("—", "网格治理", "0/4", "—")])

        # The third: 丙 recuses; four judges score, so the middle two count.
        chair_moves(page, points_shop, "结束评分")
        chair_moves(page, grid, "开始评分")
        on_grid = {name: judge_phones[name] for name in ("甲", "乙")}
        for phone in on_grid.values():
            expect(card(phone, grid)).to_have_class(OPEN, timeout=15_000)
        score_on_phones(on_grid, grid, "网格治理")
        score_by_service(roadshow, "网格治理", ["丁", "戊"])
        expect_board(screen, [("1", "积分超市", "5/5", "90.00"), ("2", "红色物业", "5/5", "84.17"),
                              ("3", "网格治理", "4/4", "81.75")])
        expect(page.locator(f"#count-{grid.pk}")).to_have_text("4/4 位评委已评分",
                                                                 timeout=15_000)

        # The chair closes the roadshow; the phones say so and lock everything.
        page.locator("#close-roadshow button").click()
        page.wait_for_load_state("domcontentloaded")
        expect(page.locator("#roadshow-state")).to_have_text("已结束")
        for phone in pages:
            expect(phone.locator("#closed-notice")).to_be_visible(timeout=15_000)
            expect(card(phone, points_shop).locator("button.save")).to_be_disabled()
        for phone in on_grid.values():
            expect(card(phone, grid).locator("input[type=number]").first).to_be_disabled()

    expect(screen.locator("#bs-state")).to_have_text("已结束", timeout=15_000)
    assert screen.evaluate("window.sameDocument") is True  # updated in place, never reloaded
    assert not screen_errors

    from pacesetter.projects.models import Score

    assert Score.objects.filter(presentation__roadshow=show).count() == 14


def score_status(phone: Page, presentation):
    return card(phone, presentation).locator(".status")


def fill_points(phone: Page, presentation, points: tuple[float, ...]) -> None:
    for criterion, value in zip(RUBRIC, points, strict=True):
        phone.fill(f"#s{presentation.pk}-{criterion['code']}", f"{value:g}")


def test_the_judge_page_polls_once_reports_broken_answers_and_follows_the_order(
        chromium, live_server, demo, roadshow):
    """The phone's page under the review's three troubles: woken many times it still asks
    once every few seconds; a proxy's HTML error is "please reload", not "retrying" forever;
    a project added to the running order appears, once nothing typed would be lost."""
    from pacesetter.orgs.models import User
    from pacesetter.projects import services
    from pacesetter.projects.services import ProjectData

    chair = User.objects.get(username=CHAIR)
    red = roadshow["presentations"]["红色物业"]
    with phones(chromium, 1) as (phone,):
        asked: list[str] = []
        phone.on("request", lambda request: asked.append(request.url)
                 if "state.json" in request.url else None)
        phone.goto(f"{live_server.url}/j/{roadshow['judges']['甲'].token}/")
        phone.evaluate("window.sameDocument = true")

        # Woken ten times at once (the screen turned on and off), it polls as one loop.
        phone.evaluate("for (let n = 0; n < 10; n++) {"
                       " document.dispatchEvent(new Event('visibilitychange')); }")
        phone.wait_for_timeout(6_500)
        assert 2 <= len(asked) <= 5, asked

        # A proxy answers the save with an HTML 502: the judge is told to reload, and the page
        # does not keep retrying meanwhile.
        with TURN:
            services.presentation_move(actor=chair, presentation=red, state="open")
        expect(card(phone, red)).to_have_class(OPEN, timeout=15_000)
        posted: list[str] = []
        phone.route(re.compile(r"/score/\d+/$"), lambda route: (
            posted.append(route.request.url),
            route.fulfill(status=502, content_type="text/html", body="<h1>Bad Gateway</h1>")))
        fill_points(phone, red, POINTS["红色物业"]["甲"])
        expect(score_status(phone, red)).to_have_text("保存失败，请刷新页面")
        tries = len(posted)
        phone.wait_for_timeout(4_000)
        assert len(posted) == tries
        expect(score_status(phone, red)).to_have_text("保存失败，请刷新页面")
        phone.unroute(re.compile(r"/score/\d+/$"))

        # A project joins the running order: while the failed score is unsaved the page stays;
        # once it is saved the page draws itself again with the new project.
        with TURN:
            project = services.project_create(actor=chair, portfolio=red.project.portfolio,
                                              data=ProjectData(title="乡村夜校",
                                                               lead_unit=red.project.lead_unit))
            for step in ("submit", "approve"):
                services.project_step(actor=chair, project=project, step=step)
            services.presentations_set(actor=chair, roadshow=roadshow["roadshow"], projects=[
                p.project for p in roadshow["presentations"].values()] + [project])
        phone.wait_for_timeout(4_000)
        assert phone.evaluate("window.sameDocument") is True
        expect(phone.locator(".pcard")).to_have_count(3)
        phone.fill(f"#s{red.pk}-presentation", "17.5")
        expect(phone.locator(".pcard")).to_have_count(4, timeout=15_000)
        assert phone.evaluate("window.sameDocument") is None
        expect(phone.locator("#cards")).to_contain_text("乡村夜校")
        expect(card(phone, red).locator(".total-value")).to_have_text("89")


def test_the_console_keeps_typed_comments_and_says_when_the_session_expired(
        page, live_server, demo, roadshow):
    base = live_server.url
    show = roadshow["roadshow"]
    red = roadshow["presentations"]["红色物业"]
    login(page, base, CHAIR, demo.password)

    # On the set-up form the groups' shares follow the weights as typed, "20%" a fifth.
    page.goto(f"{base}/roadshows/new/")
    names, weights = page.locator("input[name=group_name]"), page.locator(
        "input[name=group_weight]")
    for n, (name, weight) in enumerate([("领导", "0.5"), ("部门负责人", "0.3"),
                                        ("职工代表", "20%")]):
        names.nth(n).fill(name)
        weights.nth(n).fill(weight)
    expect(page.locator("#group-shares")).to_have_text("领导 50%、部门负责人 30%、职工代表 20%")

    screen = page.context.new_page()
    screen.goto(f"{base}/roadshows/{show.pk}/live/")
    page.goto(f"{base}/roadshows/{show.pk}/console/")
    page.on("dialog", lambda dialog: dialog.accept())  # closing with judges still to score

    # 点评 typed before 开始评分 and before 结束评分 is saved with the move.
    page.fill(f"#comment-{red.pk}", "思路清晰")
    chair_moves(page, red, "开始评分")
    expect(page.locator(f"#comment-{red.pk}")).to_have_value("思路清晰")
    page.fill(f"#comment-{red.pk}", "思路清晰，建议推广。")
    chair_moves(page, red, "结束评分")
    expect(page.locator(f"#p-{red.pk} .state-tag")).to_have_text("已结束")
    expect(page.locator(f"#comment-{red.pk}")).to_have_value("思路清晰，建议推广。")

    # The session expires: both polled pages say to sign in again, none draws the login page.
    page.context.clear_cookies()
    expect(screen.locator("#bs-login")).to_be_visible(timeout=10_000)
    expect(screen.locator("#bs-login")).to_contain_text("登录已过期，请重新登录。")
    expect(screen.locator("#bs-offline")).to_be_hidden()
    expect(page.locator("#console-login")).to_be_visible(timeout=10_000)
    expect(page.locator("#standings-table")).to_be_visible()
    expect(page.locator("#standings input[name=password]")).to_have_count(0)
