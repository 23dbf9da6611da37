"""From a county reporter's figures to the published ranking board, in a real browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def assessment_demo(demo):
    from pacesetter.assessment import demo as assessment_demo
    from pacesetter.assessment.models import AssessmentPlan

    assessment_demo.load()
    return AssessmentPlan.objects.get(period__label="2026年11月")


def test_reporter_figures_to_published_board(page, live_server, demo, assessment_demo,
                                             tmp_path):
    base, plan = live_server.url, assessment_demo
    from pacesetter.orgs.models import Unit

    yilan = Unit.objects.get(code="230123")

    # the county's reporter fills in every figure and submits
    login(page, base, "yilan_tianbao", demo.password)
    page.goto(f"{base}/assessment/{plan.pk}/units/{yilan.pk}/")
    expect(page.locator("h1")).to_contain_text("依兰县")
    rows = page.locator("#values tbody tr")
    expect(rows).to_have_count(20)
    for code, value in {"A1": "99", "A2": "98", "A3": "100", "A4": "97", "A5": "100",
                        "B1": "100", "B2": "40", "B3": "100", "B4": "12", "B5": "0",
                        "C1": "30", "C2": "100", "C3": "96", "C5": "100",
                        "D1": "97", "D2": "99", "D3": "100", "D5": "0"}.items():
        # C4 and D4 are counted from the achievement and negative lists, not typed in
        page.fill(f"input[name=v_{code}]", value)
    page.fill("input[name=v_A1]", "120")
    page.click("button[name=submit]")
    expect(page.locator("#values")).to_contain_text("100")  # the maximum, beside the field
    page.fill("input[name=v_A1]", "99")
    page.click("button[name=submit]")
    expect(page.locator("li.message")).to_be_visible()
    expect(page.locator("input[name=v_A1]")).to_have_count(0)  # locked after submitting

    # the reporter cannot run the plan
    page.goto(f"{base}/assessment/{plan.pk}/")
    expect(page.locator("form[action$='/score/']")).to_have_count(0)
    page.click("form[action='/logout/'] button")

    # the province's administrator approves, scores and publishes
    login(page, base, "sheng", demo.password)
    page.goto(f"{base}/assessment/{plan.pk}/units/{yilan.pk}/")
    page.click("button[name=approve][value='1']")
    page.goto(f"{base}/assessment/{plan.pk}/")
    page.click("form[action$='/score/'] button")
    expect(page.locator("li.message")).to_be_visible()
    page.fill("form[action$='/publish/'] input[name=reason]", "十一月通报")
    page.click("form[action$='/publish/'] button")
    expect(page.locator("h1 .tag")).to_have_text(re.compile("已发布"))

    # the board ranks the county in its group, with lists
    page.click("text=排名榜")
    expect(page.locator(".board-group")).to_have_count(2)
    row = page.locator(".board-table tr", has_text="依兰县")
    expect(row).to_have_count(1)
    assert int(row.locator("td").first.inner_text()) <= 3
    expect(page.locator(".list-red").first).to_be_visible()
    expect(page.locator(".list-black").first).to_be_visible()
    target = DOCS if os.environ.get("PACESETTER_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(target / "screenshot-board.png"), full_page=False)
