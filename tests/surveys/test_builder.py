"""The questionnaire builder: each edit of a draft on its own, then the pages that apply them,
saved whole or not at all, and never once the questionnaire has responses."""

import pytest
from django.urls import reverse

from pacesetter.audit.models import AuditEntry
from pacesetter.surveys import builder
from pacesetter.surveys.definitions import OptionDraft
from pacesetter.surveys.models import Item, Questionnaire
from tests.surveys.conftest import small_draft, submit

# -- the edits, on plain drafts ------------------------------------------------------------

def test_options_are_read_one_per_line_with_their_shares_in_percent():
    options = builder.parse_options("满意 100\n基本满意=75\n不满意\t55%\n\n不了解\n")
    assert [(o.label, o.share) for o in options] == [
        ("满意", 1.0), ("基本满意", 0.75), ("不满意", 0.55), ("不了解", None)]
    assert [o.code for o in options] == ["o1", "o2", "o3", "o4"]


def test_a_label_that_is_a_number_keeps_its_share_apart():
    options = builder.parse_options("10 100\n1 0\n5")
    assert [(o.label, o.share) for o in options] == [("10", 1.0), ("1", 0.0), ("5", None)]


def test_options_keep_their_codes_when_their_labels_stay():
    existing = [OptionDraft("my", "满意", 1.0), OptionDraft("bmy", "不满意", 0.55)]
    options = builder.parse_options("非常满意 100\n满意 80\n不满意 40", existing)
    assert [o.code for o in options] == ["o1", "my", "bmy"]
    assert builder.options_text(options) == "非常满意 100\n满意 80\n不满意 40"


def test_a_share_over_100_percent_is_refused_naming_the_line():
    with pytest.raises(builder.EditRefused, match="第 2 行"):
        builder.parse_options("满意 100\n很满意 120")


def test_a_new_item_goes_last_in_its_aspect_with_the_next_free_code():
    draft = small_draft()
    item = builder.new_item(draft, kind="rating", label="干部队伍建设", section="A")
    builder.item_add(draft, item)
    assert item.code == "q1" and item.required
    assert [o.label for o in item.options] == ["满意", "基本满意", "不满意", "不了解"]
    assert [i.code for i in draft.items] == ["A1", "A2", "q1", "B1", "age", "remarks"]


def test_items_move_within_their_aspect_and_stop_at_its_ends():
    draft = small_draft()
    builder.item_move(draft, "A2", -1)
    assert [i.code for i in draft.items][:3] == ["A2", "A1", "B1"]
    builder.item_move(draft, "A2", -1)
    builder.item_move(draft, "B1", 1)
    assert [i.code for i in draft.items][:3] == ["A2", "A1", "B1"]


def test_an_item_moved_to_another_aspect_goes_last_there():
    draft = small_draft()
    moved = builder.new_item(draft, kind="rating", label="总体评价", section="B")
    moved.code = "A1"
    builder.item_replace(draft, "A1", moved)
    assert [(i.code, i.section) for i in draft.items][:3] == [
        ("A2", "A"), ("B1", "B"), ("A1", "B")]


def test_an_aspect_with_items_cannot_be_removed():
    draft = small_draft()
    with pytest.raises(builder.EditRefused, match="组织工作"):
        builder.section_remove(draft, "A")
    builder.section_add(draft, title="干部工作", weight=10)
    builder.section_move(draft, "a1", -1)
    assert [s.code for s in draft.sections] == ["A", "a1", "B"]
    builder.section_remove(draft, "a1")
    assert [s.code for s in draft.sections] == ["A", "B"]


# -- the pages --------------------------------------------------------------------------------

def _post(client, questionnaire, name, data=None, **kwargs):
    url = reverse(f"surveys:{name}", kwargs={"questionnaire_id": questionnaire.pk, **kwargs})
    return client.post(url, data or {}, follow=True)


