"""Supervision from a ranking to a verified close-out, in a real browser.

Harbin's counties were surveyed; the province's administrator (``sheng``) sets Harbin's list of
finding categories, picks the survey, asks for its two lowest counties and plans Harbin's
inspection of them, then starts it. Harbin's inspector (``ducha``) records a finding at 依兰县
on a phone, with two suggestions and a photo, and the form is there again for the next one;
then assigns the rectification. 依兰县's administrator (``yilan``) accepts it, starts and
reports with evidence; the inspector returns it once with a reason; the county reports again;
the inspector completes it and closes it out. The inspection's figures then say so.
"""

from __future__ import annotations

import datetime
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, _page, login

pytestmark = pytest.mark.e2e

HARBIN = "230100"
COUNTIES = {"230123": "依兰县", "230124": "方正县", "230125": "宾县", "230126": "巴彦县",
            "230127": "木兰县"}
# each county's share of 满意 answers: 依兰县 and 宾县 are the lowest two
QUALITY = {"230123": 2, "230124": 7, "230125": 3, "230126": 8, "230127": 6}
RESPONDENTS = 10
CAMPAIGN = "2026年哈尔滨市县级组织工作满意度测评"
CATEGORIES = ["基层组织建设", "干部队伍建设", "作风建设"]
PROBLEM = "部分村党组织“三会一课”记录不全，组织生活会流于形式"


def png(width: int = 8, height: int = 6) -> bytes:
    """A small red picture, as a phone's camera would send (a real PNG the browser shows)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xb2\x22\x22" * width for _row in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(autouse=True)
def _fresh_survey_caches(settings):
    from pacesetter.surveys import forms_cache

    forms_cache.forget_all()
    settings.SURVEY_RATE_LIMIT = 1000
    yield
    forms_cache.forget_all()


def surveyed_counties() -> int:
    """A survey of Harbin's five counties with every respondent's answers in (set up through
    the services, as the survey pages would)."""
    from pacesetter.orgs.models import Unit, User
    from pacesetter.surveys import services
    from tests.surveys.conftest import small_draft

    sheng = User.objects.get(username="sheng")
    harbin = Unit.objects.get(code=HARBIN)
    questionnaire = services.questionnaire_create(actor=sheng, owner=harbin,
                                                  draft=small_draft())
    now = timezone.now()
    campaign = services.campaign_create(
        actor=sheng, owner=harbin, questionnaire=questionnaire, title=CAMPAIGN,
        opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=7),
        units=list(Unit.objects.filter(code__in=COUNTIES).order_by("code")),
        default_quota=RESPONDENTS)
    campaign = services.campaign_open(actor=sheng, campaign=campaign)
    for target in campaign.targets.select_related("unit"):
        satisfied = QUALITY[target.unit.code]
        for n in range(RESPONDENTS):
            value = "my" if n < satisfied else "bmy"
            services.response_submit(token=target.link_token,
                                     respondent=f"{target.unit.code}-{n}",
                                     answers={"A1": value, "A2": value, "B1": value})
    return campaign.pk


def unit_pk(code: str) -> int:
    from pacesetter.orgs.models import Unit

    return Unit.objects.get(code=code).pk


# --- the province plans the inspection ---------------------------------------------------------

def set_categories(page: Page, base: str) -> None:
    page.goto(f"{base}/inspections/categories/?owner={unit_pk(HARBIN)}")
    expect(page.locator("h1")).to_contain_text("哈尔滨市")
    page.fill("textarea[name=names]", "\n".join(CATEGORIES))
    with page.expect_navigation():
        page.click("#save-categories")
    expect(page.locator("ul.messages li.message")).to_contain_text("问题类别已保存")
    expect(page.locator("#categories tbody tr")).to_have_count(3)


def plan_from_the_ranking(page: Page, base: str, campaign_id: int, shots: Path) -> int:
    page.goto(f"{base}/inspections/")
    page.click("#from-ranking")
    expect(page.locator("h1")).to_have_text("按排名倒数督查")
    page.select_option("select[name=source]", f"survey:{campaign_id}")
    page.fill("textarea[name=bottom]", "2")
    with page.expect_navigation():
        page.click("#preview-ranking")
    rows = page.locator("#preview-targets tbody tr")
    expect(rows).to_have_count(2)
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.unit)")) == [
        "230123", "230125"]
    expect(rows.first).to_contain_text(CAMPAIGN)
    expect(page.locator("#ranking-preview")).to_contain_text("满意度指数")
    page.screenshot(path=str(shots / "ranking-preview.png"), full_page=True)
    page.select_option("#inspection-form select[name=owner]", str(unit_pk(HARBIN)))
    expect(page.locator("#inspection-form input[name=title]")).to_have_value(
        f"{CAMPAIGN}排名靠后单位督查")
    page.locator("#inspection-form input[name=cl_code]").first.fill("C1")
    page.locator("#inspection-form input[name=cl_text]").first.fill("“三会一课”落实情况")
    with page.expect_navigation():
        page.click("#create-inspection")
    expect(page.locator("ul.messages li.message")).to_contain_text("共 2 个检查对象")
    expect(page.locator("#targets tbody tr")).to_have_count(2)
    expect(page.locator("#targets tr[data-unit='230123']")).to_contain_text(CAMPAIGN)
    with page.expect_navigation():
        page.click("#start-inspection")
    expect(page.locator("#inspection-state")).to_have_text("进行中")
    return int(re.search(r"/inspections/(\d+)/", page.url).group(1))


# --- the inspector on site ---------------------------------------------------------------------

def record_on_the_phone(phone: Page, base: str, inspection_id: int, photo: Path) -> None:
    phone.goto(f"{base}/inspections/{inspection_id}/")
    phone.click("#record-finding")
    expect(phone.locator("h1")).to_contain_text("录入问题")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.select_option("select[name=unit]", str(unit_pk("230123")))
    phone.click("label.severity-serious")
    phone.select_option("select[name=category]", label=CATEGORIES[0])
    phone.select_option("select[name=checklist_item]", index=1)
    phone.fill("textarea[name=description]", PROBLEM)
    suggestions = phone.locator("textarea[name=suggestions]")
    suggestions.nth(0).fill("建立“三会一课”记录月检制度")
    phone.click("#add-suggestion")
    expect(suggestions).to_have_count(3)
    suggestions.nth(2).fill("开展党支部书记专题培训")
    phone.set_input_files("#id_files", str(photo))
    expect(phone.locator("#chosen-files li")).to_have_text("✓ 现场.png")
    save = phone.locator("#save-finding")
    save.scroll_into_view_if_needed()
    assert save.bounding_box()["width"] > PHONE["width"] / 3  # a big button to press
    with phone.expect_navigation():
        save.click()
    expect(phone.locator("ul.messages li.message")).to_contain_text("依兰县第 1 号问题已录入")
    expect(phone.locator("h1")).to_contain_text("已录入 1 个")
    # the next finding is at the same unit, unless changed
    expect(phone.locator("select[name=unit]")).to_have_value(str(unit_pk("230123")))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def open_the_task(page: Page, base: str, inspection_id: int) -> str:
    page.goto(f"{base}/inspections/{inspection_id}/")
    finding = page.locator("#finding-1")
    expect(finding).to_contain_text(PROBLEM)
    expect(finding.locator(".suggestions li")).to_have_count(2)
    expect(finding.locator(".thumbs img")).to_have_count(1)
    thumbnail = finding.locator(".thumbs img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth === 8",
                           arg=thumbnail.element_handle())
    expect(finding.locator(".task-state")).to_have_text("已登记")
    with page.expect_navigation():
        finding.locator("a.serial").click()
    expect(page.locator("#task-state")).to_have_text("已登记")
    return page.url


def step(page: Page, name: str, state: str, note: str = "", files: Path | None = None) -> None:
    """Take a step on the task's page and see its new state."""
    form = page.locator(f"#step-{name}")
    if note or files:
        page.locator(f"details.step-form:has(#step-{name}) > summary").click()
        if note:
            form.locator("textarea[name=note]").fill(note)
        if files:
            form.locator("input[type=file]").set_input_files(str(files))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#task-state")).to_have_text(state)


