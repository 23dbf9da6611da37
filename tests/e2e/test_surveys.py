"""A satisfaction survey from end to end, in a real browser.

Harbin's organization department imports seed 002's questionnaire from an XLSForm workbook,
puts it to five of its counties and opens the campaign. A member of the public scans one
county's QR code on a phone, answers section by section (a required question cannot be
skipped), submits once and is refused a second time, from the same browser and from another
browser on the same phone. With more responses in, the department reads the ranking with its
95% intervals, sees the two lowest counties flagged and exports the results to Excel.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, _page, login

pytestmark = pytest.mark.e2e

ORGANIZER = "haerbin"  # 哈尔滨市委组织部管理员
COUNTIES = {"230123": "依兰县", "230124": "方正县", "230125": "宾县", "230126": "巴彦县",
            "230127": "木兰县"}
BOTTOM_N = 2
ANSWERED_ON_THE_PHONE = "230123"  # 依兰县
# Each county's steady share of 满意 answers in the seeded responses: the lowest two are in the
# middle of the list by code, so a ranking by code (either way) would flag the wrong ones.
QUALITY = {"230123": 0.85, "230124": 0.50, "230125": 0.35, "230126": 0.75, "230127": 0.65}
SEEDED_PER_COUNTY = 30

SCALE = {"my": 1.0, "jbmy": 0.75, "bmy": 0.55, "bly": None}  # 不了解: not a valid ballot
ASPECTS = {"A": (30, ["A1", "A2", "A3", "A4", "A5"]), "B": (20, ["B1", "B2", "B3", "B4", "B5"]),
           "C": (30, ["C1", "C2", "C3", "C4", "C5"]), "D": (20, ["D1", "D2", "D3", "D4"])}
RATED = [code for _weight, codes in ASPECTS.values() for code in codes]
# What the respondent on the phone says about 依兰县: mostly 满意, a few 基本满意, one 不了解.
PHONE_ANSWERS = {**dict.fromkeys(RATED, "my"), "A4": "jbmy", "B2": "jbmy", "C4": "bly",
                 "D2": "jbmy"}
PHONE_ATTRIBUTES = {"age": "a2", "job": "j4", "rel": "r2"}
PHONE_REMARK = "希望组织部门多下基层，倾听群众意见。"

REQUIRED_MESSAGE = "请回答标有 * 的题目。"
NOT_OPEN_YET = "本次测评尚未开始。"
ALREADY_ANSWERED = "您已对该单位提交过答卷，每人只能答卷一次。"


@pytest.fixture(autouse=True)
def _fresh_survey_caches(settings):
    """The live server shares this process's cache of links and forms, and ids come back
    after a flush: start and end with none cached."""
    from pacesetter.surveys import forms_cache

    forms_cache.forget_all()
    settings.SURVEY_RATE_LIMIT = 60
    yield
    forms_cache.forget_all()


def response_count() -> int:
    from pacesetter.surveys.models import Response

    return Response.objects.count()


# --- the organizer's steps -------------------------------------------------------------------

def import_questionnaire(page: Page, base: str, tmp_path: Path) -> None:
    from pacesetter.surveys import demo as survey_demo

    workbook = tmp_path / "满意度问卷.xlsx"
    workbook.write_bytes(survey_demo.sample_xlsform())
    page.goto(f"{base}/surveys/")
    page.click("#import-questionnaire")
    expect(page.locator("h1")).to_contain_text("导入问卷")
    page.set_input_files("input[name=file]", str(workbook))
    with page.expect_navigation():
        page.click("main form button.primary")
    expect(page.locator("ul.messages li.message")).to_contain_text("问卷已导入。")
    expect(page.locator("h1")).to_contain_text("组织工作满意度民意调查问卷")
    # 19 required rating items in 4 aspects, 3 respondent attributes and a free-text question
    expect(page.locator("main td .required")).to_have_count(19)
    for aspect in ("组织工作", "组工干部", "干部选拔任用", "防止和纠正用人上不正之风",
                   "受访者情况"):
        expect(page.locator("section.panel h2", has_text=aspect)).to_have_count(1)


def create_campaign(page: Page, base: str) -> int:
    page.goto(f"{base}/surveys/")
    page.click("#new-campaign")
    page.fill("input[name=title]", "2026年哈尔滨市县级组织工作满意度测评")
    page.select_option("select[name=questionnaire]", label="组织工作满意度民意调查问卷 (v1)")
    page.select_option("select[name=mode]", "public")
    now = timezone.localtime()  # the window: from the last hour for two weeks
    page.fill("input[name=opens_at]", f"{now - datetime.timedelta(hours=1):%Y-%m-%dT%H:00}")
    page.fill("input[name=closes_at]", f"{now + datetime.timedelta(days=14):%Y-%m-%dT%H:00}")
    page.fill("textarea[name=unit_codes]", "，".join(COUNTIES))
    page.select_option("select[name=peer_by]", "level")
    page.fill("textarea[name=bottom_n]", f"3 {BOTTOM_N}")  # the two lowest counties
    with page.expect_navigation():
        page.click("#campaign-form button[type=submit]")
    expect(page.locator("ul.messages li.message")).to_contain_text("测评活动已创建为草稿")
    expect(page.locator("#campaign-status")).to_have_text("草稿")
    expect(page.locator("#progress tbody tr")).to_have_count(len(COUNTIES))
    return int(re.search(r"/campaigns/(\d+)/", page.url).group(1))


def open_campaign(page: Page, base: str, campaign_id: int) -> None:
    page.goto(f"{base}/surveys/campaigns/{campaign_id}/")
    page.click("#open-campaign")
    expect(page.locator("#close-campaign")).to_be_visible()
    expect(page.locator("#campaign-status")).not_to_have_text("草稿")


def public_link(page: Page, unit_name: str) -> str:
    """The link printed under the county's QR code, checked to be what the code encodes."""
    import segno

    page.click("#distribution-link")
    card = page.locator(".qr-card", has_text=unit_name)
    expect(card).to_have_count(1)
    link = card.locator(".qr-link a").inner_text()
    assert re.fullmatch(r"http://[^/]+/s/[\w-]+/", link), link
    qr = card.locator("img").get_attribute("src")
    assert qr == segno.make(link, error="m").svg_data_uri(scale=3, border=2)
    return link


