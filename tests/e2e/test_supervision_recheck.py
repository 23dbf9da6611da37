"""回头看 (a re-check) of a concluded inspection, in a real browser.

Given Harbin's concluded inspection of 依兰县 and 宾县: two findings at 依兰县 whose
rectifications went all the way to their close-out (销号), one at 宾县 still open (set up
through the services). Harbin's inspector (``ducha``) plans the re-check from the inspection's
page on a desktop: the form comes filled in, the units left blank, and the re-check visits only
依兰县, the county with closed-out findings. On a phone the inspector finds the first
rectification held and the second problem back: it is refused without a reason, then reopened
with one and a new deadline. 依兰县's administrator (``yilan``) finds the task in progress
again, with the re-check's reason in its history and the report step offered once more.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, _page, login

pytestmark = pytest.mark.e2e

HARBIN, YILAN, BINXIAN = "230100", "230123", "230125"
TITLE = "2026年哈尔滨市基层党建工作督查"
RECHECK_TITLE = f"{TITLE}“回头看”"
PROBLEMS = [(YILAN, "部分村党组织“三会一课”记录不全", "serious"),
            (YILAN, "党员发展档案缺页", "minor"),
            (BINXIAN, "村级活动阵地建设不达标", "moderate")]
REASON = "抽查3个村，“三会一课”记录又出现缺漏"


def unit(code: str):
    from pacesetter.orgs.models import Unit

    return Unit.objects.get(code=code)


def user(username: str):
    from pacesetter.orgs.models import User

    return User.objects.get(username=username)


def close_out(task, supervisor, county) -> None:
    """A task through its whole lifecycle: assigned by the inspector; accepted, started and
    reported with evidence by the county; reviewed, completed and closed out by the
    inspector."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacesetter.supervision import services

    for step, by in (("assign", supervisor), ("accept", county), ("start", county)):
        task = services.rectification_step(actor=by, rectification=task, step=step)
    task = services.rectification_step(
        actor=county, rectification=task, step="report", note="已补齐记录，建立月检制度",
        files=[SimpleUploadedFile("整改台账.pdf", b"%PDF-1.4 ledger",
                                  content_type="application/pdf")])
    for step in ("review", "complete", "close"):
        task = services.rectification_step(actor=supervisor, rectification=task, step=step)


def concluded_inspection() -> int:
    """Harbin's inspection of 依兰县 and 宾县, concluded: findings 1 and 2 (依兰县) closed out,
    finding 3 (宾县) only registered."""
    from pacesetter.supervision import services
    from pacesetter.supervision.models import Rectification, RectificationState
    from pacesetter.supervision.services import FindingData, TargetData

    ducha, yilan = user("ducha"), user("yilan")
    today = timezone.localdate()
    inspection = services.inspection_create(
        actor=ducha, owner=unit(HARBIN), title=TITLE, starts_on=today - datetime.timedelta(
            days=30), ends_on=today - datetime.timedelta(days=26),
        targets=[TargetData(unit(YILAN), "满意度倒数第一"),
                 TargetData(unit(BINXIAN), "满意度倒数第二")])
    services.inspection_move(actor=ducha, inspection=inspection, state="under_way")
    findings = services.findings_record(actor=ducha, inspection=inspection, rows=[
        (FindingData(unit=unit(code), description=text, severity=severity), [])
        for code, text, severity in PROBLEMS])
    for finding in findings[:2]:
        close_out(finding.rectification, ducha, yilan)
    services.inspection_move(actor=ducha, inspection=inspection, state="concluded")
    states = [Rectification.objects.get(finding=f).state for f in findings]
    assert states == [RectificationState.CLOSED, RectificationState.CLOSED,
                      RectificationState.REGISTERED]
    return inspection.pk


# --- the inspector plans the re-check on a desktop ---------------------------------------------