def test_from_the_bottom_of_a_survey_to_a_closed_out_rectification(
        chromium, demo, live_server, page, phone_page, tmp_path):
    base = live_server.url
    campaign_id = surveyed_counties()
    photo = tmp_path / "现场.png"
    photo.write_bytes(png())
    evidence = tmp_path / "整改台账.png"
    evidence.write_bytes(png(4, 4))

    # the province plans Harbin's inspection of the survey's two lowest counties
    login(page, base, "sheng", demo.password)
    set_categories(page, base)
    inspection_id = plan_from_the_ranking(page, base, campaign_id, tmp_path)
    page.screenshot(path=str(tmp_path / "inspection-planned.png"), full_page=True)

    # Harbin's inspector records a finding at 依兰县 on a phone
    login(phone_page, base, "ducha", demo.password)
    record_on_the_phone(phone_page, base, inspection_id, photo)
    phone_page.screenshot(path=str(tmp_path / "finding-entry-phone.png"), full_page=True)

    # and assigns its rectification to the county
    task_url = open_the_task(phone_page, base, inspection_id)
    step(phone_page, "assign", "已交办")

    # the county accepts, starts and reports with evidence
    county_pages = _page(chromium, DESKTOP)
    county = next(county_pages)
    try:
        login(county, base, "yilan", demo.password)
        county.goto(task_url)
        expect(county.locator("#step-assign")).to_have_count(0)  # not the county's step
        step(county, "accept", "已签收")
        step(county, "start", "整改中")
        step(county, "report", "已反馈", note="已建立月检制度，补齐记录", files=evidence)

        # the inspector takes it up and returns it once, with a reason
        phone_page.goto(task_url)
        step(phone_page, "review", "审核中")
        step(phone_page, "return", "整改中", note="培训记录缺少签到表，请补充")

        # the county reports again; the inspector completes and closes it out
        county.goto(task_url)
        expect(county.locator("#history")).to_contain_text("培训记录缺少签到表，请补充")
        step(county, "report", "已反馈", note="已补充培训签到表", files=evidence)
        phone_page.goto(task_url)
        step(phone_page, "review", "审核中")
        step(phone_page, "complete", "已办结")
        step(phone_page, "close", "已销号")
    finally:
        next(county_pages, None)

    # the inspection's figures say so
    page.goto(f"{base}/inspections/{inspection_id}/")
    expect(page.locator("#figure-findings")).to_have_text("1")
    expect(page.locator("#figure-suggestions")).to_have_text("2")
    expect(page.locator("#figure-rate")).to_have_text("100.0%")
    expect(page.locator("#summary")).to_contain_text(
        "指出问题 1 个，提出整改建议 2 条；已整改 1 个")
    expect(page.locator("#finding-1 .task-state")).to_have_text("已销号")
    expect(page.locator("#targets tr[data-unit='230123'] .unit-rate")).to_have_text("100.0%")
    expect(page.locator("[data-chart=categories] canvas")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "inspection-closed.png"), full_page=True)