# --- the respondent's steps ------------------------------------------------------------------

def step_label(page: Page):
    return page.locator("#step-label")


def section(page: Page, number: int):
    return page.locator(f"fieldset[data-section='{number}']")


def on_section(page: Page, number: int, total: int) -> None:
    """Section ``number`` alone is shown, with its place in the progress bar."""
    expect(step_label(page)).to_have_text(f"第 {number} 部分，共 {total} 部分")
    expect(section(page, number)).to_be_visible()
    expect(page.locator("fieldset[data-section]:visible")).to_have_count(1)
    width = page.locator("#progress-bar").evaluate("e => e.style.width")
    assert width == f"{round(100 * number / total)}%"


def answer_section(page: Page, number: int) -> None:
    """Give the respondent's answers to the questions of section ``number``."""
    shown = section(page, number)
    if shown.locator("textarea[name=q_remarks]").count():
        shown.locator("textarea[name=q_remarks]").fill(PHONE_REMARK)
    for code, value in {**PHONE_ANSWERS, **PHONE_ATTRIBUTES}.items():
        choice = shown.locator(f"input[name=q_{code}][value={value}]")
        if choice.count():
            choice.check()


def answer_everything(page: Page) -> None:
    """From the first section to the last, answering each; the last has the submit button."""
    total = page.locator("fieldset[data-section]").count()
    for number in range(1, total + 1):
        on_section(page, number, total)
        expect(page.locator("#back-button")).to_be_visible(visible=number > 1)
        answer_section(page, number)
        if number < total:
            expect(page.locator("#submit-button")).to_be_hidden()
            page.click("#next-button")
    expect(page.locator("#next-button")).to_be_hidden()
    expect(page.locator("#submit-button")).to_be_visible()


def answer_on_the_phone(phone: Page, link: str) -> str:
    """Answer as the respondent means to; returns the device fingerprint the page sent."""
    phone.goto(link)
    expect(phone.locator(".intro h1")).to_have_text("组织工作满意度民意调查问卷")
    expect(phone.locator(".intro .about")).to_contain_text(COUNTIES[ANSWERED_ON_THE_PHONE])
    total = phone.locator("fieldset[data-section]").count()
    assert total == 6  # the four aspects, the respondent's details and the free-text question
    on_section(phone, 1, total)
    # one column that fits the phone: nothing to scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the first aspect's questions are required: answering one of five does not let one on
    aspect_a = int(phone.locator("fieldset[data-section]:has(#item-A1)")
                   .get_attribute("data-section"))
    for number in range(1, aspect_a):
        answer_section(phone, number)
        phone.click("#next-button")
    on_section(phone, aspect_a, total)
    alerts: list[str] = []

    def note_alert(dialog) -> None:
        alerts.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", note_alert)
    phone.check("input[name=q_A1][value=my]")
    phone.click("#next-button")
    expect(phone.locator(".question.has-error")).to_have_count(4)
    for code in ("A2", "A3", "A4", "A5"):
        expect(phone.locator(f"#item-{code}")).to_have_class(re.compile("has-error"))
    expect(phone.locator("#item-A1")).not_to_have_class(re.compile("has-error"))
    assert alerts == [REQUIRED_MESSAGE]
    on_section(phone, aspect_a, total)

    # back to the start, then through every section, answering as the respondent means to
    for _step in range(1, aspect_a):
        phone.click("#back-button")
    on_section(phone, 1, total)
    answer_everything(phone)
    expect(phone.locator(".question.has-error")).to_have_count(0)
    fingerprint = phone.locator("#fingerprint").input_value()
    phone.click("#submit-button")
    expect(phone).to_have_url(re.compile(r"/s/[\w-]+/thanks/$"))
    expect(phone.locator("#thanks h1")).to_have_text("感谢您的参与！")
    expect(phone.locator("#thanks")).to_contain_text(
        f"您对{COUNTIES[ANSWERED_ON_THE_PHONE]}的评价已记录。")
    return fingerprint