def test_a_questionnaire_is_started_empty_and_built_step_by_step(client, province_admin, tree):
    client.force_login(province_admin)
    page = client.post(reverse("surveys:questionnaire_new"),
                       {"title": "机关作风满意度测评", "code": "jgzf", "start": "blank"})
    questionnaire = Questionnaire.objects.get(code="jgzf")
    assert page.status_code == 302 and questionnaire.owner == tree.province
    _post(client, questionnaire, "section_add", {"title": "服务态度", "weight": "60"})
    _post(client, questionnaire, "section_add", {"title": "办事效率", "weight": "40"})
    _post(client, questionnaire, "item_add",
          {"label": "窗口服务态度", "kind": "rating", "scale": "satisfaction5", "section": "a1"})
    _post(client, questionnaire, "item_add",
          {"label": "办事是否一次办成", "kind": "rating", "scale": "", "section": "a2"})
    added = _post(client, questionnaire, "item_add",
                  {"label": "您的职业", "kind": "single", "section": ""})
    assert added.redirect_chain[-1][0].endswith("/items/q3/")
    _post(client, questionnaire, "item_edit",
          {"code": "job", "label": "您的职业", "kind": "single", "section": "", "weight": "1",
           "is_attribute": "on", "options": "企业职工\n机关干部\n农民\n其他"}, code="q3")

    shown = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    html = shown.content.decode()
    assert "服务态度" in html and "60.0%" in html and "非常满意 100%" in html
    items = {i.code: i for i in Item.objects.filter(questionnaire=questionnaire)}
    assert set(items) == {"q1", "q2", "job"}
    assert items["q1"].section.title == "服务态度" and items["q1"].required
    assert items["job"].is_attribute and items["job"].options.count() == 4
    assert questionnaire.sections.get(code="a1").weight == 60
    assert AuditEntry.objects.filter(object_id=str(questionnaire.pk)).count() >= 6


def test_the_sample_start_holds_the_seed_002_questionnaire(client, province_admin):
    client.force_login(province_admin)
    client.post(reverse("surveys:questionnaire_new"),
                {"title": "2026年组织工作满意度", "start": "sample"})
    questionnaire = Questionnaire.objects.get(title="2026年组织工作满意度")
    assert questionnaire.code.startswith("qn")
    assert questionnaire.sections.filter(weight__gt=0).count() == 4
    assert questionnaire.items.filter(kind="rating").count() == 19


def test_an_existing_code_is_refused_on_a_new_questionnaire(client, province_admin,
                                                            questionnaire):
    client.force_login(province_admin)
    page = client.post(reverse("surveys:questionnaire_new"),
                       {"title": "另一份", "code": "myd", "start": "blank"})
    assert page.status_code == 200 and "复制为新版本" in page.content.decode()
    assert Questionnaire.objects.filter(code="myd").count() == 1


