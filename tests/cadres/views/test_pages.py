"""The cadre pages: the organizer sets up the appraisal and issues codes; raters vote on their
phones with a code; the profile is read only by organization departments over the cadre and
each reading is audited; the exports carry the reader's name and the time."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pacesetter.assessment import services as assessment
from pacesetter.audit.models import AuditEntry
from pacesetter.cadres import services
from pacesetter.cadres.models import AppraisalStatus, FollowUp, Rating
from pacesetter.projects.models import Portfolio, Project
from tests.cadres.conftest import SOURCES, issue

SOURCE_CODES = [code for code, _name, _weight in SOURCES]


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rating(appraisal, province_admin, tree):
    codes = issue(appraisal, province_admin, "superior", tree.county_a, ["市委领导"])
    services.appraisal_status_set(actor=province_admin, appraisal=appraisal,
                                  status=AppraisalStatus.RATING)
    return codes["市委领导"]


def test_the_organizer_sets_up_the_appraisal_from_the_form(client, appraisal_plan,
                                                           province_admin):
    assessment.plan_open(actor=province_admin, plan=appraisal_plan)
    client.force_login(province_admin)
    url = reverse("cadres:appraisal", args=[appraisal_plan.pk])
    response = client.post(url, {
        "dimensions": "政治思想 30\n工作实绩 70", "grades": "优秀 95 15%\n称职 80\n不称职 40",
        "quota_rounding": "floor", "drop_highest": 1, "drop_lowest": 1,
        "source_superior": "SUP", "source_peer": "PEER"})
    assert response.status_code == 302
    found = services.Appraisal.objects.get(plan=appraisal_plan)
    assert found.dimensions == [{"name": "政治思想", "weight": 30.0},
                                {"name": "工作实绩", "weight": 70.0}]
    assert found.quotas == {"优秀": 0.15}
    assert found.sources == {"superior": "SUP", "peer": "PEER"}
    page = client.get(url).content.decode()
    assert "Issue codes to a panel" in page


def test_a_bad_rule_is_named_and_saves_nothing(client, appraisal_plan, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("cadres:appraisal", args=[appraisal_plan.pk]), {
        "dimensions": "政治思想 30", "grades": "称职 80\n优秀 95", "quota_rounding": "floor",
        "drop_highest": 0, "drop_lowest": 0})
    assert response.status_code == 200
    assert "List the grades from best to worst." in response.content.decode()
    assert not services.Appraisal.objects.exists()


def test_codes_are_printed_once_and_open_a_ballot_on_the_phone(
        client, appraisal, province_admin, tree, cadres):
    client.force_login(province_admin)
    response = client.post(reverse("cadres:raters_issue", args=[appraisal.plan.pk]), {
        "role": "peer", "unit_code": tree.county_a.code, "names": "周书记\n组织部长"})
    assert response.status_code == 200
    codes = [code for _rater, code in response.context["issued"]]
    assert len(codes) == 2
    # 周书记 is found in the register by name and kept off their own ballot
    own = services.rater_for_code(codes[0])
    assert own.person == cadres["sec_a"]
    services.appraisal_status_set(actor=province_admin, appraisal=appraisal,
                                  status=AppraisalStatus.RATING)
    client.logout()
    response = client.post(reverse("cadres:rate"), {"code": codes[0].lower()})
    assert response.status_code == 302
    assert codes[0] not in str(dict(client.session))  # the session keeps its hash only
    ballot = client.get(reverse("cadres:ballot")).content.decode()
    assert "吴县长" in ballot and "周书记" not in ballot.split("</header>")[1]


def test_a_ballot_over_quota_is_refused_with_the_reason_and_kept_on_screen(
        client, rating, cadres):
    client.post(reverse("cadres:rate"), {"code": rating})
    both = {f"grade-{cadres['sec_a'].pk}": "优秀", f"grade-{cadres['head_a'].pk}": "优秀"}
    for person in (cadres["sec_a"], cadres["head_a"]):
        both |= {f"dim-{person.pk}-0": "优秀", f"dim-{person.pk}-1": "称职"}
    response = client.post(reverse("cadres:ballot"), both)
    assert response.status_code == 400
    assert "At most 1 of the 2 cadres on your ballot may be graded 优秀" in (
        response.content.decode())
    assert not Rating.objects.exists()
    both[f"grade-{cadres['head_a'].pk}"] = "称职"
    response = client.post(reverse("cadres:ballot"), both)
    assert response.status_code == 200
    assert "Your ballot has been received" in response.content.decode()
    assert Rating.objects.count() == 2
    response = client.post(reverse("cadres:rate"), {"code": rating})
    assert "already been used" in response.content.decode()


def test_a_wrong_code_is_refused_in_words(client, rating):
    response = client.post(reverse("cadres:rate"), {"code": "NOTACODE"})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    assert client.get(reverse("cadres:ballot")).status_code == 302


def test_reading_a_profile_is_audited_with_reader_and_cadre(client, province_admin, cadres):
    client.force_login(province_admin)
    response = client.get(reverse("cadres:profile", args=[cadres["sec_a"].pk]))
    assert response.status_code == 200
    assert "this reading has been recorded" in response.content.decode()
    read = AuditEntry.objects.get(action="view")
    assert (read.actor, read.object_type, read.object_id) == (
        province_admin, "orgs.person", str(cadres["sec_a"].pk))
    assert read.unit_path == cadres["sec_a"].unit.path


def test_the_profile_shows_the_projects_the_cadre_leads_or_owns(client, province_admin, cadres,
                                                                tree):
    portfolio = Portfolio.objects.create(owner=tree.county_a, title="重点项目", year=2026)
    Project.objects.create(portfolio=portfolio, title="红色物业", state="running",
                           leader=cadres["sec_a"], owner=cadres["head_a"],
                           proposed_by=tree.county_a, lead_unit=tree.county_a)
    Project.objects.create(portfolio=portfolio, title="别人的项目", state="running",
                           leader=cadres["head_b"], proposed_by=tree.county_b)
    client.force_login(province_admin)
    for person, role in ((cadres["sec_a"], "Responsible leader"), (cadres["head_a"], "Owner")):
        page = client.get(reverse("cadres:profile", args=[person.pk])).content.decode()
        roles = page[page.index('id="profile-projects"'):page.index("</table>",
                                                                    page.index("profile-projects"))]
        assert "红色物业" in roles and role in roles and "别人的项目" not in roles
    response = client.get(reverse("cadres:profile_export", args=[cadres["sec_a"].pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Project roles"]
    assert [c.value for c in sheet[3]][:2] == ["红色物业", "Responsible leader"]


@pytest.mark.parametrize("who", ["outsider", "reporter"])
def test_the_profile_is_not_found_outside_the_personnel_scope(client, request, cadres, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("profile", "profile_export", "appraisal_sheet"):
        assert client.get(reverse(f"cadres:{name}", args=[cadres["sec_a"].pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_exports_carry_the_readers_name_and_are_audited(client, province_admin, cadres):
    province_admin.first_name = "省委组织部干部处"
    province_admin.save()
    client.force_login(province_admin)
    response = client.get(reverse("cadres:profile_export", args=[cadres["sec_a"].pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for sheet in workbook.worksheets:
        assert "province_admin" in sheet["A1"].value
        assert "province_admin" in sheet.oddHeader.center.text
    response = client.get(reverse("cadres:appraisal_sheet", args=[cadres["sec_a"].pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as docx:
        headers = "".join(docx.read(n).decode() for n in docx.namelist() if "header" in n)
        body = docx.read("word/document.xml").decode()
    assert "province_admin" in headers
    assert "周书记" in body
    assert AuditEntry.objects.filter(action="view").count() == 2


def test_a_published_index_raises_follow_ups_which_are_closed_on_the_page(
        client, appraisal_plan, province_admin, cadres):
    services.index_rule_save(actor=province_admin, plan=appraisal_plan, bands=[
        {"label": "提醒谈话", "action": "约谈提醒"}, {"min": 60, "label": "一般"},
        {"min": 95, "label": "优先", "action": "列入优先提拔人选", "candidate": True}])
    assessment.plan_open(actor=province_admin, plan=appraisal_plan)
    for key, score in (("sec_a", 100), ("head_a", 30), ("sec_b", 80), ("head_b", 70)):
        person = cadres[key]
        assessment.values_save(actor=province_admin, plan=appraisal_plan, unit=person.unit,
                               person=person, values=dict.fromkeys(SOURCE_CODES, (score, "")))
    assessment.plan_score(actor=province_admin, plan=appraisal_plan)
    assessment.plan_publish(actor=province_admin, plan=appraisal_plan)
    raised = {f.person: f.action for f in FollowUp.objects.all()}
    assert raised == {cadres["sec_a"]: "列入优先提拔人选", cadres["head_a"]: "约谈提醒"}
    client.force_login(province_admin)
    candidates = client.get(reverse("cadres:candidates")).content.decode()
    assert "周书记" in candidates and "吴县长" not in candidates
    talk = FollowUp.objects.get(person=cadres["head_a"])
    client.post(reverse("cadres:follow_up_close", args=[talk.pk]), {"outcome": "已于12月1日约谈"})
    talk.refresh_from_db()
    assert (talk.status, talk.outcome) == ("done", "已于12月1日约谈")
    profile = client.get(reverse("cadres:profile", args=[cadres["sec_a"].pk])).content.decode()
    assert "Red list of 县委书记县长年度考核" in profile


def test_the_cadres_area_is_for_organization_departments(client, reporter, province_admin):
    client.force_login(reporter)
    assert client.get(reverse("cadres:home")).status_code == 404
    client.force_login(province_admin)
    assert client.get(reverse("cadres:home")).status_code == 200


def test_an_unknown_follow_up_status_lists_nothing(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("cadres:follow_ups"), {"status": "nonsense\x00"})
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
