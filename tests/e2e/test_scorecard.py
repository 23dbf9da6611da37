"""A county's scorecard in a real browser: the radar and trend charts draw, on a desktop and on
a phone, without a JavaScript error; the explanation is one click away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

# Whether a chart's canvas has pixels drawn on it, and how wide it is.
CANVAS_STATE = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) { return {drawn: 0, width: 0}; }
  const context = canvas.getContext('2d');
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { drawn += 1; } }
  return {drawn: drawn, width: canvas.getBoundingClientRect().width};
}"""


@pytest.fixture
def october(demo):
    from pacesetter.assessment import demo as assessment_demo
    from pacesetter.assessment.models import AssessmentPlan

    assessment_demo.load()
    return AssessmentPlan.objects.get(period__label="2026年10月")


def _console_errors(page: Page) -> list[str]:
    """Errors logged in the console; the browser's own request for /favicon.ico (the site has
    none) is not the page's doing."""
    errors: list[str] = []

    def keep(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith(
                "/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", keep)
    return errors


def _charts_drawn(page: Page, viewport_width: int) -> None:
    for chart in ("#radar-chart", "#trend-chart"):
        expect(page.locator(chart)).to_have_attribute("data-rendered", "1")
        state = page.evaluate(CANVAS_STATE, chart)
        assert state["drawn"] > 1000, f"{chart} drew nothing"
        assert 0 < state["width"] <= viewport_width
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport_width


def test_scorecard_charts_draw_on_desktop_and_phone(page, phone_page, live_server, demo,
                                                    october):
    from pacesetter.orgs.models import Unit

    base = live_server.url
    yilan = Unit.objects.get(code="230123")

    # on a desktop, the province's administrator goes from the board to 依兰县's scorecard
    errors = _console_errors(page)
    login(page, base, "sheng", demo.password)
    page.goto(f"{base}/assessment/{october.pk}/board/")
    page.locator(".board-table a", has_text="依兰县").click()
    expect(page.locator("h1")).to_contain_text("依兰县")
    _charts_drawn(page, 1280)
    # the trend runs over September (corrected) and October
    expect(page.locator("#scorecard-trend tbody tr")).to_have_count(2)
    # and the explanation of the total is one click away
    page.click("#explain-link")
    expect(page.locator("#explain-formula")).to_contain_text("=")
    assert errors == []

    # on a phone, the same scorecard draws within the screen's width
    phone_errors = _console_errors(phone_page)
    login(phone_page, base, "sheng", demo.password)
    phone_page.goto(f"{base}/assessment/{october.pk}/units/{yilan.pk}/scorecard/")
    _charts_drawn(phone_page, 390)
    assert phone_errors == []
