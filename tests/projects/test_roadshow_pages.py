"""The roadshow pages: the organizer sets a roadshow up, the chair runs it from the console, the
judges score from their phones through their personal links, the big screen ranks the projects
by the trimmed mean, and the result sheets hold the ranked rows.

The panel of the scoring tests: five judges in one group, the fifth from county B; three
projects, drop the highest and the lowest. By hand:

    红色物业 (county A)   90 85 81 75 60   → (85 + 81 + 75) / 3 = 80.33   rank 3
    积分超市 (city 2)     70 88 92 86 84   → (84 + 86 + 88) / 3 = 86.00   rank 1
    河口治理 (county B)   91 77 83 79  —   → (83 + 79) / 2      = 81.00   rank 2
                                            (the fifth judge is from county B: recused)
"""

import io
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from pacesetter.projects import services
from pacesetter.projects.models import (
    Judge,
    Presentation,
    PresentationState,
    Roadshow,
    RoadshowState,
    Score,
)
from pacesetter.projects.services import JudgeData, ProjectData
from tests.projects.conftest import RUBRIC, TODAY

TOTALS = {"积分超市": [70, 88, 92, 86, 84], "红色物业": [90, 85, 81, 75, 60],
          "河口治理": [91, 77, 83, 79, None]}
EXPECTED = [("1", "积分超市", "86.00"), ("2", "河口治理", "81.00"), ("3", "红色物业", "80.33")]


def points_for(total):
    """Points per criterion adding up to ``total`` (30, 30, 20, 20 at most)."""
    innovation = min(30, total)
    effect = min(30, total - innovation)
    replicable = min(20, total - innovation - effect)
    return {"innovation": innovation, "effect": effect, "replicable": replicable,
            "presentation": total - innovation - effect - replicable}


def approved(actor, portfolio, title, unit):
    project = services.project_create(actor=actor, portfolio=portfolio,
                                      data=ProjectData(title=title, lead_unit=unit))
    for step in ("submit", "approve"):
        services.project_step(actor=actor, project=project, step=step)
    return project


@pytest.fixture
def panel(roadshow, portfolio, province_admin, tree):
    """Three projects presenting in order to five judges (the fifth from county B)."""
    projects = [approved(province_admin, portfolio, "红色物业", tree.county_a),
                approved(province_admin, portfolio, "积分超市", tree.city2),
                approved(province_admin, portfolio, "河口治理", tree.county_b)]
    judges = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData(f"评委{n}") for n in "一二三四"] + [JudgeData("评委五", unit=tree.county_b)])
    presentations = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=projects)
    return {"projects": projects, "judges": judges, "presentations": presentations}


def score_everyone(panel, province_admin):
    for presentation in panel["presentations"]:
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state="open")
        for judge, total in zip(panel["judges"], TOTALS[presentation.project.title],
                                strict=True):
            if total is not None:
                services.score_submit(judge=judge, presentation_id=presentation.pk,
                                      points=points_for(total))


def text_of(response):
    return response.content.decode()


# --- the list and the set-up form ------------------------------------------------------------

def test_the_list_shows_the_roadshows_in_scope_newest_first(client, roadshow, province_admin,
                                                            outsider, tree):
    # given an older roadshow beside the fixture's
    older = services.roadshow_create(actor=province_admin, owner=tree.province,
                                     title="上半年路演", held_on=TODAY.replace(year=2020),
                                     criteria=RUBRIC)
    client.force_login(province_admin)
    # when
    page = text_of(client.get("/roadshows/"))
    # then
    assert page.index("第一场路演") < page.index(older.title)
    assert "新建路演" in page
    client.force_login(outsider)
    assert "第一场路演" not in text_of(client.get("/roadshows/"))


def test_the_new_roadshow_form_offers_the_usual_rubric(client, province_admin, portfolio):
    client.force_login(province_admin)
    page = text_of(client.get("/roadshows/new/"))
    for name in ("创新性", "实效性", "可复制性", "展示效果"):
        assert f'value="{name}"' in page
    assert page.count('name="criterion_max" value="30"') == 2
    assert page.count('name="criterion_max" value="20"') == 2
    assert "2022 组织工作创新年" in page  # the portfolio to choose from
    assert "等次名额" in page and "去掉最高分" in page


def test_a_roadshow_is_set_up_with_quotas_and_weighted_groups(client, province_admin, tree,
                                                              portfolio):
    client.force_login(province_admin)
    answer = client.post("/roadshows/new/", {
        "owner": tree.province.pk, "portfolio": portfolio.pk, "title": "创新项目路演",
        "purpose": "showcase", "held_on": "2022-06-18", "venue": "市委党校报告厅",
        "criterion_code": ["innovation", "", ""], "criterion_name": ["创新性", "实效性", ""],
        "criterion_max": ["60", "40", ""], "drop_highest": "1", "drop_lowest": "1",
        "quota_excellent": "1", "quota_good": "2",
        "group_name": ["领导", "部门负责人", "职工代表", ""],
        "group_weight": ["0.5", "0.3", "20%", ""]})
    roadshow = Roadshow.objects.get(title="创新项目路演")
    assert answer.status_code == 302 and answer["Location"] == f"/roadshows/{roadshow.pk}/"
    assert roadshow.criteria == [{"code": "innovation", "name": "创新性", "max": 60},
                                 {"code": "c2", "name": "实效性", "max": 40}]
    assert roadshow.grade_quotas == {"excellent": 1, "good": 2}
    assert roadshow.portfolio == portfolio and roadshow.venue == "市委党校报告厅"
    # "20%" is a fifth, as 0.5 is a half: the three weights add up to one
    assert [(g.name, g.weight) for g in roadshow.groups.all()] == [
        ("领导", 0.5), ("部门负责人", 0.3), ("职工代表", 0.2)]
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/setup/"))
    assert re.search(r'id="group-shares">领导 50%、部门负责人 30%、职工代表 20%<', page)


