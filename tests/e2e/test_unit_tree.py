"""The unit tree in a real browser: logging in, scope, lazy children, live search, phone width."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CJK, DESKTOP, DOCS, children, expand, login, search, tree_node

pytestmark = pytest.mark.e2e

PROVINCE = "230000"
HARBIN = "230100"
YILAN = "230123"
WUCHANG = "230184"


def test_county_admin_sees_only_their_county(page, live_server, demo):
    base = live_server.url
    login(page, base, "yilan", demo.password)

    # The home page, in Chinese, with the county as the whole scope.
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text(CJK)
    expect(page.locator("nav.mainnav a[href='/units/']")).to_have_text(CJK)
    expect(page.locator("main .lead")).to_contain_text("依兰县")
    expect(page.locator("main .lead")).not_to_contain_text("哈尔滨市")

    page.goto(f"{base}/units/")
    roots = page.locator("#unit-tree > li")
    expect(roots).to_have_count(1)
    expect(roots).to_have_attribute("data-code", YILAN)
    expect(roots.locator(":scope > details > summary a")).to_have_text("依兰县")
    expect(page.locator(f'li[data-code="{HARBIN}"]')).to_have_count(0)
    expect(page.locator(f'li[data-code="{PROVINCE}"]')).to_have_count(0)
    expect(page.locator("#unit-tree")).not_to_contain_text("哈尔滨市")

    expand(page, YILAN)
    expect(page).to_have_url(f"{base}/units/")  # the click opened the node, not the link
    townships = children(page, YILAN)
    expect(townships).to_have_count(2)
    for code in townships.evaluate_all("nodes => nodes.map(n => n.dataset.code)"):
        assert re.fullmatch(rf"{YILAN}\d{{3}}", code), code
    # A township has branches below it, so it is expandable too, and closed.
    expect(townships.first.locator(":scope > details")).not_to_have_attribute("open", "")

    rows = page.locator("#search-results tbody tr")
    for outside in ("哈尔滨", "五常", WUCHANG):
        search(page, outside)
        expect(page.locator("#search-results")).to_be_visible()
        expect(rows).to_have_count(0)

    search(page, "依兰")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td a")).to_have_text("依兰县")
    expect(page).to_have_url(re.compile(r"/units/\?q=%E4%BE%9D%E5%85%B0$"))


def test_province_admin_browses_and_searches_the_province(page, live_server, demo, tmp_path):
    base = live_server.url
    login(page, base, "sheng", demo.password)
    expect(page).to_have_url(f"{base}/")

    page.goto(f"{base}/units/")
    roots = page.locator("#unit-tree > li")
    expect(roots).to_have_count(1)
    expect(roots).to_have_attribute("data-code", PROVINCE)
    expect(roots.locator(":scope > details > summary a")).to_have_text("黑龙江省")

    expand(page, PROVINCE)
    cities = children(page, PROVINCE)
    expect(cities).to_have_count(13)
    expect(tree_node(page, HARBIN).locator(":scope > details > summary a")).to_have_text("哈尔滨市")
    expect(cities.first).to_have_attribute("data-code", HARBIN)  # ordered by code

    expand(page, HARBIN)
    counties = children(page, HARBIN)
    expect(counties).to_have_count(18)
    expect(tree_node(page, YILAN).locator("summary a")).to_have_text("依兰县")
    expect(tree_node(page, WUCHANG).locator("summary a")).to_have_text("五常市")
    # Only Harbin was opened: another city's counties are not loaded.
    expect(page.locator('#unit-tree li[data-code="230202"]')).to_have_count(0)

    page.set_viewport_size(DESKTOP)
    shot = (DOCS if os.environ.get("PACESETTER_SCREENSHOTS") == "1" else tmp_path)
    shot.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot / "screenshot-units.png"))
    assert (shot / "screenshot-units.png").stat().st_size > 10_000

    search(page, "五常")
    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(1)
    link = rows.first.locator("td").nth(0).locator("a")
    expect(link).to_have_text("五常市")
    expect(link).to_have_attribute("href", re.compile(r"^/units/\d+/$"))
    expect(rows.first.locator("td").nth(1)).to_have_text(WUCHANG)
    expect(rows.first.locator("td").nth(3)).to_have_text("黑龙江省 › 哈尔滨市")

    link.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/units/\d+/$"))
    expect(page.locator("main h1")).to_contain_text("五常市")
    crumbs = page.locator("ol.breadcrumb > li")
    expect(crumbs).to_have_count(4)
    expect(crumbs.nth(0).locator("a")).to_have_attribute("href", "/units/")
    expect(crumbs.nth(1)).to_have_text("黑龙江省")
    expect(crumbs.nth(2)).to_have_text("哈尔滨市")
    expect(crumbs.nth(3)).to_have_text("五常市")
    expect(crumbs.nth(3)).to_have_attribute("aria-current", "page")
    crumbs.nth(2).locator("a").click()
    expect(page.locator("main h1")).to_contain_text("哈尔滨市")


def test_wrong_password_stays_on_login_with_a_chinese_error(page, live_server, demo):
    base = live_server.url
    login(page, base, "yilan", demo.password + "-wrong")

    expect(page).to_have_url(f"{base}/login/")
    error = page.locator(".loginbox [role=alert]")
    expect(error).to_be_visible()
    expect(error).to_have_text(CJK)
    expect(error).to_contain_text("密码")
    expect(page.locator("input[name=username]")).to_have_value("yilan")

    # Still logged out: the units page sends us back to the login form.
    page.goto(f"{base}/units/")
    expect(page).to_have_url(f"{base}/login/?next=/units/")


def test_phone_width_menu_and_tree(phone_page, live_server, demo):
    page = phone_page
    base = live_server.url
    login(page, base, "sheng", demo.password)
    expect(page).to_have_url(f"{base}/")

    nav = page.locator("nav.mainnav")
    toggle = page.locator("label.nav-toggle-label")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_visible()
    toggle.click()
    expect(nav).to_be_visible()
    units_link = nav.locator("a[href='/units/']")
    expect(units_link).to_be_visible()
    units_link.click()
    expect(page).to_have_url(f"{base}/units/")

    def assert_no_horizontal_overflow() -> None:
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"

    expect(page.locator("#unit-tree")).to_be_visible()
    expect(tree_node(page, PROVINCE)).to_be_visible()
    assert_no_horizontal_overflow()

    expand(page, PROVINCE)
    expand(page, HARBIN)
    expand(page, YILAN)
    expect(children(page, YILAN)).to_have_count(2)
    expect(children(page, YILAN).first).to_be_visible()
    assert_no_horizontal_overflow()

    search(page, "五常")
    expect(page.locator("#search-results tbody tr")).to_have_count(1)
    assert_no_horizontal_overflow()


def test_back_from_a_search_result_returns_to_the_search_page(page, live_server, demo):
    base = live_server.url
    login(page, base, "sheng", demo.password)
    page.goto(f"{base}/units/")
    search(page, "五常")
    page.locator("#search-results tbody a").first.click()
    expect(page.locator("ol.breadcrumb")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/units/\?q=%E4%BA%94%E5%B8%B8$"))
    expect(page.locator("header.topbar")).to_be_visible(timeout=2_000)
    expect(page.locator("main h1")).to_have_text(CJK, timeout=2_000)
    expect(page.locator("#search-results tbody tr")).to_have_count(1, timeout=2_000)