def test_an_invalid_item_is_refused_whole_with_the_reason_shown(client, province_admin,
                                                                 questionnaire):
    client.force_login(province_admin)
    before = questionnaire.revision
    page = client.post(
        reverse("surveys:item_edit", args=[questionnaire.pk, "A1"]),
        {"code": "A2", "label": "总体评价", "kind": "rating", "section": "A", "weight": "1",
         "options": "满意\n不满意"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "测评项编码“A2”重复" in html
    assert "评价题的选项需要设置得分比例" in html
    questionnaire.refresh_from_db()
    assert questionnaire.revision == before
    assert list(questionnaire.items.values_list("code", flat=True)) == [
        "A1", "A2", "B1", "age", "remarks"]


def test_removing_a_filled_aspect_is_refused_and_changes_nothing(client, province_admin,
                                                                  questionnaire):
    client.force_login(province_admin)
    page = _post(client, questionnaire, "section_remove", code="A")
    assert "仍有测评项" in page.content.decode()
    assert questionnaire.sections.count() == 2 and questionnaire.items.count() == 5


def test_items_are_moved_and_removed_from_the_page(client, province_admin, questionnaire):
    client.force_login(province_admin)
    _post(client, questionnaire, "item_move", {"step": "up"}, code="A2")
    _post(client, questionnaire, "item_remove", code="remarks")
    assert list(questionnaire.items.values_list("code", flat=True)) == ["A2", "A1", "B1", "age"]


def test_a_questionnaire_with_responses_cannot_be_edited(client, province_admin,
                                                         questionnaire, link_a):
    submit(link_a, "r1")
    client.force_login(province_admin)
    page = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    assert "add-item" not in page.content.decode()
    refused = _post(client, questionnaire, "item_remove", code="A1")
    assert "已有答卷" in refused.content.decode()
    assert questionnaire.items.filter(code="A1").exists()
    edit = client.get(reverse("surveys:item_edit", args=[questionnaire.pk, "A1"]))
    assert edit.status_code == 302


def test_a_campaign_refuses_a_questionnaire_without_items(client, province_admin, tree):
    from pacesetter.errors import ValidationFailed
    from pacesetter.surveys import services
    from pacesetter.surveys.definitions import QuestionnaireDraft

    empty = services.questionnaire_create(
        actor=province_admin, owner=tree.province,
        draft=QuestionnaireDraft(code="empty", title="空问卷"), complete=False)
    import datetime

    from django.utils import timezone
    with pytest.raises(ValidationFailed, match="还没有测评项"):
        services.campaign_create(
            actor=province_admin, owner=tree.province, questionnaire=empty, title="测评",
            opens_at=timezone.now(), closes_at=timezone.now() + datetime.timedelta(days=1),
            units=[tree.county_a])


def test_a_county_admin_cannot_build_the_provinces_questionnaire(client, county_admin,
                                                                 questionnaire):
    client.force_login(county_admin)
    page = client.post(reverse("surveys:item_remove", args=[questionnaire.pk, "A1"]))
    assert page.status_code in (403, 404)
    assert questionnaire.items.filter(code="A1").exists()


def test_a_rating_item_turned_into_a_single_choice_loses_its_scores(client, province_admin,
                                                                    questionnaire):
    client.force_login(province_admin)
    page = _post(client, questionnaire, "item_edit",
                 {"code": "A2", "label": "基层党建", "kind": "single", "section": "A",
                  "weight": "1", "options": "满意 100\n不满意 55"}, code="A2")
    assert "测评项已保存" in page.content.decode()
    item = questionnaire.items.get(code="A2")
    assert item.kind == "single"
    assert list(item.options.values_list("label", "share")) == [("满意", None), ("不满意", None)]


def test_questions_outside_the_aspects_open_or_close_the_questionnaire():
    draft = small_draft()  # age and remarks come after the aspects' items
    opening = builder.new_item(draft, kind="single", label="您的身份", section=None)
    builder.item_add(draft, opening)
    closing = builder.new_item(draft, kind="text", label="其他意见", section=None)
    builder.item_add(draft, closing, group=builder.CLOSING)
    assert [i.code for i in draft.items] == ["q1", "A1", "A2", "B1", "age", "remarks", "q2"]
    assert [builder.group_of(draft, n) for n in (0, 1, 6)] == ["", "A", "~"]
    builder.item_move(draft, "q1", 1)  # alone in its group: stays first
    assert draft.items[0].code == "q1"


def test_a_moved_aspect_takes_its_items_along():
    draft = small_draft()
    builder.section_move(draft, "B", -1)
    assert [s.code for s in draft.sections] == ["B", "A"]
    assert [i.code for i in draft.items] == ["B1", "A1", "A2", "age", "remarks"]


def test_the_answering_page_puts_a_closing_remark_after_the_aspects(province_admin, tree):
    from pacesetter.surveys import selectors, services

    draft = small_draft()
    draft.items.insert(0, draft.items.pop(3))  # the age attribute first, remarks stay last
    questionnaire = services.questionnaire_create(actor=province_admin, owner=tree.province,
                                                  draft=draft)
    pages = selectors.answering_sections(questionnaire)
    assert [[i.code for i in page["items"]] for page in pages] == [
        ["age"], ["A1", "A2"], ["B1"], ["remarks"]]
    outline = selectors.questionnaire_outline(questionnaire)
    assert [(part["group"], [i.code for i in part["items"]]) for part in outline] == [
        ("", ["age"]), ("A", ["A1", "A2"]), ("B", ["B1"]), ("~", ["remarks"])]
