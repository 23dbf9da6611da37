"""The province's administrator builds a plan in the editor, with AHP weights checked live,
and opens it for reporting, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def assessment_demo(demo):
    from pacesetter.assessment import demo as assessment_demo

    assessment_demo.load()


def _judge(page, pair: str, value: str) -> None:
    """Choose a judgment in the grid and wait for the live preview to come back."""
    with page.expect_response(lambda r: r.url.endswith("/editor/ahp/preview/")):
        page.select_option(f"select[data-pair='{pair}']", value)


def test_province_admin_builds_a_plan_with_ahp_weights(page, live_server, demo,
                                                       assessment_demo):
    from pacesetter.assessment.models import AssessmentPlan, PlanStatus

    base = live_server.url
    login(page, base, "sheng", demo.password)

    # a new plan from the plan list
    page.goto(f"{base}/assessment/")
    page.click("#new-plan")
    page.fill("input[name=name]", "县级党建工作季度考核（2026年第4季度）")
    page.fill("input[name=series]", "县级党建工作季度考核")
    page.select_option("select[name=period_kind]", "quarter")
    page.fill("input[name=period_day]", "2026-11-20")
    page.check("input[name=assessed_levels][value='3']")
    page.check("input[name=assessed_groups][value='县(市)']")
    page.check("input[name=assessed_groups][value='市辖区']")
    page.check("input[name=ranking_groups][value='县(市)']")
    page.check("input[name=ranking_groups][value='市辖区']")
    page.fill("input[name=red_top_percent]", "10")
    page.fill("input[name=black_bottom_n]", "1")
    page.click("#plan-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/assessment/\d+/editor/$"))
    plan = AssessmentPlan.objects.get(series="县级党建工作季度考核")
    assert plan.period.label == "2026年第4季度"

    # three indicators of the province's catalog
    for code in ("A1", "A2", "A3"):
        page.click(f"tr[data-code='{code}'] button.add-indicator")
        expect(page.locator(f"tr[data-code='{code}'] button.remove-indicator")).to_be_visible()
    expect(page.locator("#weight-total")).to_have_text("0.00")
    expect(page.locator("#weight-total")).to_have_class(re.compile("off"))

    # typing weights by hand updates the category subtotal and the total at once
    page.fill("input[name=w_A1]", "50")
    expect(page.locator("#weight-total")).to_have_text("50.00")
    expect(page.locator("tr[data-code='A'] [data-subtotal]")).to_have_text("50.00")

    # the AHP grid: the lower half mirrors the upper, and CR follows every change
    page.click("a[data-tab=ahp]")
    expect(page.locator("#ahp-grid")).to_be_visible()
    expect(page.locator("#ahp-cr")).to_have_attribute("data-value", "0.000000")
    _judge(page, "0-1", "9")
    _judge(page, "0-2", "1/9")
    _judge(page, "1-2", "9")
    expect(page.locator("[data-mirror='0-2']")).to_have_text("9")
    expect(page.locator("#ahp-cr")).to_have_class(re.compile("cr-high"))
    expect(page.locator("#ahp-reason")).to_be_visible()
    inconsistent = float(page.locator("#ahp-cr").get_attribute("data-value"))
    assert inconsistent >= 0.1
    _judge(page, "0-1", "3")
    _judge(page, "0-2", "5")
    _judge(page, "1-2", "2")
    expect(page.locator("[data-mirror='0-1']")).to_have_text("1/3")
    expect(page.locator("#ahp-cr")).to_have_class(re.compile("cr-ok"))
    expect(page.locator("#ahp-reason")).to_have_count(0)
    assert float(page.locator("#ahp-cr").get_attribute("data-value")) < 0.1
    expect(page.locator("#ahp-weights tr[data-code='A1']")).to_contain_text("64.8")
    with page.expect_response(lambda r: r.url.endswith("/editor/ahp/preview/")):
        page.select_option("select[name=method]", "geometric")
    expect(page.locator("#ahp-weights tr[data-code='A1']")).to_contain_text("64.8")

    # saved: the weights add up to 100 and the derivation is shown
    page.click("#ahp-save")
    expect(page.locator("li.message")).to_be_visible()
    expect(page.locator("#weight-total")).to_have_text("100.00")
    expect(page.locator("#weight-derivation")).to_contain_text("λ")
    plan.refresh_from_db()
    assert plan.weight_method == "ahp" and plan.weight_details["method"] == "geometric"

    # and the plan opens for reporting
    page.goto(f"{base}/assessment/{plan.pk}/")
    expect(page.locator("#weight-derivation")).to_contain_text("CR")
    page.click("form[action$='/open/'] button")
    expect(page.locator("li.message")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COLLECTING
    assert plan.plan_units.count() > 0
    expect(page.locator("#plan-edit")).to_have_count(0)