def plan_the_recheck(page: Page, base: str, inspection_id: int) -> int:
    page.goto(f"{base}/inspections/{inspection_id}/")
    expect(page.locator("#inspection-state")).to_have_text("已结束")
    with page.expect_navigation():
        page.click("#plan-recheck")
    expect(page.locator("h1")).to_have_text("新建督查")
    form = page.locator("#inspection-form")
    expect(form.locator("select[name=owner]")).to_have_value(str(unit(HARBIN).pk))
    expect(form.locator("select[name=kind]")).to_have_value("recheck")
    expect(form.locator("select[name=kind] option:checked")).to_have_text("回头看")
    expect(form.locator("select[name=rechecks]")).to_have_value(str(inspection_id))
    expect(form.locator("input[name=title]")).to_have_value(RECHECK_TITLE)
    expect(form.locator("textarea[name=targets]")).to_have_value("")
    with page.expect_navigation():
        page.click("#create-inspection")
    expect(page.locator("ul.messages li.message")).to_contain_text("督查计划已创建")
    expect(page.locator("h1")).to_contain_text(RECHECK_TITLE)
    expect(page.locator("#inspection-state")).to_have_text("计划中")
    expect(page.locator("#plan")).to_contain_text("回头看对象")
    expect(page.locator(f"#plan a[href='/inspections/{inspection_id}/']")).to_have_text(TITLE)
    # 检查对象: only the county with closed-out findings, and why
    expect(page.locator("#targets h2")).to_have_text("检查对象")
    targets = page.locator("#targets tbody tr")
    expect(targets).to_have_count(1)
    expect(targets).to_have_attribute("data-unit", YILAN)
    expect(targets).to_contain_text("依兰县")
    expect(targets).to_contain_text("2 个已销号问题待回头看")
    # the two closed-out findings await the re-check's word; 宾县's open one is not revisited
    expect(page.locator("#recheck-summary")).to_have_text(
        "回头看问题 2 个：整改到位 0 个，问题反弹重新整改 0 个，已销号待核查 2 个，尚未销号 0 个。")
    expect(page.locator("#recheck tbody tr")).to_have_count(2)
    expect(page.locator("#recheck")).not_to_contain_text(PROBLEMS[2][1])
    expect(page.locator("#recheck button[name=holds]")).to_have_count(2)
    recheck_id = int(re.search(r"/inspections/(\d+)/", page.url).group(1))
    assert recheck_id != inspection_id
    # the inspection re-checked links to its re-check
    page.goto(f"{base}/inspections/{inspection_id}/")
    expect(page.locator(f"#plan a[href='/inspections/{recheck_id}/']")).to_have_text(
        RECHECK_TITLE)
    return recheck_id


# --- the inspector judges on a phone ------------------------------------------------------------

def flash(page: Page):
    return page.locator("ul.messages li.message")


def open_reopen_form(page: Page, number: int):
    row = page.locator(f"#recheck-{number}")
    row.locator("details.step-form > summary").click()
    form = row.locator("form.reopen-form")
    expect(form).to_be_visible()
    return form


