"""Importing units from Excel and opening accounts, in a real browser, as a county admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CJK, children, expand, login, tree_node

pytestmark = pytest.mark.e2e

HARBIN = "230100"
YILAN = "230123"
TOWNSHIP = "230123001"
NEW_BRANCH = "230123001099"
HEADER = ("代码", "名称", "上级代码", "类型", "分组")


def workbook(path: Path, rows: list[tuple[str, ...]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def upload(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/units/import/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("main form button.primary")


def unit_exists(code: str) -> bool:
    from pacesetter.orgs.models import Unit

    return Unit.objects.filter(code=code).exists()


def test_import_lists_bad_rows_then_a_corrected_file_creates_the_unit(
        page, live_server, demo, tmp_path):
    base = live_server.url
    login(page, base, "yilan", demo.password)
    expect(page).to_have_url(f"{base}/")

    good = (NEW_BRANCH, "标杆村党支部", TOWNSHIP, "党支部", "村(社区)党支部")
    bad = workbook(tmp_path / "bad.xlsx", [
        good,                                                      # row 2
        ("230123001098", "", TOWNSHIP, "党支部", ""),               # row 3: empty name
        ("230123001097", "无主村党支部", "999999", "党支部", ""),    # row 4: unknown parent
    ])
    upload(page, base, bad)

    # The same page again, with the red box and one table row per problem.
    expect(page).to_have_url(f"{base}/units/import/")
    box = page.locator("main .errorbox[role=alert]")
    expect(box).to_be_visible()
    expect(box).to_contain_text("未导入任何数据")
    expect(box).to_contain_text("2")
    red = box.evaluate("e => getComputedStyle(e).color")
    r, g, b = (int(n) for n in re.findall(r"\d+", red)[:3])
    assert r > 150 and r > 2 * g and r > 2 * b, f"the error box is not red: {red}"

    table = page.locator("#row-errors")
    expect(table.locator("thead th")).to_have_text(["行", "列", "问题"])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["3", "名称", "名称为空。"])
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("4")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("上级代码")
    expect(rows.nth(1).locator("td").nth(2)).to_contain_text("999999")
    expect(table).not_to_contain_text(NEW_BRANCH)

    # All or nothing: the good row was not imported either.
    assert not unit_exists(NEW_BRANCH)
    page.goto(f"{base}/units/?q={NEW_BRANCH}")
    expect(page.locator("#unit-results p.muted").first).to_contain_text(NEW_BRANCH)
    expect(page.locator("#search-results tbody tr")).to_have_count(0)

    # The corrected file goes in and comes back to the import page with a success message.
    fixed = workbook(tmp_path / "fixed.xlsx", [good])
    upload(page, base, fixed)
    expect(page).to_have_url(f"{base}/units/import/")
    message = page.locator("ul.messages li.message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("导入完成")
    expect(message).to_contain_text("新增 1 个")
    expect(page.locator("#row-errors")).to_have_count(0)
    expect(page.locator("main .errorbox")).to_have_count(0)
    assert unit_exists(NEW_BRANCH)

    # The new branch shows up under its township in the tree.
    page.goto(f"{base}/units/")
    expand(page, YILAN)
    expand(page, TOWNSHIP)
    branches = children(page, TOWNSHIP)
    expect(branches).to_have_count(3)  # the two demo branches and the new one
    new = tree_node(page, NEW_BRANCH)
    expect(new).to_be_visible()
    expect(new).to_contain_text("标杆村党支部")
    expect(branches.last).to_have_attribute("data-code", NEW_BRANCH)  # ordered by code


def test_county_admin_opens_a_reporter_account_that_sees_only_its_township(
        page, live_server, demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    base = live_server.url
    login(page, base, "yilan", demo.password)
    expect(page).to_have_url(f"{base}/")

    page.goto(f"{base}/accounts/")
    expect(page.locator("#accounts")).to_be_visible()
    expect(page.locator("#accounts")).to_contain_text("yilan_tianbao")
    expect(page.locator("#accounts")).not_to_contain_text("haerbin")
    new_link = page.get_by_role("link", name="开通账号")
    expect(new_link).to_have_attribute("href", "/accounts/new/")
    new_link.click()
    expect(page).to_have_url(f"{base}/accounts/new/")

    def fill(username: str, unit_code: str) -> None:
        page.fill("input[name=username]", username)
        page.fill("input[name=full_name]", "张填报")
        page.fill("input[name=password]", "Yilan-Reporter-2026")
        page.select_option("select[name=role]", "reporter")
        page.fill("input[name=unit_code]", unit_code)
        with page.expect_navigation():
            page.click("main form button.primary")

    # Outside the county: an error beside the unit code, and nobody is created.
    fill("outside_reporter", HARBIN)
    expect(page).to_have_url(f"{base}/accounts/new/")
    field = page.locator("main .field.has-error")
    expect(field).to_have_count(1)
    expect(field.locator("input[name=unit_code]")).to_have_count(1)
    expect(field.locator("small.error")).to_have_text(CJK)
    expect(page.locator("input[name=username]")).to_have_value("outside_reporter")
    assert not users.filter(username="outside_reporter").exists()

    # In the county: the account is opened and its page shows the role.
    fill("zhang_tb", TOWNSHIP)
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/accounts/\d+/$"))
    account = users.get(username="zhang_tb")
    expect(page).to_have_url(f"{base}/accounts/{account.pk}/")
    expect(page.locator("ul.messages li.message")).to_contain_text("zhang_tb")
    grants = page.locator("#grants tbody tr")
    expect(grants).to_have_count(1)
    expect(grants.first.locator("td").nth(0)).to_have_text("填报员")
    expect(grants.first.locator("td").nth(1)).to_contain_text(TOWNSHIP)

    # Log out through the header, log in as the new reporter.
    with page.expect_navigation():
        page.locator("header.topbar form[action='/logout/'] button").click()
    expect(page).to_have_url(f"{base}/login/")
    login(page, base, "zhang_tb", "Yilan-Reporter-2026")
    expect(page).to_have_url(f"{base}/")

    page.goto(f"{base}/units/")
    roots = page.locator("#unit-tree > li")
    expect(roots).to_have_count(1)
    expect(roots).to_have_attribute("data-code", TOWNSHIP)
    expect(page.locator(f'#unit-tree li[data-code="{YILAN}"]')).to_have_count(0)
    expect(page.locator("#unit-tree")).not_to_contain_text("依兰县")