def test_weights_mixing_percents_and_numbers_above_one_are_refused(client, province_admin,
                                                                  tree):
    client.force_login(province_admin)
    answer = client.post("/roadshows/new/", {
        "owner": tree.province.pk, "title": "混写权重", "purpose": "showcase",
        "held_on": "2022-06-18", "criterion_name": "创新性", "criterion_max": "100",
        "drop_highest": "0", "drop_lowest": "0",
        "group_name": ["领导", "部门负责人", "职工代表"], "group_weight": ["50", "30", "20%"]})
    assert answer.status_code == 422
    assert "权重请统一写成百分数，或统一写成数值（如 0.5 或 5），不要混用。" in text_of(answer)
    assert not Roadshow.objects.filter(title="混写权重").exists()


def rubric_form(owner, codes, names, maxima, **more):
    return {"owner": owner.pk, "title": "路演", "purpose": "showcase", "held_on": "2022-06-18",
            "criterion_code": codes, "criterion_name": names, "criterion_max": maxima,
            "drop_highest": "1", "drop_lowest": "1", **more}


def test_a_bad_rubric_is_refused_in_chinese_and_nothing_is_created(client, province_admin,
                                                                   tree):
    client.force_login(province_admin)
    answer = client.post("/roadshows/new/", rubric_form(
        tree.province, ["a", "b"], ["甲", "乙"], ["30", "满分"]))
    assert answer.status_code == 422
    assert "第 2 个评分项的满分不是数字。" in text_of(answer)
    answer = client.post("/roadshows/new/", rubric_form(
        tree.province, ["a", "a"], ["甲", "乙"], ["30", "20"]))
    assert "第 2 个评分项的代码“a”与前面的重复。" in text_of(answer)
    answer = client.post("/roadshows/new/", rubric_form(
        tree.province, ["a", "b"], ["甲", ""], ["30", "20"]))
    assert "每个评分项需有不重复的代码、名称，满分在 0 至 1000 之间。" in text_of(answer)
    assert not Roadshow.objects.filter(title="路演").exists()


@pytest.mark.parametrize("code", ["创新性", "a b", "x" * 33, "p.1"])
def test_a_criterion_code_is_letters_digits_dashes_and_underscores(client, province_admin,
                                                                   tree, code):
    """The code names the judges' form fields: anything else is refused on the form."""
    client.force_login(province_admin)
    answer = client.post("/roadshows/new/", rubric_form(tree.province, [code], ["甲"], ["100"]))
    assert answer.status_code == 422
    assert f"第 1 个评分项的代码“{code}”只能由字母、数字、- 和 _ 组成（最多 32 个字符）。" in (
        text_of(answer))
    assert not Roadshow.objects.filter(title="路演").exists()


def test_codes_left_empty_are_made_up_without_repeating_a_typed_one(client, province_admin,
                                                                    tree):
    client.force_login(province_admin)
    answer = client.post("/roadshows/new/", rubric_form(
        tree.province, ["", "c1", ""], ["甲", "乙", "丙"], ["40", "30", "30"]))
    assert answer.status_code == 302
    assert [c["code"] for c in Roadshow.objects.get(title="路演").criteria] == [
        "c2", "c1", "c3"]


@pytest.mark.parametrize("owner", [None, "", "省委组织部", "0"])
def test_a_new_roadshow_without_a_valid_organizer_is_refused_on_the_form(
        client, province_admin, tree, owner):
    client.force_login(province_admin)
    form = rubric_form(tree.province, ["a"], ["甲"], ["100"])
    if owner is None:
        del form["owner"]
    else:
        form["owner"] = owner
    answer = client.post("/roadshows/new/", form)
    assert answer.status_code == 422
    assert re.search(r'</select>\s*<small class="error">请选择组织单位。</small>', text_of(answer))
    answer = client.post("/roadshows/new/", {**form, "owner": tree.province.pk,
                                             "portfolio": "第一个"})
    assert answer.status_code == 422 and "请从列表中选择项目库。" in text_of(answer)
    assert not Roadshow.objects.exists()


def test_a_new_roadshow_for_an_organizer_outside_the_scope_is_not_found(client, county_admin,
                                                                        tree):
    client.force_login(county_admin)
    answer = client.post("/roadshows/new/", rubric_form(tree.province, ["a"], ["甲"], ["100"]))
    assert answer.status_code == 404
    assert not Roadshow.objects.exists()


def test_someone_who_administers_nothing_cannot_organize(client, reporter):
    client.force_login(reporter)
    assert client.get("/roadshows/new/").status_code == 403


FROZEN = "评委已开始打分，评分细则、去分规则、评委组权重和等次名额不能再修改。"


def setup_form(**changes):
    """The set-up form of the fixture's roadshow as the page fills it in, with ``changes``."""
    return {"title": "第一场路演", "purpose": "showcase", "held_on": "2022-06-18",
            "criterion_code": [c["code"] for c in RUBRIC],
            "criterion_name": [c["name"] for c in RUBRIC],
            "criterion_max": [str(c["max"]) for c in RUBRIC], "drop_highest": "1",
            "drop_lowest": "1", "group_name": "评委", "group_weight": "1", **changes}


def first_score(panel, province_admin):
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][0],
                               state="open")
    services.score_submit(judge=panel["judges"][0], presentation_id=panel["presentations"][0].pk,
                          points=points_for(80))


