"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's guard against database
access from async code has to be lifted for these tests; the live server itself runs in its own
thread as usual. Browsers are never downloaded: the system chromium is used.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Set at import, before any test touches the database from Playwright's event-loop thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u4e00-\u9fff]")
DOCS = Path(__file__).resolve().parents[2] / "docs"
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Demo:
    password: str
    logins: dict[str, str]  # username -> code of the unit the login's role is on


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo(transactional_db) -> Demo:
    """The demo province, small: real cities and counties, two townships each, few people."""
    from pacesetter.orgs import demo as demo_module

    demo_module.load(townships_per_county=2, branches_per_township=2, people_per_unit=1)
    return Demo(password=demo_module.DEMO_PASSWORD,
                logins={login.username: login.unit_code for login in demo_module.DEMO_LOGINS})


def _page(chromium: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    # A browser set to Chinese, as the users' browsers are; the server decides the language.
    context = chromium.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(chromium: Browser, live_server) -> Iterator[Page]:
    yield from _page(chromium, DESKTOP)


@pytest.fixture
def phone_page(chromium: Browser, live_server) -> Iterator[Page]:
    yield from _page(chromium, PHONE)


def login(page: Page, base_url: str, username: str, password: str) -> None:
    """Fill in and send the real login form."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # the form's answer has landed, not the login page's
        page.click(".loginbox button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def tree_node(page: Page, code: str):
    return page.locator(f'#unit-tree li[data-code="{code}"]')


def expand(page: Page, code: str) -> None:
    """Open a node by clicking its summary (on the disclosure marker, not on the name link)
    and wait until htmx has replaced the loading placeholder with the children."""
    node = tree_node(page, code)
    summary = node.locator(":scope > details > summary")
    with page.expect_response(lambda r: re.search(r"/units/\d+/children/$", r.url) is not None):
        summary.click(position={"x": 4, "y": 8})
    expect(node.locator(":scope > details")).to_have_attribute("open", "")
    expect(node.locator(":scope > details > ul > li.muted")).to_have_count(0)


def children(page: Page, code: str):
    return tree_node(page, code).locator(":scope > details > ul > li[data-code]")


def search(page: Page, query: str) -> None:
    """Type ``query`` into the live search and wait until its results are swapped in."""

    def is_this_search(response) -> bool:
        parts = urlsplit(response.url)
        return parts.path == "/units/" and parse_qs(parts.query).get("q") == [query]

    box = page.locator("input[name=q]")
    with page.expect_response(is_this_search):
        box.fill(query)
    expect(page.locator("#unit-results p.muted").first).to_contain_text(f"“{query}”")
