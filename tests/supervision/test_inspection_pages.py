"""The inspection pages as their users meet them: the supervising side plans an inspection (by
hand or from the bottom of a ranking), records findings on a phone and moves the inspection; an
inspected unit reads the inspections that visit it, with its own findings only; anyone else is
told the inspection does not exist. Bad input gets a Chinese message and changes nothing."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from pacesetter.orgs.models import Role
from pacesetter.supervision import selectors, services
from pacesetter.supervision.inspection_views import unit_figures
from pacesetter.supervision.models import (
    Evidence,
    Finding,
    FindingCategory,
    Inspection,
    Rectification,
)
from pacesetter.supervision.services import FindingData
from tests.factories import user_with_role
from tests.supervision.conftest import TODAY, days
from tests.surveys.conftest import submit


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff photo", content_type="image/jpeg")


def text_of(answer) -> str:
    return answer.content.decode()


def file_text(content, name: str) -> str:
    """Every text of a workbook's cells or a document's paragraphs and tables."""
    if name.endswith(".xlsx"):
        book = load_workbook(content)
        return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for v in row if v is not None)
    document = Document(content)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def far_city_admin(tree):
    """An administrator of city 2: neither organizer nor inspected."""
    return user_with_role(Role.ORG_ADMIN, tree.city2, username="far_city")


def plan_post(tree, **changes):
    data = {"owner": tree.province.pk, "title": "基层党建专项督查", "kind": "inspection",
            "purpose": "检查“三会一课”落实情况", "starts_on": f"{TODAY:%Y-%m-%d}",
            "ends_on": f"{days(3):%Y-%m-%d}", "leader": "张三", "members": "李四",
            "targets": f"{tree.county_a.code} 东营区：满意度倒数第一\n河口区",
            "cl_code": ["C1", "C2", ""], "cl_text": ["三会一课", "软弱涣散整顿", ""]}
    data.update(changes)
    return data


# --- the list ---------------------------------------------------------------------------------

def test_the_list_shows_each_inspection_with_its_findings_and_rectification_rate(
        client, inspection, finding, province_admin):
    # given: one finding whose task is not rectified yet
    client.force_login(province_admin)
    # when
    answer = client.get("/inspections/")
    # then
    page = text_of(answer)
    assert answer.status_code == 200
    assert "满意度后进县督查" in page and "新建督查" in page and "督查" in page
    row = re.search(r'<tr data-inspection="\d+">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="findings-count">1</td>' in row
    assert '<td class="rate">0.0%</td>' in row


def test_an_inspected_unit_sees_the_inspection_with_its_own_findings_only(
        client, inspection, inspector, county_admin, outsider, tree, categories):
    # given: a finding at county A and one at county B
    services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "甲县问题：记录不全"), []),
        (FindingData(tree.county_b, "乙县问题：台账缺失"), [])])
    # when county A's administrator reads the list and the inspection
    client.force_login(county_admin)
    listing = text_of(client.get("/inspections/"))
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    # then
    assert '<td class="findings-count">1</td>' in listing
    assert "新建督查" in listing  # a county administrator supervises its own subtree
    assert "甲县问题" in page and "乙县问题" not in page
    assert 'id="record-finding"' not in page  # not the supervising side of this inspection
    # nor the other units visited alongside, nor why they were chosen
    assert re.findall(r'<tr data-unit="(\d+)">', page) == [tree.county_a.code]
    assert "满意度全省倒数第2" not in page
    assert '<td class="targets-count">1</td>' in listing
    for export in ("findings.xlsx", "report.docx"):
        content = io.BytesIO(b"".join(client.get(f"/inspections/{inspection.pk}/{export}")
                                      .streaming_content))
        assert "河口区" not in file_text(content, export)
    client.force_login(outsider)  # county B's administrator is visited too
    assert "乙县问题" in text_of(client.get(f"/inspections/{inspection.pk}/"))


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/inspections/{i}/"),
    ("get", "/inspections/{i}/findings/new/"),
    ("post", "/inspections/{i}/findings/new/"),
    ("get", "/inspections/{i}/findings/template.xlsx"),
    ("get", "/inspections/{i}/findings/import/"),
    ("post", "/inspections/{i}/findings/import/"),
    ("get", "/inspections/{i}/findings.xlsx"),
    ("get", "/inspections/{i}/report.docx"),
    ("post", "/inspections/{i}/move/"),
    ("get", "/inspections/{i}/evidence/{e}/"),
])
def test_anyone_else_is_told_the_inspection_does_not_exist(
        client, inspection, inspector, tree, far_city_admin, method, url):
    finding = services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        tree.county_a, "问题"), files=[photo()])
    client.force_login(far_city_admin)
    before = (Finding.objects.count(), Inspection.objects.get().state)
    answer = getattr(client, method)(url.format(i=inspection.pk,
                                                e=finding.evidence.get().pk),
                                     {"state": "under_way", "unit": tree.county_a.pk,
                                      "description": "伪造", "severity": "minor"})
    assert answer.status_code == 404
    assert (Finding.objects.count(), Inspection.objects.get().state) == before
    assert "满意度后进县督查" not in text_of(client.get("/inspections/"))


def test_an_inspected_unit_may_read_but_not_record_or_move(client, inspection, county_admin,
                                                           tree):
    client.force_login(county_admin)
    assert client.get(f"/inspections/{inspection.pk}/findings/new/").status_code == 403
    refused = client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_a.pk, "severity": "minor", "description": "自己录入"})
    assert refused.status_code == 403
    assert client.post(f"/inspections/{inspection.pk}/move/",
                       {"state": "under_way"}).status_code == 403
    assert not Finding.objects.exists()
    assert Inspection.objects.get().state == "planned"


# --- planning ---------------------------------------------------------------------------------

def test_a_supervisor_plans_an_inspection_with_team_targets_and_checklist(
        client, tree, province_admin):
    client.force_login(province_admin)
    form = client.get("/inspections/new/")
    assert form.status_code == 200 and "检查对象" in text_of(form)
    answer = client.post("/inspections/new/", plan_post(tree), follow=True)
    inspection = Inspection.objects.get()
    assert answer.redirect_chain == [(f"/inspections/{inspection.pk}/", 302)]
    assert "督查计划已创建。" in text_of(answer)
    assert inspection.title == "基层党建专项督查" and inspection.leader == tree.person_a
    assert list(inspection.members.all()) == [tree.person_b]
    assert [(t.unit, t.reason) for t in inspection.targets.all()] == [
        (tree.county_a, "满意度倒数第一"), (tree.county_b, "")]
    assert [(c.code, c.text) for c in inspection.checklist.all()] == [
        ("C1", "三会一课"), ("C2", "软弱涣散整顿")]
    page = text_of(answer)
    assert "满意度倒数第一" in page and "张三" in page and "软弱涣散整顿" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"targets": ""}, "请选择检查对象。"),
    ({"ends_on": f"{TODAY - datetime.timedelta(days=1):%Y-%m-%d}"}, "结束日期早于开始日期。"),
    ({"targets": "不存在的单位"}, "组织单位下没有您可见的单位“不存在的单位”。"),
    ({"title": "  "}, "请填写督查名称。"),
    ({"cl_code": ["C1", "C1"], "cl_text": ["一", "二"]},
     "请为每个检查事项填写不重复的编号和内容。"),
    ({"leader": "查无此人"}, "查无此人"),
])
def test_a_bad_plan_is_refused_in_chinese_and_nothing_is_created(client, tree, province_admin,
                                                                 changes, message):
    client.force_login(province_admin)
    answer = client.post("/inspections/new/", plan_post(tree, **changes))
    assert answer.status_code == 422
    assert message in text_of(answer)
    assert not Inspection.objects.exists()


def test_an_organizer_outside_the_supervised_subtree_is_refused(client, tree, county_admin):
    # given: county A's administrator supervises county A only
    client.force_login(county_admin)
    answer = client.post("/inspections/new/", plan_post(
        tree, owner=tree.province.pk, targets=tree.township_a1.code))
    assert answer.status_code == 404
    unknown = client.post("/inspections/new/", plan_post(
        tree, owner=987654, targets=tree.township_a1.code))
    assert unknown.status_code == 422
    assert "请从您督查的单位中选择组织单位。" in text_of(unknown)
    assert not Inspection.objects.exists()
    ok = client.post("/inspections/new/", plan_post(
        tree, owner=tree.county_a.pk, targets=tree.township_a1.code, leader="", members=""))
    assert ok.status_code == 302
    assert Inspection.objects.get().owner == tree.county_a


def test_a_reporter_supervises_nothing(client, tree, reporter):
    client.force_login(reporter)
    assert client.get("/inspections/").status_code == 200
    assert "新建督查" not in text_of(client.get("/inspections/"))
    assert client.get("/inspections/new/").status_code == 403
    assert client.get("/inspections/categories/").status_code == 403


# --- from a ranking ---------------------------------------------------------------------------

@pytest.fixture
def answered(campaign, tree):
    """County A's respondents are dissatisfied, county B's satisfied."""
    link_a = campaign.targets.get(unit=tree.county_a).link_token
    link_b = campaign.targets.get(unit=tree.county_b).link_token
    for n in range(6):
        submit(link_a, f"a{n}", {"A1": "bmy", "B1": "bmy"})
        submit(link_b, f"b{n}", {"A1": "my", "B1": "my"})
    return campaign


def test_the_ranking_preview_lists_the_bottom_units_with_reason_and_figures(
        client, answered, tree, province_admin):
    client.force_login(province_admin)
    answer = client.get("/inspections/new/from-ranking/",
                        {"source": f"survey:{answered.pk}", "bottom": "1"})
    page = text_of(answer)
    assert answer.status_code == 200
    preview = re.search(r'<table class="list" id="preview-targets">(.*?)</table>', page,
                        re.S).group(1)
    assert re.findall(r'data-unit="(\d+)"', preview) == [tree.county_a.code]
    assert "县级满意度测评" in preview and "第 2/2 名" in preview
    two = text_of(client.get("/inspections/new/from-ranking/",
                             {"source": f"survey:{answered.pk}", "bottom": "2"}))
    assert re.findall(r'<tr data-unit="(\d+)"', two) == [tree.county_a.code,
                                                         tree.county_b.code]
    assert not Inspection.objects.exists()  # a preview plans nothing


def test_an_inspection_is_planned_from_the_bottom_of_the_ranking(client, answered, tree,
                                                                 province_admin):
    client.force_login(province_admin)
    answer = client.post("/inspections/new/from-ranking/", {
        "source": f"survey:{answered.pk}", "bottom": "1", "owner": tree.province.pk,
        "title": "满意度后进单位督导", "kind": "guidance", "starts_on": f"{TODAY:%Y-%m-%d}",
        "ends_on": f"{days(2):%Y-%m-%d}", "leader": "", "members": "",
        "cl_code": ["C1"], "cl_text": ["群众意见整改"]})
    inspection = Inspection.objects.get()
    assert answer.status_code == 302
    (target,) = inspection.targets.all()
    assert target.unit == tree.county_a and "县级满意度测评" in target.reason
    assert inspection.source["kind"] == "survey" and inspection.kind == "guidance"
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    assert "县级满意度测评" in page


def test_a_ranking_not_in_scope_or_a_bad_number_is_refused(client, answered, tree,
                                                           far_city_admin, province_admin):
    client.force_login(far_city_admin)  # the province's campaign is not city 2's to see
    answer = client.get("/inspections/new/from-ranking/",
                        {"source": f"survey:{answered.pk}", "bottom": "1"})
    assert answer.status_code == 404
    client.force_login(province_admin)
    unknown = client.get("/inspections/new/from-ranking/", {"source": "poll:1", "bottom": "1"})
    assert unknown.status_code == 404
    bad = client.get("/inspections/new/from-ranking/",
                     {"source": f"survey:{answered.pk}", "bottom": "很多"})
    assert bad.status_code == 422 and "请写出分组名称和数字" in text_of(bad)


def test_the_targets_must_lie_under_the_organizer_chosen(client, answered, tree,
                                                         province_admin):
    client.force_login(province_admin)
    answer = client.post("/inspections/new/from-ranking/", {
        "source": f"survey:{answered.pk}", "bottom": "1", "owner": tree.city2.pk,
        "title": "跨市督查", "kind": "inspection", "starts_on": f"{TODAY:%Y-%m-%d}",
        "ends_on": f"{days(2):%Y-%m-%d}"})
    assert answer.status_code == 422
    assert "只能检查组织单位下属的单位。" in text_of(answer)
    assert not Inspection.objects.exists()


def test_an_assessment_ranking_lists_its_bottom_once_published(client, plan, tree,
                                                               province_admin):
    from pacesetter.assessment import services as assessment_services
    from tests.assessment.conftest import figures

    client.force_login(province_admin)
    query = {"source": f"assessment:{plan.pk}", "bottom": "1"}
    unpublished = client.get("/inspections/new/from-ranking/", query)
    assert unpublished.status_code == 422  # said on the form, not a missing page
    assert "尚未发布考核结果。" in text_of(unpublished)
    assessment_services.plan_open(actor=province_admin, plan=plan)
    assessment_services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                                    values=figures(98, 96, 2, 0))
    assessment_services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                                    values=figures(70, 85, 0, 0))
    assessment_services.plan_score(actor=province_admin, plan=plan)
    assessment_services.plan_publish(actor=province_admin, plan=plan)
    page = text_of(client.get("/inspections/new/from-ranking/", query))
    assert re.findall(r'<tr data-unit="(\d+)"', page) == [tree.county_b.code]
    assert "总分" in page


# --- the plan page ----------------------------------------------------------------------------

def test_the_plan_page_shows_findings_by_unit_with_their_rectification_and_figures(
        client, inspection, finding, province_admin, tree):
    client.force_login(province_admin)
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    task = finding.rectification
    assert "部分村党组织“三会一课”记录不全" in page
    assert "建立会议记录月检制度" in page and "开展专项培训" in page
    assert task.serial in page and "已登记" in page and "严重" in page
    assert "指出问题 1 个，提出整改建议 2 条" in page
    assert '<div class="card-number" id="figure-findings">1</div>' in page
    assert "满意度全省倒数第1" in page  # the target's reason
    assert 'id="inspection-charts"' in page and "基层组织建设" in page


def test_the_plan_page_costs_the_same_queries_for_one_finding_or_many(
        client, inspection, finding, inspector, province_admin, tree, categories):
    client.force_login(province_admin)
    url = f"/inspections/{inspection.pk}/"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_b, f"问题{n}", "minor", categories[1], suggestions=["建议"],
                     person=tree.person_b if n % 2 else None), [photo()]) for n in range(6)])
    with CaptureQueriesContext(connection) as seven:
        client.get(url)
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_each_target_units_figures_are_those_of_the_selector(inspection, inspector, tree,
                                                             county_admin, categories):
    from django.utils import timezone

    from tests.supervision.test_services import reach

    findings = services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "一", "serious", categories[0], suggestions=["甲", "乙"]),
         []),
        (FindingData(tree.county_a, "二", "minor"), []),
        (FindingData(tree.county_b, "三", "moderate"), [])])
    reach(findings[0].rectification, "closed", inspector, county_admin)
    reach(findings[1].rectification, "in_progress", inspector, county_admin)
    Rectification.objects.filter(pk=findings[1].rectification.pk).update(deadline=days(-2))
    loaded = list(Finding.objects.select_related("unit", "category", "rectification")
                  .prefetch_related("suggestions"))
    for target in inspection.targets.select_related("unit"):
        assert unit_figures(target, loaded, timezone.localdate()) == \
            selectors.inspection_figures(actor=inspector, inspection=inspection,
                                         unit=target.unit)


def test_the_supervisor_starts_and_concludes_the_inspection(client, inspection,
                                                            province_admin, tree):
    client.force_login(province_admin)
    url = f"/inspections/{inspection.pk}/move/"
    assert "开始督查" in text_of(client.get(f"/inspections/{inspection.pk}/"))
    client.post(url, {"state": "under_way"})
    assert Inspection.objects.get().state == "under_way"
    refused = client.post(url, {"state": "planned"}, follow=True)
    assert "不能这样变更" in text_of(refused)
    client.post(url, {"state": "concluded"})
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    assert "已结束" in page and 'id="record-finding"' not in page
    late = client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_a.pk, "severity": "minor", "description": "补充问题"})
    assert late.status_code == 422 and "该督查已结束，不能再录入问题。" in text_of(late)
    assert not Finding.objects.exists()


# --- re-checks (回头看) ------------------------------------------------------------------------

def test_a_concluded_inspection_offers_a_recheck_prefilled(client, rechecked, province_admin,
                                                           tree):
    client.force_login(province_admin)
    page = text_of(client.get(f"/inspections/{rechecked.pk}/"))
    link = re.search(r'id="plan-recheck" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    form = client.get(link).context["form"]
    assert (form.initial["kind"], form.initial["rechecks"]) == ("recheck", rechecked.pk)
    assert form.initial["title"] == "满意度后进县督查“回头看”"
    # when: planned with the targets left blank
    answer = client.post("/inspections/new/", plan_post(
        tree, title="满意度后进县督查“回头看”", kind="recheck", rechecks=rechecked.pk,
        targets=""))
    # then: it visits the unit with closed-out findings
    assert answer.status_code == 302
    recheck = Inspection.objects.get(kind="recheck")
    assert [t.unit for t in recheck.targets.all()] == [tree.county_a]


def test_the_recheck_page_records_verdicts_and_reopens_a_problem_back(
        client, recheck, rechecked, inspector):
    client.force_login(inspector)
    page = text_of(client.get(f"/inspections/{recheck.pk}/"))
    assert re.findall(r'<tr data-number="(\d+)" id="recheck-', page) == ["1", "2"]
    assert page.count('name="holds"') == 2
    first, second = rechecked.findings.get(number=1), rechecked.findings.get(number=2)
    # when
    holds = client.post(f"/inspections/{recheck.pk}/recheck/{first.pk}/", {"verdict": "holds"})
    back = client.post(f"/inspections/{recheck.pk}/recheck/{second.pk}/",
                       {"verdict": "reopened", "note": "档案再次缺页",
                        "deadline": f"{days(20):%Y-%m-%d}"})
    # then
    assert holds.status_code == back.status_code == 302
    assert back["Location"].endswith("#recheck")
    task = Rectification.objects.get(finding=second)
    assert (task.state, task.deadline) == ("in_progress", days(20))
    page = text_of(client.get(f"/inspections/{recheck.pk}/"))
    assert ("回头看问题 2 个：整改到位 1 个，问题反弹重新整改 1 个，已销号待核查 0 个，"
            "尚未销号 0 个。") in page
    assert "档案再次缺页" in page and 'name="holds"' not in page


def test_a_reopen_without_its_reason_is_refused_in_chinese_and_changes_nothing(
        client, recheck, rechecked, inspector):
    client.force_login(inspector)
    second = rechecked.findings.get(number=2)
    answer = client.post(f"/inspections/{recheck.pk}/recheck/{second.pk}/",
                         {"verdict": "reopened", "note": " "}, follow=True)
    assert "问题 2：请写明回头看发现的情况。" in text_of(answer)
    assert Rectification.objects.get(finding=second).state == "closed"
    assert not recheck.verdicts.exists()


def test_the_rechecked_unit_reads_the_verdicts_but_gives_none(client, recheck, rechecked,
                                                              county_admin):
    client.force_login(county_admin)
    page = text_of(client.get(f"/inspections/{recheck.pk}/"))
    assert "已销号问题回头看" in page and 'name="holds"' not in page and "待核查" in page
    first = rechecked.findings.get(number=1)
    answer = client.post(f"/inspections/{recheck.pk}/recheck/{first.pk}/", {"verdict": "holds"})
    assert answer.status_code == 403
    assert not recheck.verdicts.exists()


# --- findings on a phone ----------------------------------------------------------------------

def test_a_finding_is_recorded_with_suggestions_and_photos_and_the_form_comes_back(
        client, inspection, inspector, tree, categories):
    client.force_login(inspector)
    form = client.get(f"/inspections/{inspection.pk}/findings/new/")
    assert form.status_code == 200
    assert 'capture="environment"' in text_of(form) and "整改建议" in text_of(form)
    answer = client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_b.pk, "category": categories[2].pk,
        "checklist_item": inspection.checklist.get(code="C2").pk, "severity": "minor",
        "description": "村级活动场所闲置", "suggestions": ["盘活活动场所", "", "建立使用台账"],
        "files": [photo("现场1.jpg"), photo("现场2.png")]})
    finding = Finding.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == (f"/inspections/{inspection.pk}/findings/new/"
                                  f"?unit={tree.county_b.pk}")
    assert [s.text for s in finding.suggestions.all()] == ["盘活活动场所", "建立使用台账"]
    assert sorted(e.name for e in finding.evidence.all()) == ["现场1.jpg", "现场2.png"]
    assert finding.rectification.deadline == days(60)  # minor: 60 days
    again = client.get(answer["Location"])
    assert "已录入" in text_of(again) and finding.rectification.serial in text_of(again)
    assert f'<option value="{tree.county_b.pk}" selected>' in text_of(again)


def test_a_given_deadline_overrides_the_severitys(client, inspection, inspector, tree):
    client.force_login(inspector)
    client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_a.pk, "severity": "serious", "description": "问题",
        "deadline": f"{days(5):%Y-%m-%d}"})
    assert Finding.objects.get().rectification.deadline == days(5)


def test_a_finding_is_attributed_to_a_cadre_of_its_unit_by_name(client, inspection, inspector,
                                                                  tree):
    from tests.factories import PersonFactory

    PersonFactory(unit=tree.county_b, name=tree.person_a.name)  # the same name elsewhere
    client.force_login(inspector)
    form = text_of(client.get(f"/inspections/{inspection.pk}/findings/new/"))
    assert 'name="person"' in form and 'list="person-options"' in form
    answer = client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_a.pk, "severity": "serious", "description": "信访积案化解不力",
        "person": tree.person_a.name})
    assert answer.status_code == 302
    finding = Finding.objects.get()
    assert finding.person == tree.person_a
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    assert tree.person_a.name in page and 'class="tag attributed"' in page


@pytest.mark.parametrize("typed", ["person_b", "nobody"])
def test_a_cadre_not_of_the_findings_unit_is_refused_on_the_field(client, inspection,
                                                                  inspector, tree, typed):
    client.force_login(inspector)
    name = tree.person_b.name if typed == "person_b" else "查无此人"
    answer = client.post(f"/inspections/{inspection.pk}/findings/new/", {
        "unit": tree.county_a.pk, "severity": "serious", "description": "问题",
        "person": name})
    assert answer.status_code == 422
    assert answer.context["form"].errors["person"]
    assert name in answer.context["form"].errors["person"][0]
    assert not Finding.objects.exists() and not Rectification.objects.exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"unit": "township"}, "请选择本次督查的检查对象。"),
    ({"description": " "}, "请描述问题。"),
    ({"files": "exe"}, "“病毒.exe”：只能上传照片、PDF 或 Office 文件。"),
    ({"deadline": "past"}, "整改时限已过。"),
])
def test_a_bad_finding_is_refused_in_chinese_and_nothing_is_recorded(
        client, inspection, inspector, tree, changes, message):
    client.force_login(inspector)
    data = {"unit": tree.county_a.pk, "severity": "moderate", "description": "问题",
            "suggestions": ["建议"]}
    data.update(changes)
    if data["unit"] == "township":
        data["unit"] = tree.township_a1.pk
    if data.get("files") == "exe":
        data["files"] = [photo("病毒.exe")]
    if data.get("deadline") == "past":
        data["deadline"] = f"{days(-1):%Y-%m-%d}"
    answer = client.post(f"/inspections/{inspection.pk}/findings/new/", data)
    assert answer.status_code == 422
    assert message in text_of(answer)
    assert not Finding.objects.exists() and not Evidence.objects.exists()
    assert not Rectification.objects.exists()


def test_a_photo_is_shown_to_those_who_see_the_finding(client, inspection, inspector, tree,
                                                       county_admin, outsider):
    finding = services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        tree.county_a, "问题"), files=[photo()])
    evidence = finding.evidence.get()
    url = f"/inspections/{inspection.pk}/evidence/{evidence.pk}/"
    client.force_login(county_admin)
    shown = client.get(url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == b"\xff\xd8\xff photo"
    assert url in text_of(client.get(f"/inspections/{inspection.pk}/"))  # the thumbnail
    client.force_login(outsider)  # county B is visited too, but this is county A's finding
    assert client.get(url).status_code == 404


# --- categories -------------------------------------------------------------------------------

def test_the_organizer_manages_its_categories(client, tree, province_admin, categories,
                                              finding):
    client.force_login(province_admin)
    page = text_of(client.get(f"/inspections/categories/?owner={tree.province.pk}"))
    assert "基层组织建设" in page and "问题类别" in page
    answer = client.post("/inspections/categories/", {
        "owner": tree.province.pk, "names": "干部队伍建设\n党风廉政建设"})
    assert answer.status_code == 302
    active = list(FindingCategory.objects.filter(owner=tree.province, is_active=True)
                  .values_list("name", flat=True))
    assert active == ["干部队伍建设", "党风廉政建设"]
    # the category in use is set aside, not deleted
    assert FindingCategory.objects.get(name="基层组织建设").is_active is False
    twice = client.post("/inspections/categories/", {
        "owner": tree.province.pk, "names": "甲\n甲"})
    assert twice.status_code == 422 and "有类别重复列出。" in text_of(twice)


def test_categories_of_an_organizer_out_of_reach_are_not_found(client, tree, county_admin,
                                                               categories):
    client.force_login(county_admin)
    answer = client.post("/inspections/categories/", {"owner": tree.province.pk,
                                                      "names": "篡改"})
    assert answer.status_code == 404
    assert not FindingCategory.objects.filter(name="篡改").exists()
    assert client.get(f"/inspections/categories/?owner={tree.province.pk}").status_code == 404


@pytest.mark.parametrize("url", [
    "/inspections/new/?owner=²", "/inspections/new/?rechecks=²",
    "/inspections/categories/?owner=²", "/inspections/lookup/units/?owner=²&q=东",
    "/inspections/new/from-ranking/?source=&bottom=²",
])
def test_a_digit_that_is_not_ascii_is_not_a_server_error(client, province_admin,
                                                          url):
    client.force_login(province_admin)
    assert client.get(url).status_code in {200, 404, 422}


def test_a_superscript_unit_on_the_phone_form_is_ignored(client, inspection, inspector):
    client.force_login(inspector)
    answer = client.get(f"/inspections/{inspection.pk}/findings/new/?unit=²")
    assert answer.status_code == 200 and answer.context["form"].initial["unit"] is None


def test_a_recheck_of_an_inspection_further_down_is_offered_with_its_organizer(
        client, tree, county_admin, province_admin):
    # given: county A inspected its township and closed the finding out
    from tests.supervision.conftest import close_out

    township = user_with_role(Role.ORG_ADMIN, tree.township_a1, username="township_admin")
    inspection = services.inspection_create(
        actor=county_admin, owner=tree.county_a, title="乡镇督查", starts_on=TODAY,
        ends_on=TODAY, targets=[services.TargetData(tree.township_a1)])
    found = services.finding_record(actor=county_admin, inspection=inspection,
                                    data=FindingData(tree.township_a1, "记录不全"))
    close_out(found.rectification, county_admin, township)
    client.force_login(province_admin)  # two levels above the organizer
    # when
    page = text_of(client.get(f"/inspections/{inspection.pk}/"))
    link = re.search(r'id="plan-recheck" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    form = client.get(link).context["form"]
    answer = client.post(link, plan_post(tree, owner=tree.county_a.pk, kind="recheck",
                                         rechecks=inspection.pk, targets=""))
    # then
    assert (tree.county_a.pk, tree.county_a.name) in form.fields["owner"].choices
    assert form.initial["owner"] == tree.county_a.pk
    assert answer.status_code == 302
    assert Inspection.objects.get(kind="recheck").owner == tree.county_a


def test_a_rechecks_bulletin_gives_its_verdicts(client, recheck, rechecked, inspector):
    services.recheck_verdict_record(actor=inspector, recheck=recheck,
                                    finding=rechecked.findings.get(number=2),
                                    verdict="reopened", note="档案再次缺页")
    client.force_login(inspector)
    answer = client.get(f"/inspections/{recheck.pk}/report.docx")
    text = file_text(io.BytesIO(b"".join(answer.streaming_content)), "report.docx")
    assert "回头看问题 2 个：整改到位 0 个，问题反弹重新整改 1 个，已销号待核查 1 个" in text
    assert "问题反弹，重新整改" in text and "档案再次缺页" in text and "待核查" in text