def test_the_set_up_is_frozen_once_judges_score(client, province_admin, roadshow, panel):
    # given a judge has scored
    first_score(panel, province_admin)
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/setup/"))
    assert f'id="frozen-notice">{FROZEN}' in page
    for name in ("drop_highest", "drop_lowest", "quota_excellent", "criterion_max",
                 "group_weight"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*readonly', page), name
    # when the maximum points, the trimming, a quota or a weight are changed anyway
    for changes in ({"criterion_max": ["40", "20", "20", "20"]}, {"drop_highest": "0"},
                    {"quota_excellent": "1"}, {"group_weight": "50%"}):
        answer = client.post(f"/roadshows/{roadshow.pk}/setup/",
                             setup_form(title="改名的路演", **changes))
        # then the service's message is shown and nothing changed
        assert answer.status_code == 422, changes
        assert re.search(rf'<p class="error field">{FROZEN}</p>', text_of(answer)), changes
        roadshow.refresh_from_db()
        assert (roadshow.title, roadshow.criteria, roadshow.drop_highest,
                roadshow.grade_quotas) == ("第一场路演", RUBRIC, 1, {})
    # the title, date and venue still change
    answer = client.post(f"/roadshows/{roadshow.pk}/setup/", setup_form(title="改名的路演"))
    assert answer.status_code == 302
    roadshow.refresh_from_db()
    assert roadshow.title == "改名的路演"


def test_a_frozen_set_up_with_uneven_weights_saves_unchanged(client, province_admin, tree,
                                                             portfolio):
    """A third is shown in full, so the form sent back holds the very same weights."""
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, portfolio=portfolio, title="三分之一",
        held_on=TODAY, criteria=[{"code": "a", "name": "甲", "max": 100 / 3}],
        groups=[("领导", 1 / 3), ("职工", 2 / 3)])
    project = approved(province_admin, portfolio, "红色物业", tree.county_a)
    judge = services.judges_add(actor=province_admin, roadshow=roadshow,
                                judges=[JudgeData("甲", "领导")])[0]
    presentation = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                              projects=[project])[0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    services.score_submit(judge=judge, presentation_id=presentation.pk, points={"a": 30})
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/setup/"))
    weights = re.findall(r'name="group_weight" value="([^"]*)"', page)
    maximum = re.findall(r'name="criterion_max" value="([^"]*)"', page)
    assert "领导 33.3%、职工 66.7%" in page
    answer = client.post(f"/roadshows/{roadshow.pk}/setup/", {
        "title": "改名", "purpose": "showcase", "held_on": "2022-06-18",
        "criterion_code": "a", "criterion_name": "甲", "criterion_max": maximum,
        "drop_highest": "1", "drop_lowest": "1", "group_name": ["领导", "职工"],
        "group_weight": weights})
    assert answer.status_code == 302
    roadshow.refresh_from_db()
    assert roadshow.title == "改名"


def test_a_closed_roadshow_offers_no_set_up_and_refuses_one(client, province_admin, roadshow,
                                                            panel):
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/setup/", follow=True)
    assert answer.redirect_chain[-1][0] == f"/roadshows/{roadshow.pk}/"
    assert "路演已结束，设置不能再修改。" in text_of(answer)
    answer = client.post(f"/roadshows/{roadshow.pk}/setup/", setup_form(title="改名"))
    assert answer.status_code == 422 and "路演已结束。" in text_of(answer)
    roadshow.refresh_from_db()
    assert roadshow.title == "第一场路演"


# --- the set-up page: panel, links, running order ----------------------------------------------

def test_judges_are_added_several_at_once_each_with_a_link_and_a_qr_code(
        client, province_admin, roadshow, tree):
    client.force_login(province_admin)
    answer = client.post(f"/roadshows/{roadshow.pk}/judges/", {
        "judge_name": ["王评委", "李评委", "", "赵评委"],
        "judge_group": ["评委", "评委", "评委", "评委"],
        "judge_unit": ["", "370502 东营区", "", "370503"]})
    assert answer.status_code == 302
    judges = list(roadshow.judges.select_related("unit").order_by("position"))
    assert [(j.name, j.unit and j.unit.name) for j in judges] == [
        ("王评委", None), ("李评委", "东营区"), ("赵评委", "河口区")]
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/"))
    for judge in judges:
        assert f"http://testserver/j/{judge.token}/" in page
    qr = client.get(f"/roadshows/{roadshow.pk}/judges/{judges[0].pk}/qr.png")
    assert qr["Content-Type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    sheet = text_of(client.get(f"/roadshows/{roadshow.pk}/judges/links/"))
    assert sheet.count("data:image/svg+xml") == 3 and "赵评委" in sheet
    assert f"http://testserver/j/{judges[2].token}/" in sheet


def test_a_judge_of_an_unknown_unit_is_refused_and_none_is_added(client, province_admin,
                                                                 roadshow):
    client.force_login(province_admin)
    answer = client.post(f"/roadshows/{roadshow.pk}/judges/", {
        "judge_name": ["王评委", "李评委"], "judge_group": ["评委", "评委"],
        "judge_unit": ["", "999999"]})
    assert answer.status_code == 422
    assert "第 2 位评委：您的范围内没有单位“999999”。" in text_of(answer)
    assert 'value="王评委"' in text_of(answer)  # typed rows shown again
    assert not roadshow.judges.exists()


def test_removing_a_judge_from_the_page_ends_their_link(client, province_admin, roadshow,
                                                       panel):
    client.force_login(province_admin)
    judge = panel["judges"][0]
    answer = client.post(f"/roadshows/{roadshow.pk}/judges/{judge.pk}/remove/")
    assert answer.status_code == 302
    assert not Judge.objects.filter(pk=judge.pk).exists()
    assert client.get(f"/j/{judge.token}/").status_code == 404


def test_a_judge_who_scored_a_closed_project_stays_on_the_panel(client, province_admin,
                                                                roadshow, panel):
    # given the first judge scored the first project, whose scoring is now closed
    first_score(panel, province_admin)
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][0],
                               state="closed")
    judge, other = panel["judges"][:2]
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/"))
    row = page[page.index(f'data-judge="{judge.pk}"'):]
    assert "已为评分结束的项目打分，不能移出" in row[:row.index("</tr>")]
    assert f"/judges/{judge.pk}/remove/" not in page and f"/judges/{other.pk}/remove/" in page
    # when the removal is posted anyway
    answer = client.post(f"/roadshows/{roadshow.pk}/judges/{judge.pk}/remove/")
    # then it is refused on the page, in Chinese, and the judge stays
    assert answer.status_code == 409
    assert re.search(r'id="panel-errors"><p>评委一 已为评分结束的项目打分，不能移出评委组。</p>',
                     text_of(answer))
    assert Judge.objects.filter(pk=judge.pk).exists()


