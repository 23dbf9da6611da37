"""The battle map (挂图作战) in a real browser: the Gantt chart of 30 projects draws with their
health colors, its rows scroll, a click on a bar opens the project; on a phone the chart
scrolls sideways inside its frame and the page itself stays within the screen."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-Horse-42"  # tests.factories.UserFactory
# The chart's bars and diamonds as drawn (SVG renderer): fill colors and how many of each.
DRAWN = """() => {
  const counts = {};
  document.querySelectorAll('#battle-map svg path').forEach((path) => {
    const fill = (path.getAttribute('fill') || '').toLowerCase();
    counts[fill] = (counts[fill] || 0) + 1;
  });
  return counts;
}"""
# The middle of project ``index``'s bar, in page coordinates.
BAR_MIDDLE = """(index) => {
  const element = document.getElementById('battle-map');
  const chart = echarts.getInstanceByDom(element);
  const data = JSON.parse(document.getElementById('battlemap-data').textContent);
  const row = data.rows[index];
  const day = (t) => {
    const p = t.split('-');
    return new Date(+p[0], +p[1] - 1, +p[2]).getTime();
  };
  const middle = (day(row.start) + day(row.end)) / 2;
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [middle, index]);
  const box = element.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, url: row.url};
}"""


@pytest.fixture
def big_portfolio(tree, province_admin):
    """30 projects of county A and county B, every fifth one overdue, a few done."""
    from pacesetter.projects import services
    from pacesetter.projects.services import MilestoneData, ProjectData

    today = datetime.date.today()
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="组织工作创新年", year=today.year)
    for n in range(30):
        if n % 5 == 0:
            milestones = [MilestoneData("调研", today - datetime.timedelta(days=10))]
        elif n % 7 == 0:
            milestones = [MilestoneData("验收", today - datetime.timedelta(days=3), percent=100)]
        else:
            milestones = [MilestoneData("推进", today + datetime.timedelta(days=60 + n),
                                        percent=20)]
        project = services.project_create(
            actor=province_admin, portfolio=portfolio, milestones=milestones,
            data=ProjectData(title=f"创新项目{n + 1}", code=f"P{n + 1:02d}",
                             lead_unit=tree.county_a if n % 2 else tree.county_b,
                             starts_on=today - datetime.timedelta(days=120),
                             deadline=today + datetime.timedelta(days=150)))
        for step in ("submit", "approve", "start"):
            services.project_step(actor=province_admin, project=project, step=step)
    return portfolio


def _drawn(page: Page) -> dict[str, int]:
    expect(page.locator("#battle-map")).to_have_attribute("data-rendered", "1")
    return page.evaluate(DRAWN)


def test_the_battle_map_draws_scrolls_and_opens_a_project(page, phone_page, live_server,
                                                          big_portfolio, province_admin,
                                                          tmp_path):
    base = live_server.url
    login(page, base, province_admin.username, PASSWORD)
    page.goto(f"{base}/portfolios/{big_portfolio.pk}/")
    expect(page.locator("h1")).to_contain_text("组织工作创新年")
    expect(page.locator("#count-overdue")).to_have_text("6")
    drawn = _drawn(page)
    assert drawn.get("#d32f2f", 0) >= 6  # the overdue bars and their diamonds, in red
    assert drawn.get("#1976d2", 0) > 0 and drawn.get("#9e9e9e", 0) > 0
    # 30 rows do not fit: 25 show, and the slider on the right scrolls the rest
    height = page.locator("#battle-map").bounding_box()["height"]
    assert 700 < height < 900
    page.screenshot(path=str(tmp_path / "battle-map.png"), full_page=True)
    # a click on the first bar opens its project
    target = page.evaluate(BAR_MIDDLE, 0)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(f"{base}{target['url']}")
    expect(page.locator("h1")).to_contain_text("创新项目1")
    # the board: a column per state, a card per project
    page.goto(f"{base}/portfolios/{big_portfolio.pk}/board/")
    expect(page.locator("#column-in_progress .kanban-card")).to_have_count(30)
    page.screenshot(path=str(tmp_path / "board.png"))

    # on a phone the chart scrolls sideways within its frame; the page does not
    login(phone_page, base, province_admin.username, PASSWORD)
    phone_page.goto(f"{base}/portfolios/{big_portfolio.pk}/")
    _drawn(phone_page)
    frame = phone_page.evaluate("""() => {
      const frame = document.querySelector('.gantt-scroll');
      return {scroll: frame.scrollWidth, width: frame.clientWidth,
              page: document.documentElement.scrollWidth};
    }""")
    assert frame["scroll"] > frame["width"]
    assert phone_page.evaluate("document.querySelector('.gantt-scroll').scrollLeft") > 0
    assert frame["page"] <= 390
    phone_page.screenshot(path=str(tmp_path / "battle-map-phone.png"))
    expect(phone_page.locator("#project-table tbody tr")).to_have_count(30)
