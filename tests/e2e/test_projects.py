"""A key project from publication to its first progress report, in a real browser.

Harbin's organization department (the organizer) writes a project with two milestones in the
milestone editor and publishes it for claims. Yilan county's administrator, on a phone, claims
it with a plan; the department approves the claim, which makes Yilan the lead unit. Yilan then
reports progress on the phone with a photo of the site, and the project page shows the new
percent, the photo and the milestone timeline; the battle map shows the project as Yilan's,
60% done.
"""

from __future__ import annotations

import base64
import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

ORGANIZER = "haerbin"  # 哈尔滨市委组织部管理员 (230100)
COUNTY = "yilan"  # 依兰县委组织部管理员 (230123)
TITLE = "党建引领物业服务"
# A 1×1 PNG: a real image, so that the thumbnail loads.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDw"
                       "ADhgGAWjR9awAAAABJRU5ErkJggg==")
# Waits for the image to finish loading, then answers its width (0 if it failed to load).
IMAGE_WIDTH_ONCE_LOADED = """img => img.complete ? img.naturalWidth : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth));
    img.addEventListener("error", () => resolve(0));
})"""


def a_portfolio() -> int:
    from pacesetter.orgs.models import Unit, User
    from pacesetter.projects import services

    portfolio = services.portfolio_create(
        actor=User.objects.get(username=ORGANIZER), owner=Unit.objects.get(code="230100"),
        title="2026 组织工作创新年", year=datetime.date.today().year, cadence="weekly")
    return portfolio.pk


def write_and_publish(page: Page, base: str, portfolio_id: int) -> None:
    """The organizer fills in the plan, adds a milestone row and publishes for claims."""
    today = datetime.date.today()
    page.goto(f"{base}/portfolios/{portfolio_id}/projects/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=category]", "基层治理")
    page.fill("input[name=starts_on]", (today - datetime.timedelta(days=10)).isoformat())
    page.fill("input[name=deadline]", (today + datetime.timedelta(days=180)).isoformat())
    rows = page.locator("#milestone-editor tbody tr")
    page.click("#milestone-editor [data-add-row]")  # a third row, by the editor's button
    expect(rows).to_have_count(3)
    rows.nth(2).locator("[data-remove-row]").click()  # and taken away again
    expect(rows).to_have_count(2)
    for n, (title, due) in enumerate([("摸底调研", 20), ("全面推开", 120)]):
        rows.nth(n).locator("input[name=ms_title]").fill(title)
        rows.nth(n).locator("input[name=ms_due]").fill(
            (today + datetime.timedelta(days=due)).isoformat())
    page.click("#publish-project")
    expect(page.locator("#project-state")).to_have_text("待认领")
    expect(page.locator(".message")).to_contain_text("项目已创建并发布认领")
    expect(page.locator("#milestone-timeline .ms-mark")).to_have_count(2)