def test_a_closed_roadshow_shows_its_panel_and_order_without_forms(client, province_admin,
                                                                   roadshow, panel):
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/"))
    for form in ('id="order-form"', 'id="judges-form"', "/remove/", 'id="roadshow-edit"'):
        assert form not in page
    assert 'id="running-order"' in page
    # a running order posted anyway is refused on the page and nothing changes
    red, points, _hekou = panel["projects"]
    answer = client.post(f"/roadshows/{roadshow.pk}/order/", {"project": [points.pk, red.pk]})
    assert answer.status_code == 409
    assert re.search(r'id="order-errors"><p>路演已结束。</p>', text_of(answer))
    assert [p.project.title for p in roadshow.presentations.all()] == [
        "红色物业", "积分超市", "河口治理"]


def test_a_project_that_can_no_longer_present_is_refused_on_the_order_form(
        client, province_admin, roadshow, panel, portfolio):
    """A draft of the portfolio (say one ticked before it went back to draft) is refused with
    the reason, the numbers typed are kept; a project of another portfolio is not found."""
    draft = services.project_create(actor=province_admin, portfolio=portfolio,
                                    data=ProjectData(title="乡村夜校"))
    red, points, _hekou = panel["projects"]
    client.force_login(province_admin)
    answer = client.post(f"/roadshows/{roadshow.pk}/order/", {
        "project": [red.pk, draft.pk], f"position_{red.pk}": "2",
        f"position_{draft.pk}": "1"})
    assert answer.status_code == 422
    page = text_of(answer)
    assert "“乡村夜校”尚处于草稿、待认领或已终止状态，不能参加路演。" in page
    assert f'name="position_{red.pk}" value="2"' in page
    assert not re.search(rf'value="{points.pk}" id="present-{points.pk}" checked', page)
    assert roadshow.presentations.count() == 3
    other = services.portfolio_create(actor=province_admin, owner=portfolio.owner,
                                      title="另一个项目库", year=2023)
    elsewhere = approved(province_admin, other, "外库项目", panel["projects"][0].lead_unit)
    answer = client.post(f"/roadshows/{roadshow.pk}/order/", {"project": [elsewhere.pk]})
    assert answer.status_code == 404


def test_the_running_order_follows_the_typed_numbers(client, province_admin, roadshow, panel):
    red, points, hekou = panel["projects"]
    client.force_login(province_admin)
    answer = client.post(f"/roadshows/{roadshow.pk}/order/", {
        "project": [red.pk, points.pk, hekou.pk],
        f"position_{red.pk}": "3", f"position_{points.pk}": "1", f"position_{hekou.pk}": "2"})
    assert answer.status_code == 302
    assert [(p.position, p.project.title) for p in roadshow.presentations.all()] == [
        (1, "积分超市"), (2, "河口治理"), (3, "红色物业")]
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/"))
    assert "出场顺序" in page


def test_a_scored_project_cannot_be_dropped_from_the_order(client, province_admin, roadshow,
                                                           panel):
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][0],
                               state="open")
    services.score_submit(judge=panel["judges"][0], presentation_id=panel["presentations"][0].pk,
                          points=points_for(80))
    client.force_login(province_admin)
    answer = client.post(f"/roadshows/{roadshow.pk}/order/",
                         {"project": [panel["projects"][1].pk]}, follow=True)
    assert "已有评分的项目不能移出路演。" in text_of(answer)
    assert roadshow.presentations.count() == 3