def judge_on_the_phone(phone: Page, base: str, recheck_id: int,
                       deadline: datetime.date) -> None:
    phone.goto(f"{base}/inspections/{recheck_id}/")
    row1, row2 = phone.locator("#recheck-1"), phone.locator("#recheck-2")
    expect(row1).to_contain_text(PROBLEMS[0][1])
    expect(row2).to_contain_text(PROBLEMS[1][1])

    # finding 1: the rectification held
    holds = row1.locator("button[name=holds]")
    holds.scroll_into_view_if_needed()
    expect(holds).to_have_text("整改到位")
    with phone.expect_navigation():
        holds.click()
    expect(flash(phone)).to_have_text("问题 1：整改到位。")
    expect(row1.locator(".verdict")).to_have_text("整改到位")
    expect(row1.locator(".task-state")).to_have_text("已销号")

    # finding 2: an empty reason is stopped by the browser, blank spaces by the server
    form = open_reopen_form(phone, 2)
    expect(form.locator("textarea[name=note]")).to_have_attribute("required", "")
    form.locator("button[type=submit]").click()
    assert form.locator("textarea[name=note]").evaluate("t => t.validity.valueMissing")
    # not sent: the form is still open, the last flash still there
    expect(form.locator("textarea[name=note]")).to_be_visible()
    expect(flash(phone)).to_have_text("问题 1：整改到位。")
    # blank spaces pass the browser's ``required``: the server refuses them
    form.locator("textarea[name=note]").fill("   ")
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(flash(phone)).to_have_text("问题 2：请写明回头看发现的情况。")
    expect(flash(phone)).to_have_class(re.compile(r"\berror\b"))
    # nothing changed: finding 2 still awaits the word, its task still closed out
    expect(row2.locator("button[name=holds]")).to_have_count(1)
    expect(row2.locator(".task-state")).to_have_text("已销号")
    expect(phone.locator("#recheck-summary")).to_contain_text("已销号待核查 1 个")

    # then reopened, with the reason and a new deadline
    form = open_reopen_form(phone, 2)
    expect(form.locator("input[name=deadline]")).not_to_have_value("")
    form.locator("textarea[name=note]").fill(REASON)
    form.locator("input[name=deadline]").fill(f"{deadline:%Y-%m-%d}")
    submit = form.locator("button[type=submit]")
    expect(submit).to_have_text("重新打开")
    with phone.expect_navigation():
        submit.click()
    expect(flash(phone)).to_have_text("问题 2：问题反弹，重新整改。")
    expect(phone.locator("#recheck-summary")).to_have_text(
        "回头看问题 2 个：整改到位 1 个，问题反弹重新整改 1 个，已销号待核查 0 个，尚未销号 0 个。")
    expect(phone.locator("#recheck button[name=holds]")).to_have_count(0)
    expect(phone.locator("#recheck form")).to_have_count(0)
    expect(row2.locator(".verdict")).to_contain_text("问题反弹，重新整改")
    expect(row2.locator(".verdict")).to_contain_text(REASON)
    expect(row2.locator(".task-state")).to_have_text("整改中")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# --- the county finds its task back ------------------------------------------------------------

def the_county_sees_the_task_reopened(county: Page, base: str, recheck_id: int,
                                      deadline: datetime.date) -> None:
    county.goto(f"{base}/inspections/{recheck_id}/")
    expect(county.locator("#recheck-summary")).to_contain_text("问题反弹重新整改 1 个")
    expect(county.locator("#recheck form")).to_have_count(0)  # the county does not judge
    with county.expect_navigation():
        county.locator("#recheck-2 a").click()
    expect(county.locator("#task-state")).to_have_text("整改中")
    expect(county.locator("#task-deadline")).to_have_text(f"{deadline:%Y-%m-%d}")
    reopened = county.locator("#history li.event-reopen")
    expect(reopened).to_have_count(1)
    expect(reopened.locator(".note")).to_have_text(f"回头看（{RECHECK_TITLE}）：{REASON}")
    expect(county.locator("#history li").last).to_have_class(re.compile(r"\bevent-reopen\b"))
    # the report step is offered to the county again
    expect(county.locator("#step-report")).to_have_count(1)
    expect(county.locator("details.step-form:has(#step-report) > summary")).to_have_text(
        "反馈整改情况")


def test_a_recheck_revisits_the_closed_out_findings_and_reopens_a_problem_that_came_back(
        chromium, demo, live_server, page, phone_page, tmp_path):
    base = live_server.url
    inspection_id = concluded_inspection()
    deadline = timezone.localdate() + datetime.timedelta(days=20)

    login(page, base, "ducha", demo.password)
    recheck_id = plan_the_recheck(page, base, inspection_id)
    page.goto(f"{base}/inspections/{recheck_id}/")
    page.screenshot(path=str(tmp_path / "recheck-planned.png"), full_page=True)

    login(phone_page, base, "ducha", demo.password)
    judge_on_the_phone(phone_page, base, recheck_id, deadline)
    phone_page.screenshot(path=str(tmp_path / "recheck-judged-phone.png"), full_page=True)

    county_pages = _page(chromium, DESKTOP)
    county = next(county_pages)
    try:
        login(county, base, "yilan", demo.password)
        the_county_sees_the_task_reopened(county, base, recheck_id, deadline)
        county.screenshot(path=str(tmp_path / "task-reopened.png"), full_page=True)
    finally:
        next(county_pages, None)