def test_publish_claim_approve_and_report_progress_with_a_photo(
        page, phone_page, live_server, demo, tmp_path: Path):
    base = live_server.url
    portfolio_id = a_portfolio()

    # the organizer publishes the project for claims
    login(page, base, ORGANIZER, demo.password)
    write_and_publish(page, base, portfolio_id)
    project_url = page.url
    assert re.search(r"/projects/\d+/$", project_url)

    # the county claims it on a phone
    login(phone_page, base, COUNTY, demo.password)
    phone_page.goto(project_url)
    expect(phone_page.locator("#claim-form select[name=unit]")).to_contain_text("依兰县")
    phone_page.fill("#claim-form textarea[name=plan]", "依兰县先行试点，三个月覆盖全部社区。")
    phone_page.click("#claim-form button[type=submit]")
    expect(phone_page.locator(".message")).to_contain_text("依兰县 已认领该项目")

    # the organizer approves the claim: Yilan leads
    page.reload()
    claim_row = page.locator("#claims tbody tr", has_text="依兰县")
    claim_row.locator("input[name=note]").fill("同意依兰县牵头")
    claim_row.locator("button[value=approve]").click()
    expect(page.locator(".message")).to_contain_text("已通过 依兰县 的认领")
    expect(page.locator("#lead-unit")).to_have_text("依兰县")
    expect(page.locator("#project-state")).to_have_text("已立项")

    # the county reports progress with a photo
    phone_page.goto(project_url)
    phone_page.click("#report-progress")
    phone_page.fill("textarea[name=text]", "完成全县社区摸底，形成问题清单。")
    first = phone_page.locator(".percent-line", has_text="摸底调研").locator("input")
    first.fill("100")
    second = phone_page.locator(".percent-line", has_text="全面推开").locator("input")
    second.fill("20")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    phone_page.set_input_files("input[name=files]", str(photo))
    phone_page.click("#send-report")

    # the project page shows the new percent, the photo and the timeline
    expect(phone_page.locator(".message")).to_contain_text("进度报告已报送")
    expect(phone_page.locator("#project-percent")).to_have_text("60%")  # (100 + 20) / 2
    expect(phone_page.locator("#project-state")).to_have_text("推进中")
    thumbnail = phone_page.locator("#updates .photos img").first
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()  # the thumbnail loads lazily
    assert thumbnail.evaluate(IMAGE_WIDTH_ONCE_LOADED) == 1  # the image itself loaded
    expect(phone_page.locator("#milestone-timeline .ms-mark.ms-done")).to_have_count(1)
    phone_page.screenshot(path=str(tmp_path / "project-phone.png"), full_page=True)
    page.goto(project_url)
    expect(page.locator("#project-percent")).to_have_text("60%")
    page.screenshot(path=str(tmp_path / "project-desktop.png"), full_page=True)

    # and the battle map shows it, led by Yilan, 60% done, with the Gantt drawn
    page.goto(f"{base}/portfolios/{portfolio_id}/")
    row = page.locator("#project-table tbody tr", has_text=TITLE)
    expect(row).to_contain_text("依兰县")
    expect(row).to_contain_text("推进中")
    expect(row).to_contain_text("60%")
    expect(page.locator("#battle-map")).to_have_attribute("data-rendered", "1")
    page.screenshot(path=str(tmp_path / "battle-map.png"), full_page=True)


def test_the_plan_editor_renames_adds_and_removes_milestones_keeping_progress(
        page, live_server, demo):
    """The rows keep their hidden milestone ids while rows are added, removed and renumbered:
    the milestone renamed keeps its progress."""
    from pacesetter.orgs.models import Unit, User
    from pacesetter.projects import services
    from pacesetter.projects.models import Portfolio, Project
    from pacesetter.projects.services import MilestoneData, ProjectData

    today = datetime.date.today()
    organizer = User.objects.get(username=ORGANIZER)
    project = services.project_create(
        actor=organizer, portfolio=Portfolio.objects.get(pk=a_portfolio()),
        data=ProjectData(title=TITLE, lead_unit=Unit.objects.get(code="230123"),
                         deadline=today + datetime.timedelta(days=180)),
        milestones=[MilestoneData("摸底调研", today - datetime.timedelta(days=5), percent=100),
                    MilestoneData("试点", today + datetime.timedelta(days=30)),
                    MilestoneData("全面推开", today + datetime.timedelta(days=120))])
    done = project.milestones.get(title="摸底调研")
    base = live_server.url
    login(page, base, ORGANIZER, demo.password)
    page.goto(f"{base}/projects/{project.pk}/edit/")
    rows = page.locator("#milestone-editor tbody tr")
    # remove 试点 (no progress), add a row, rename the milestone that is done
    rows.filter(has=page.locator("input[value='试点']")).locator("[data-remove-row]").click()
    page.click("#milestone-editor [data-add-row]")
    expect(rows.last.locator("[data-row-number]")).to_have_text(str(rows.count()))
    rows.last.locator("input[name=ms_title]").fill("总结推广")
    rows.last.locator("input[name=ms_due]").fill(
        (today + datetime.timedelta(days=170)).isoformat())
    rows.first.locator("input[name=ms_title]").fill("全面摸底")
    page.click("#save-project")
    expect(page.locator(".message")).to_contain_text("项目已保存")
    project = Project.objects.get(pk=project.pk)
    assert list(project.milestones.values_list("pk", "title", "percent")) == [
        (done.pk, "全面摸底", 100),
        (project.milestones.get(title="全面推开").pk, "全面推开", 0),
        (project.milestones.get(title="总结推广").pk, "总结推广", 0)]