def test_a_presenting_unit_sees_the_roadshow_but_not_the_judges_links(
        client, county_admin, roadshow, panel):
    client.force_login(county_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/"))
    assert "红色物业" in page and "/j/" not in page
    assert client.get(f"/roadshows/{roadshow.pk}/console/").status_code == 403
    assert client.get(f"/roadshows/{roadshow.pk}/judges/links/").status_code == 403
    assert client.get(f"/roadshows/{roadshow.pk}/results.xlsx").status_code == 403


# --- the chair's console ---------------------------------------------------------------------

def test_the_chair_opens_comments_and_closes_a_project(client, province_admin, roadshow, panel):
    first = panel["presentations"][0]
    client.force_login(province_admin)
    console = f"/roadshows/{roadshow.pk}/console/"
    assert "开始评分" in text_of(client.get(console))
    # when the chair opens the first project
    client.post(f"/roadshows/{roadshow.pk}/presentations/{first.pk}/move/", {"move": "open"})
    first.refresh_from_db()
    roadshow.refresh_from_db()
    assert (first.state, roadshow.state) == (PresentationState.OPEN, RoadshowState.LIVE)
    page = text_of(client.get(console))
    assert "结束评分" in page and "0/5 位评委已评分" in page
    # records the comments, then closes it
    client.post(f"/roadshows/{roadshow.pk}/presentations/{first.pk}/comment/",
                {"comment": "思路清晰，可在全市推广。"})
    client.post(f"/roadshows/{roadshow.pk}/presentations/{first.pk}/move/", {"move": "close"})
    first.refresh_from_db()
    assert (first.state, first.comment) == (PresentationState.CLOSED, "思路清晰，可在全市推广。")
    page = text_of(client.get(console))
    assert "重新开放" in page and "思路清晰，可在全市推广。" in page


def test_the_move_buttons_send_the_comments_typed_with_them(client, province_admin, roadshow,
                                                           panel):
    """The comments box and the buttons are one form: 点评 typed before 结束评分 is kept."""
    first = panel["presentations"][0]
    services.presentation_move(actor=province_admin, presentation=first, state="open")
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/console/"))
    card = page[page.index(f'id="p-{first.pk}"'):]
    form = card[card.index("<form"):card.index("</form>")]
    assert 'name="comment"' in form and 'value="close"' in form
    assert f'formaction="/roadshows/{roadshow.pk}/presentations/{first.pk}/move/"' in form
    # when the chair closes the scoring with comments typed
    client.post(f"/roadshows/{roadshow.pk}/presentations/{first.pk}/move/",
                {"move": "close", "comment": "亮点突出，建议推广。"})
    first.refresh_from_db()
    assert (first.state, first.comment) == (PresentationState.CLOSED, "亮点突出，建议推广。")


def test_comments_are_still_saved_once_the_roadshow_is_closed(client, province_admin, roadshow,
                                                              panel):
    first = panel["presentations"][0]
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    client.force_login(province_admin)
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/console/"))
    card = page[page.index(f'id="p-{first.pk}"'):]
    card = card[:card.index("</article>")]
    assert "保存点评" in card and 'name="move"' not in card
    answer = client.post(f"/roadshows/{roadshow.pk}/presentations/{first.pk}/comment/",
                         {"comment": "会后补充：材料详实。"}, follow=True)
    assert "“红色物业”的点评已保存。" in text_of(answer)
    first.refresh_from_db()
    assert (first.state, first.comment) == (PresentationState.CLOSED, "会后补充：材料详实。")


def test_the_console_standings_count_the_judges_and_stop_polling_once_closed(
        client, province_admin, roadshow, panel):
    score_everyone(panel, province_admin)
    client.force_login(province_admin)
    url = f"/roadshows/{roadshow.pk}/console/standings/"
    answer = client.get(url)
    page = text_of(answer)
    assert answer.status_code == 200
    hekou = panel["presentations"][2].pk
    assert re.search(rf'id="count-{hekou}"[^>]*hx-swap-oob="true">4/4 位评委已评分',
                     page)  # the fifth judge recused
    assert page.index("积分超市") < page.index("河口治理") < page.index("红色物业")
    client.post(f"/roadshows/{roadshow.pk}/close/")
    assert client.get(url).status_code == 286  # htmx: stop polling
    roadshow.refresh_from_db()
    assert roadshow.state == RoadshowState.CLOSED
    assert not roadshow.presentations.exclude(state=PresentationState.CLOSED).exists()


@pytest.mark.parametrize("url", ["live.json", "console/standings/"])
def test_polled_answers_say_the_session_expired_rather_than_redirect(client, roadshow, url):
    """The big screen and the console ask every few seconds: once the session has expired the
    answer is 401 with a message, which they show, not the login page drawn in the panel."""
    answer = client.get(f"/roadshows/{roadshow.pk}/{url}")
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "message": "登录已过期，请重新登录。"}


def test_the_big_screen_and_the_console_can_say_so(client, province_admin, roadshow):
    client.force_login(province_admin)
    for url in ("live/", "console/"):
        page = text_of(client.get(f"/roadshows/{roadshow.pk}/{url}"))
        assert "登录已过期，请重新登录。" in page
        assert f'href="/login/?next=/roadshows/{roadshow.pk}/{url}"' in page
    client.logout()
    assert client.get(f"/roadshows/{roadshow.pk}/live/").status_code == 302  # pages: log in


# --- the judge's phone page ------------------------------------------------------------------

def test_the_judge_page_lists_the_running_order_with_the_open_project_marked(
        client, province_admin, panel):
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][1],
                               state="open")
    page = text_of(client.get(f"/j/{panel['judges'][0].token}/"))
    assert page.index("红色物业") < page.index("积分超市") < page.index("河口治理")
    second = panel["presentations"][1].pk
    assert re.search(rf'class="pcard state-open[^"]*" id="p-{second}"', page)
    assert "计分中" in page and "等待中" in page
    assert "创新性" in page and "0 至 30 分" in page
    assert page.count("disabled") > 0


def test_a_judge_scores_through_the_page_and_sees_it_saved(client, province_admin, panel):
    presentation, judge = panel["presentations"][0], panel["judges"][0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    url = f"/j/{judge.token}/score/{presentation.pk}/"
    # when the page posts the points in the background
    answer = client.post(url, {"p_innovation": "25.5", "p_effect": "26", "p_replicable": "15",
                               "p_presentation": "16"}, headers={"Accept": "application/json"})
    # then the score is saved with its total
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "total": 82.5, "total_text": "82.5", "grade": "",
                             "used": {}}
    score = Score.objects.get(judge=judge, presentation=presentation)
    assert (score.total, score.points["innovation"]) == (82.5, 25.5)
    # and changed until the chair closes it, also without JavaScript
    answer = client.post(url, {"p_innovation": "30", "p_effect": "26", "p_replicable": "15",
                               "p_presentation": "16"}, follow=True)
    assert "已保存：合计 87 分。" in text_of(answer)
    assert Score.objects.get(pk=score.pk).total == 87


