"""The province's administrator builds a questionnaire in the builder, in a real browser:
names it, adds two aspects and their questions, gives a choice item its options, reorders,
and is asked before removing."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DOCS, login

pytestmark = pytest.mark.e2e


def test_province_admin_builds_a_questionnaire(page, live_server, demo, tmp_path):
    from pacesetter.surveys.models import Questionnaire

    base = live_server.url
    login(page, base, "sheng", demo.password)
    page.goto(f"{base}/surveys/")
    page.click("#new-questionnaire")
    page.fill("input[name=title]", "机关作风群众满意度测评")
    page.fill("input[name=code]", "jgzf")
    page.click("button[type=submit].primary")
    expect(page.locator(".message").first).to_contain_text("问卷已创建")

    for title, weight in (("服务态度", "60"), ("办事效率", "40")):
        form = page.locator("#add-aspect form")
        form.locator("input[name=title]").fill(title)
        form.locator("input[name=weight]").fill(weight)
        form.locator("button[type=submit]").click()
        expect(page.locator(f"section.builder-section h2:text-is('{title}')")).to_be_visible()
    expect(page.locator("#aspect-a1")).to_contain_text("60.0%")

    for aspect, question in (("a1", "窗口工作人员服务态度"), ("a1", "咨询解答是否耐心"),
                             ("a2", "办事是否一次办成")):
        form = page.locator(f"#aspect-{aspect} form.add-item")
        form.locator("input[name=label]").fill(question)
        expect(form.locator("[data-scale]")).to_be_visible()
        form.locator("button[type=submit]").click()
        expect(page.locator(f"#aspect-{aspect}")).to_contain_text(question)
    expect(page.locator("#item-q1")).to_contain_text("满意 100%")
    expect(page.locator("#item-q1")).to_contain_text("不计入有效票")

    # an attribute outside the aspects: a single choice, whose options are named next
    loose = page.locator("#loose form.add-item")
    loose.locator("input[name=label]").fill("您与被测评单位的关系")
    expect(loose.locator("select[name=kind]")).to_have_value("single")
    expect(loose.locator("[data-scale]")).to_be_hidden()
    loose.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("测评项 q4")
    page.fill("textarea[name=options]", "办事群众\n企业代表\n其他")
    page.check("input[name=is_attribute]")
    page.fill("input[name=code]", "rel")
    page.click("button[type=submit].primary")
    expect(page.locator("#item-rel")).to_contain_text("受访者属性")

    # a share over 100% is refused and nothing changes
    page.click("#item-q2 a.edit-item")
    page.fill("textarea[name=options]", "满意 100\n很满意 120")
    page.click("button[type=submit].primary")
    expect(page.locator(".field .error")).to_contain_text("第 2 行")
    page.click("text=取消")

    # reorder, then remove with a confirmation
    page.locator("#item-q2 button[value=up]").click()
    expect(page.locator("#aspect-a1 tbody tr").first).to_have_id("item-q2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#item-q1 button.remove-item").click()
    expect(page.locator("#item-q1")).to_have_count(0)
    shots = DOCS if os.environ.get("PACESETTER_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(shots / "screenshot-survey-builder.png"), full_page=True)

    questionnaire = Questionnaire.objects.get(code="jgzf")
    assert list(questionnaire.items.values_list("code", flat=True)) == ["rel", "q2", "q3"]
    assert questionnaire.items.get(code="rel").options.count() == 3