def answer_again_and_be_refused(phone: Page, link: str) -> str:
    """Answer the whole questionnaire again and be refused; returns the device fingerprint
    the page sent."""
    phone.goto(link)
    answer_everything(phone)
    fingerprint = phone.locator("#fingerprint").input_value()
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    phone.click("#submit-button")
    expect(phone.locator("#refused .notice")).to_have_text(ALREADY_ANSWERED)
    expect(phone.locator("#refused h1")).to_have_text(COUNTIES[ANSWERED_ON_THE_PHONE])
    return fingerprint


@contextmanager
def another_browser_on_the_same_phone(chromium):
    """A fresh browser context: no cookies, but the same screen, language, time zone and
    graphics, so the same device fingerprint. Fails on JavaScript errors like ``phone_page``."""
    pages = _page(chromium, PHONE)
    try:
        yield next(pages)
    finally:
        next(pages, None)


# --- results ---------------------------------------------------------------------------------

def seeded_answers() -> dict[str, list[dict[str, str]]]:
    """SEEDED_PER_COUNTY respondents per county around its quality, 5% 不了解, from a fixed
    seed."""
    rng = random.Random(2002)
    plan: dict[str, list[dict[str, str]]] = {}
    for code, quality in QUALITY.items():
        plan[code] = []
        for _n in range(SEEDED_PER_COUNTY):
            mood = min(0.98, max(0.02, rng.gauss(quality, 0.1)))
            answers = {}
            for item in RATED:
                draw = rng.random()
                answers[item] = ("bly" if draw < 0.05 else "my" if draw < 0.05 + 0.95 * mood
                                 else rng.choice(["jbmy", "jbmy", "bmy"]))
            answers["age"] = rng.choice(["a1", "a2", "a3"])
            plan[code].append(answers)
    return plan


def seed_responses(campaign_id: int, plan: dict[str, list[dict[str, str]]]) -> None:
    from pacesetter.surveys import services
    from pacesetter.surveys.models import Target

    links = dict(Target.objects.filter(campaign_id=campaign_id)
                 .values_list("unit__code", "link_token"))
    for code, respondents in plan.items():
        for n, answers in enumerate(respondents):
            _id, created = services.response_submit(
                token=links[code], respondent=f"seed-{code}-{n}", answers=answers,
                device=f"seed-device-{code}-{n}")
            assert created


def expected_index(respondents: list[dict[str, str]]) -> float:
    """Seed 002's index: each item's mean share over its valid answers, weighted by its share
    of its aspect's weight, on 0–100."""
    total = weight_sum = 0.0
    for aspect_weight, codes in ASPECTS.values():
        for item in codes:
            shares = [SCALE[r[item]] for r in respondents if SCALE[r[item]] is not None]
            if shares:
                weight = aspect_weight / len(codes)
                total += weight * sum(shares) / len(shares)
                weight_sum += weight
    return 100 * total / weight_sum