def test_a_score_needs_no_csrf_token_the_link_is_the_secret(province_admin, panel):
    """A phone whose CSRF cookie changed (the chair signed in on it, an in-app browser dropped
    it) still saves; the token in the path is what a forging site cannot know."""
    presentation, judge = panel["presentations"][0], panel["judges"][0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    phone = Client(enforce_csrf_checks=True)
    url = f"/j/{judge.token}/score/{presentation.pk}/"
    answer = phone.post(url, points_form(80), headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["total"] == 80
    assert phone.get(url).status_code == 405  # a GET never writes
    assert Score.objects.get(judge=judge).total == 80


def test_a_closed_project_refuses_a_score(client, province_admin, panel):
    presentation, judge = panel["presentations"][0], panel["judges"][0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    services.score_submit(judge=judge, presentation_id=presentation.pk, points=points_for(80))
    services.presentation_move(actor=province_admin, presentation=presentation, state="closed")
    answer = client.post(f"/j/{judge.token}/score/{presentation.pk}/",
                         {"p_innovation": "1", "p_effect": "1", "p_replicable": "1",
                          "p_presentation": "1"}, headers={"Accept": "application/json"})
    assert answer.status_code == 409
    assert answer.json()["message"] == "该项目评分已结束。"
    assert Score.objects.get(judge=judge).total == 80
    page = text_of(client.get(f"/j/{judge.token}/"))
    assert "已结束" in page


def test_a_judge_from_the_presenting_unit_sees_recused_and_cannot_post(client, province_admin,
                                                                      panel):
    hekou, judge = panel["presentations"][2], panel["judges"][4]
    services.presentation_move(actor=province_admin, presentation=hekou, state="open")
    page = text_of(client.get(f"/j/{judge.token}/"))
    card = page[page.index(f'id="p-{hekou.pk}"'):]
    card = card[:card.index("</article>")]
    assert "回避" in card and "<input" not in card
    answer = client.post(f"/j/{judge.token}/score/{hekou.pk}/", points_form(80),
                         headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert answer.json()["message"] == "您来自项目所在单位，回避本项目评分。"
    assert not Score.objects.filter(judge=judge).exists()


def points_form(total):
    return {f"p_{code}": str(value) for code, value in points_for(total).items()}


def test_points_out_of_range_are_refused_inline(client, province_admin, panel):
    presentation, judge = panel["presentations"][0], panel["judges"][0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    form = {**points_form(80), "p_innovation": "35"}
    answer = client.post(f"/j/{judge.token}/score/{presentation.pk}/", form,
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"points.innovation": "请打 0 至 30 分。"}
    page = text_of(client.post(f"/j/{judge.token}/score/{presentation.pk}/", form))
    assert re.search(r'data-for="points.innovation">请打 0 至 30 分。</p>', page)
    assert 'value="35"' in page  # what was typed stays
    assert not Score.objects.exists()


def test_a_grade_beyond_the_quota_is_refused_under_the_grade(client, province_admin, roadshow,
                                                            panel):
    roadshow.grade_quotas = {"excellent": 1}
    roadshow.save()
    first, second = panel["presentations"][:2]
    judge = panel["judges"][0]
    for presentation in (first, second):
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state="open")
    assert "优秀 <b>0</b>/1" in text_of(client.get(f"/j/{judge.token}/"))
    ok = client.post(f"/j/{judge.token}/score/{first.pk}/",
                     {**points_form(90), "grade": "excellent"},
                     headers={"Accept": "application/json"})
    assert ok.json()["used"] == {"excellent": 1}
    # when the judge gives a second 优秀
    refused = client.post(f"/j/{judge.token}/score/{second.pk}/",
                          {**points_form(88), "grade": "excellent"},
                          headers={"Accept": "application/json"})
    message = "您已评定 1 个“优秀”，已达名额上限。"
    assert refused.status_code == 409
    assert refused.json()["errors"] == {"grade": message}
    page = text_of(client.post(f"/j/{judge.token}/score/{second.pk}/",
                               {**points_form(88), "grade": "excellent"}))
    assert f'data-for="grade">{message}</p>' in page
    assert Score.objects.filter(judge=judge).count() == 1


def test_a_wrong_link_says_so_in_chinese(client, panel):
    answer = client.get("/j/not-a-token/")
    assert answer.status_code == 404
    assert "该评分链接无效。" in text_of(answer)
    state = client.get("/j/not-a-token/state.json")
    assert state.status_code == 404 and state.json()["message"] == "该评分链接无效。"
    score = client.post(f"/j/not-a-token/score/{panel['presentations'][0].pk}/", {},
                        headers={"Accept": "application/json"})
    assert score.status_code == 404


def test_a_closed_roadshow_tells_the_judge_and_locks_the_page(client, province_admin, roadshow,
                                                             panel):
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    page = text_of(client.get(f"/j/{panel['judges'][0].token}/"))
    assert "本场路演已结束，评分已锁定。感谢您的评审！" in page
    assert 'id="closed-notice" role="status">' in page  # not hidden
    state = client.get(f"/j/{panel['judges'][0].token}/state.json").json()
    assert state["closed"] is True


def test_the_judges_state_tells_which_project_is_open(client, province_admin, panel):
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][1],
                               state="open")
    state = client.get(f"/j/{panel['judges'][0].token}/state.json").json()
    assert [(p["id"], p["state"], p["label"]) for p in state["presentations"]] == [
        (panel["presentations"][0].pk, "waiting", "等待中"),
        (panel["presentations"][1].pk, "open", "计分中"),
        (panel["presentations"][2].pk, "waiting", "等待中")]


# --- the big screen and the result sheets ----------------------------------------------------

def test_the_live_ranking_is_the_trimmed_mean_computed_by_hand(client, province_admin, roadshow,
                                                              panel):
    score_everyone(panel, province_admin)
    client.force_login(province_admin)
    data = client.get(f"/roadshows/{roadshow.pk}/live.json").json()
    assert [(str(r["rank"]), r["project"], r["result_text"]) for r in data["rows"]] == EXPECTED
    assert [r["result"] for r in data["rows"]] == [86.0, 81.0, pytest.approx(241 / 3, abs=1e-4)]
    assert [(r["count"], r["of"]) for r in data["rows"]] == [(5, 5), (4, 4), (5, 5)]
    assert data["open"] == ["红色物业", "积分超市", "河口治理"]  # all left open
    page = text_of(client.get(f"/roadshows/{roadshow.pk}/live/"))
    assert "实时排名" in page and "86.00" in page and 'id="bs-data"' in page


def test_judge_groups_weigh_their_trimmed_means(client, province_admin, tree, portfolio):
    """Leaders 0.5 and staff 0.5, no trimming: (90 + 80) / 2 = 85 and (70 + 60) / 2 = 65,
    then 0.5 · 85 + 0.5 · 65 = 75; the page shows each group's mean."""
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, portfolio=portfolio, title="加权路演",
        held_on=TODAY, criteria=RUBRIC, drop_highest=0, drop_lowest=0,
        groups=[("领导", 0.5), ("职工代表", 0.5)])
    project = approved(province_admin, portfolio, "红色物业", tree.county_a)
    leaders = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData("甲", "领导"), JudgeData("乙", "领导")])
    staff = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData("丙", "职工代表"), JudgeData("丁", "职工代表")])
    presentation = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                              projects=[project])[0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    for judge, total in zip([*leaders, *staff], [90, 80, 70, 60], strict=True):
        services.score_submit(judge=judge, presentation_id=presentation.pk,
                              points=points_for(total))
    client.force_login(province_admin)
    data = client.get(f"/roadshows/{roadshow.pk}/live.json").json()
    assert data["groups"] == ["领导", "职工代表"]
    assert (data["rows"][0]["means"], data["rows"][0]["result_text"]) == (
        ["85.00", "65.00"], "75.00")
    answer = client.get(f"/roadshows/{roadshow.pk}/results.docx")
    document = Document(io.BytesIO(b"".join(answer.streaming_content)))
    assert "领导 50%、职工代表 50%" in "\n".join(p.text for p in document.paragraphs)
    assert [c.text for c in document.tables[1].rows[0].cells][-3:] == [
        "领导平均分", "职工代表平均分", "得分"]
    assert [c.text for c in document.tables[1].rows[1].cells][-3:] == ["85.00", "65.00", "75.00"]


def test_the_live_ranking_costs_the_same_queries_whatever_the_size(client, province_admin,
                                                                  roadshow, panel, portfolio,
                                                                  tree):
    client.force_login(province_admin)
    url = f"/roadshows/{roadshow.pk}/live.json"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more = [approved(province_admin, portfolio, f"项目{n}", tree.county_a) for n in range(4)]
    services.presentations_set(actor=province_admin, roadshow=roadshow,
                               projects=[*panel["projects"], *more])
    services.judges_add(actor=province_admin, roadshow=roadshow,
                        judges=[JudgeData(f"新评委{n}") for n in range(3)])
    score_everyone(panel, province_admin)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_judges_pages_cost_the_same_queries_whatever_the_size(client, province_admin,
                                                                   roadshow, panel, portfolio,
                                                                   tree):
    """Every judge's phone asks every few seconds: the cost must not grow with the programme."""
    judge = panel["judges"][0]
    urls = (f"/j/{judge.token}/state.json", f"/j/{judge.token}/")
    client.get(urls[1])
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    more = [approved(province_admin, portfolio, f"项目{n}", tree.county_a) for n in range(4)]
    services.presentations_set(actor=province_admin, roadshow=roadshow,
                               projects=[*panel["projects"], *more])
    score_everyone(panel, province_admin)
    for url, count in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == count, url


def test_the_word_result_sheet_holds_the_ranked_rows_and_the_comments(
        client, province_admin, roadshow, panel):
    score_everyone(panel, province_admin)
    services.presentation_move(actor=province_admin, presentation=panel["presentations"][1],
                               state="closed", comment="成效明显，建议推广。")
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/results.docx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(b"".join(answer.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "第一场路演评审结果" in text
    assert "去掉 1 个最高分和 1 个最低分" in text
    assert "积分超市：成效明显，建议推广。" in text
    assert "评委签字" in text and "临时结果" not in text
    ranking = document.tables[1]
    assert [(r.cells[0].text, r.cells[1].text, r.cells[-1].text) for r in ranking.rows[1:]] == (
        EXPECTED)
    assert ranking.rows[2].cells[3].text == "4/4"


def test_the_excel_sheet_holds_every_judges_total(client, province_admin, roadshow, panel):
    score_everyone(panel, province_admin)
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/results.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("名次", "出场顺序", "编号", "项目", "牵头单位", "已评人数")
    judges = [header.index(f"评委{n}（评委）") for n in "一二三四五"]
    result = header.index("得分")
    assert [(r[0], r[3], round(r[result], 2)) for r in rows[1:]] == [
        (1, "积分超市", 86.0), (2, "河口治理", 81.0), (3, "红色物业", 80.33)]
    assert [rows[2][j] for j in judges] == [91, 77, 83, 79, "回避"]
    scores = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(scores) == 1 + 14


def test_the_sheets_count_the_grades_when_the_roadshow_has_quotas(client, province_admin,
                                                                 roadshow, panel):
    """An acceptance panel's grades propose the 验收等次: both sheets count them."""
    roadshow.grade_quotas, roadshow.purpose = {"excellent": 1, "good": 2}, "final"
    roadshow.save()
    red = panel["presentations"][0]
    services.presentation_move(actor=province_admin, presentation=red, state="open")
    for judge, grade in zip(panel["judges"][:3], ["excellent", "good", "good"], strict=True):
        services.score_submit(judge=judge, presentation_id=red.pk, points=points_for(85),
                              grade=grade)
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/results.docx")
    ranking = Document(io.BytesIO(b"".join(answer.streaming_content))).tables[1]
    header = [c.text for c in ranking.rows[0].cells]
    column = header.index("评定等次")
    assert {r.cells[1].text: r.cells[column].text for r in ranking.rows[1:]} == {
        "红色物业": "优秀 1、良好 2", "积分超市": "—", "河口治理": "—"}
    answer = client.get(f"/roadshows/{roadshow.pk}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
                .worksheets[0].iter_rows(values_only=True))
    columns = [rows[0].index(label) for label in ("优秀", "良好", "合格", "不合格")]
    assert [rows[1][3], *[rows[1][c] for c in columns]] == ["红色物业", 1, 2, 0, 0]


def test_the_sheets_never_break_on_control_characters(client, province_admin, roadshow, panel):
    """Text stored before the services cleaned it (a vertical tab pasted from PowerPoint)
    still makes both sheets; the vertical tab reads as a line break."""
    score_everyone(panel, province_admin)
    Presentation.objects.filter(pk=panel["presentations"][0].pk).update(
        comment="第一行\x0b第二行\x01")
    Roadshow.objects.filter(pk=roadshow.pk).update(title="第一场\x07路演", venue="礼堂\x1f")
    Judge.objects.filter(pk=panel["judges"][0].pk).update(name="评委\x08一")
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/results.docx")
    assert answer.status_code == 200
    text = "\n".join(p.text for p in Document(
        io.BytesIO(b"".join(answer.streaming_content))).paragraphs)
    assert "第一场路演评审结果" in text and "红色物业：第一行\n第二行" in text
    answer = client.get(f"/roadshows/{roadshow.pk}/results.xlsx")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert "评委一（评委）" in workbook.worksheets[0][1][-5].value


def test_a_result_sheet_printed_before_the_end_says_it_is_provisional(client, province_admin,
                                                                     roadshow, panel):
    client.force_login(province_admin)
    answer = client.get(f"/roadshows/{roadshow.pk}/results.docx")
    document = Document(io.BytesIO(b"".join(answer.streaming_content)))
    assert "临时结果" in "\n".join(p.text for p in document.paragraphs)


def test_nothing_of_the_roadshow_is_written_by_a_get(client, province_admin, roadshow, panel):
    """The pages and files read only: a crawler following links changes nothing."""
    client.force_login(province_admin)
    before = (list(Presentation.objects.values_list("state", "comment")),
              Score.objects.count(), Judge.objects.count())
    for url in ("/", "setup/", "console/", "console/standings/", "live/", "live.json",
                "results.docx", "results.xlsx", "judges/links/"):
        assert client.get(f"/roadshows/{roadshow.pk}/{url}".replace("//", "/")).status_code in (
            200, 286)
    for url in (f"presentations/{panel['presentations'][0].pk}/move/", "close/"):
        assert client.get(f"/roadshows/{roadshow.pk}/{url}").status_code == 405
    assert before == (list(Presentation.objects.values_list("state", "comment")),
                      Score.objects.count(), Judge.objects.count())
    assert json.loads(client.get(f"/j/{panel['judges'][0].token}/state.json").content)["ok"]


# --- phones posting at the same moment -------------------------------------------------------

PHONES = 7


@pytest.mark.skipif(connection.vendor == "sqlite", reason=(
    "SQLite's in-memory test database shares one cache with table locks, which refuses "
    "concurrent writers at once; CI runs this on PostgreSQL."))
@pytest.mark.django_db(transaction=True)
def test_parallel_scores_through_the_phone_pages_are_all_kept(tree, province_admin, portfolio):
    """Seven phones post their judges' scores to the phone page's endpoint at the same time,
    each project four times over (as the page saves while a judge types): every judge's last
    score of every project is kept, none refused."""
    roadshow = services.roadshow_create(actor=province_admin, owner=tree.province,
                                        portfolio=portfolio, title="同时打分", held_on=TODAY,
                                        criteria=RUBRIC)
    projects = [approved(province_admin, portfolio, f"项目{n}", tree.county_b)
                for n in range(3)]
    judges = services.judges_add(actor=province_admin, roadshow=roadshow,
                                 judges=[JudgeData(f"评委{n}") for n in range(PHONES)])
    presentations = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=projects)
    for presentation in presentations:
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state=PresentationState.OPEN)

    def phone(index: int) -> list[int]:
        browser = Client()
        try:
            return [browser.post(f"/j/{judges[index].token}/score/{presentation.pk}/",
                                 points_form(60 + index + round_),
                                 headers={"Accept": "application/json"}).status_code
                    for round_ in range(4) for presentation in presentations]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        statuses = list(pool.map(phone, range(PHONES)))

    assert statuses == [[200] * 12] * PHONES
    scores = Score.objects.filter(presentation__roadshow=roadshow).select_related("judge")
    assert sorted((s.judge.name, s.presentation_id, s.total) for s in scores) == sorted(
        (f"评委{n}", p.pk, 60 + n + 3) for n in range(PHONES) for p in presentations)