def test_a_survey_from_xlsform_to_phone_answers_to_ranked_results(
        page, phone_page, chromium, live_server, demo, tmp_path):
    base = live_server.url
    phone_unit = COUNTIES[ANSWERED_ON_THE_PHONE]

    # 1. the organizer imports the questionnaire, surveys five counties, prints the QR codes
    #    and opens the campaign
    login(page, base, ORGANIZER, demo.password)
    import_questionnaire(page, base, tmp_path)
    campaign_id = create_campaign(page, base)
    link = public_link(page, phone_unit)
    phone_page.goto(link)  # a draft takes no answers yet
    expect(phone_page.locator("#refused .notice")).to_have_text(NOT_OPEN_YET)
    open_campaign(page, base, campaign_id)

    # 2. a member of the public answers on a phone, once
    fingerprint = answer_on_the_phone(phone_page, link)
    assert response_count() == 1

    # the same browser is told at once, before filling the questionnaire in again
    phone_page.goto(link)
    expect(phone_page.locator("#refused .notice")).to_have_text(ALREADY_ANSWERED)
    expect(phone_page.locator("#submit-button")).to_have_count(0)
    assert response_count() == 1

    with another_browser_on_the_same_phone(chromium) as other:
        assert not other.context.cookies()  # not the first browser's device cookie
        assert answer_again_and_be_refused(other, link) == fingerprint
    assert response_count() == 1

    # 3. more responses come in; the results rank the counties and flag the lowest two
    plan = seeded_answers()
    seed_responses(campaign_id, plan)
    assert response_count() == 1 + len(COUNTIES) * SEEDED_PER_COUNTY
    plan[ANSWERED_ON_THE_PHONE].append(PHONE_ANSWERS)
    expected = {COUNTIES[code]: expected_index(respondents) for code, respondents in plan.items()}
    ranked = sorted(expected, key=expected.get, reverse=True)
    lowest = ranked[-BOTTOM_N:]

    page.goto(f"{base}/surveys/campaigns/{campaign_id}/")
    page.click("#results-link")
    expect(page.locator("h1")).to_contain_text("2026年哈尔滨市县级组织工作满意度测评")
    # computed just now, in the users' time (Beijing time: the site's time zone)
    lead = page.locator("main p.lead").first.inner_text()
    stamp = re.search(r"计算时间：(\d{4}-\d\d-\d\d \d\d:\d\d)。", lead)
    assert stamp, lead
    computed = datetime.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M")
    now = timezone.localtime().replace(tzinfo=None)
    assert datetime.timedelta(0) <= now - computed < datetime.timedelta(minutes=2), lead
    group = page.locator("section.panel[data-group]")
    expect(group).to_have_count(1)
    expect(group.locator("h2")).to_have_text("第 3 级")
    chart = group.locator("[data-chart=ranking]")
    expect(chart.locator("canvas").first).to_be_visible()
    assert chart.bounding_box()["height"] >= 200
    expect(page.locator("#heatmap-chart canvas").first).to_be_visible()
    # what the ranking chart draws: lowest first, each with its interval, the bottom-N black
    drawn = json.loads(page.locator("#results-data").text_content())["ranking"]
    assert [g["units"] for g in drawn] == [ranked[::-1]]
    assert drawn[0]["bottom"] == [True] * BOTTOM_N + [False] * (len(COUNTIES) - BOTTOM_N)
    assert all(low < index < high for low, index, high in zip(
        drawn[0]["low"], drawn[0]["index"], drawn[0]["high"], strict=True))

    rows = group.locator("table.ranking tbody tr")
    expect(rows).to_have_count(len(COUNTIES))
    expect(rows.locator("td:nth-child(2)")).to_have_text(ranked)
    for rank, name in enumerate(ranked, start=1):
        cells = group.locator(f"tr[data-unit='{name}'] td")
        expect(cells.nth(0)).to_have_text(f"{rank} / {len(COUNTIES)}")
        index = float(cells.nth(2).inner_text())
        assert index == pytest.approx(expected[name], abs=0.006), name
        low, high = (float(v) for v in re.fullmatch(
            r"(\d+\.\d\d)–(\d+\.\d\d)", cells.nth(3).inner_text()).groups())
        assert low < index < high and high - low < 20, (name, low, index, high)
        responses = SEEDED_PER_COUNTY + (name == phone_unit)
        expect(cells.nth(5)).to_have_text(str(responses))
    flagged = group.locator("tr.mark-black")
    expect(flagged.locator("td:nth-child(2)")).to_have_text(lowest)
    expect(flagged.locator(".bottom-flag")).to_have_text(["排名靠后"] * BOTTOM_N)
    expect(group.locator(".bottom-flag")).to_have_count(BOTTOM_N)
    expect(page.locator("#text-remarks")).to_contain_text(PHONE_REMARK)
    expect(page.locator("#text-remarks")).to_contain_text(phone_unit)

    with page.expect_download() as download:
        page.click("#export-results")
    saved = tmp_path / "results.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    header, *table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[3] == "单位" and header[11] == "排名靠后"
    assert [row[3] for row in table] == ranked
    assert [row[3] for row in table if row[11]] == lowest
    assert [float(row[7]) for row in table] == pytest.approx(
        [expected[name] for name in ranked], abs=0.006)
