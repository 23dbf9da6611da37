"""The project page's actions, as a user in a browser takes them: each allowed role succeeds and
the database changes; a wrong role is refused and nothing changes; bad input is named in
Chinese on the form and nothing changes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.notifications.models import Notification
from pacesetter.orgs.models import Role
from pacesetter.projects import services
from pacesetter.projects.models import (
    Attachment,
    Claim,
    ClaimState,
    FollowUp,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectState,
)
from pacesetter.projects.services import ProjectData
from tests.factories import user_with_role
from tests.projects.conftest import days

PHOTO = b"\xff\xd8\xff\xe0 a photo of the site"


@pytest.fixture
def inspector(tree):
    """A provincial inspector: sees every project, acts on none."""
    return user_with_role(Role.INSPECTOR, tree.province, username="inspector")


def text_of(answer) -> str:
    return answer.content.decode()


def messages_of(client) -> list[str]:
    """The flashed messages the next page would show."""
    page = client.get("/")
    return [str(m) for m in page.context["messages"]] if page.context else []


def snapshot():
    """What the pages may change, to check that a refused action changed nothing."""
    return (list(Project.objects.order_by("pk").values_list(
                "title", "state", "lead_unit", "deadline", "grade", "review_note",
                "outstanding", "replication_case")),
            list(Milestone.objects.order_by("pk").values_list("pk", "title", "due_on",
                                                              "percent")),
            list(Claim.objects.order_by("pk").values_list("unit", "state", "plan")),
            ProgressUpdate.objects.count(), Attachment.objects.count(),
            list(FollowUp.objects.order_by("pk").values_list("reason", "reply")))


def plan_post(**fields):
    """A new-project form as a browser posts it: blank rows included."""
    data = {"code": "", "title": "", "category": "", "leader": "", "owner": "", "goal": "",
            "measures": "", "starts_on": "", "deadline": "", "budget": "", "tags": "",
            "co_units": ["", ""], "ms_title": ["", ""], "ms_due": ["", ""],
            "ms_deliverable": ["", ""]}
    data.update(fields)
    return data


# --- a new project ---------------------------------------------------------------------------

def test_the_organizer_creates_a_project_with_milestones_and_publishes_it_for_claims(
        client, portfolio, province_admin, tree):
    # given
    client.force_login(province_admin)
    assert client.get(f"/portfolios/{portfolio.pk}/projects/new/").status_code == 200
    # when
    answer = client.post(f"/portfolios/{portfolio.pk}/projects/new/", plan_post(
        code="CX-01", title="智慧党建平台", category="数字党建", co_units=["370500 东营市", ""],
        leader="张三（东营区）", goal="全市联网", measures="统一平台", starts_on=str(days(1)),
        deadline=str(days(200)), budget="12.5", tags="数字化、平台, 试点",
        ms_title=["需求调研", "上线运行", ""], ms_due=[str(days(30)), str(days(150)), ""],
        ms_deliverable=["调研报告", "", ""], publish="1"))
    # then
    project = Project.objects.get(title="智慧党建平台")
    assert answer.status_code == 302 and answer["Location"] == f"/projects/{project.pk}/"
    assert project.state == ProjectState.LISTED
    assert project.lead_unit is None and project.proposed_by == tree.province
    assert project.leader == tree.person_a
    assert list(project.co_units.all()) == [tree.city1]
    assert project.tags == ["数字化", "平台", "试点"]
    assert [(m.title, m.due_on, m.deliverable) for m in project.milestones.all()] == [
        ("需求调研", days(30), "调研报告"), ("上线运行", days(150), "")]
    assert "项目已创建并发布认领。" in messages_of(client)


def test_the_organizer_names_the_lead_unit_by_its_code(client, portfolio, province_admin,
                                                      tree):
    client.force_login(province_admin)
    client.post(f"/portfolios/{portfolio.pk}/projects/new/",
                plan_post(title="组织振兴", lead_unit="370502"))
    project = Project.objects.get(title="组织振兴")
    assert (project.state, project.lead_unit) == (ProjectState.DRAFT, tree.county_a)


def test_a_county_proposes_a_project_and_leads_it(client, portfolio, listed, county_admin,
                                                   tree):
    # given: the county sees the portfolio through the project open for claims
    client.force_login(county_admin)
    form = client.get(f"/portfolios/{portfolio.pk}/projects/new/")
    assert 'name="proposed_by"' in text_of(form) and 'name="lead_unit"' not in text_of(form)
    # when
    client.post(f"/portfolios/{portfolio.pk}/projects/new/", plan_post(
        title="红色网格", proposed_by=str(tree.county_a.pk), owner="张三",
        ms_title=["摸底"], ms_due=[str(days(20))], ms_deliverable=[""]))
    # then
    project = Project.objects.get(title="红色网格")
    assert (project.proposed_by, project.lead_unit) == (tree.county_a, tree.county_a)
    assert project.owner == tree.person_a
    assert project.state == ProjectState.DRAFT


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "请填写项目名称。"),
    ({"title": "倒排工期", "starts_on": str(days(30)), "deadline": str(days(10))},
     "完成时限早于开始日期。"),
    ({"title": "节点缺日期", "ms_title": ["调研"], "ms_due": [""], "ms_deliverable": [""]},
     "第 1 个节点：请填写到期日。"),
    ({"title": "节点超期", "deadline": str(days(10)), "ms_title": ["调研"],
      "ms_due": [str(days(20))], "ms_deliverable": [""]}, "第 1 个节点晚于项目完成时限。"),
    ({"title": "查无此人", "leader": "赵六"}, "没有您可见的名为“赵六”的人员。"),
    ({"title": "查无此单位", "lead_unit": "999999"}, "组织单位下没有您可见的单位“999999”。"),
])
def test_bad_input_is_named_on_the_form_and_nothing_is_created(
        client, portfolio, province_admin, fields, message):
    client.force_login(province_admin)
    before = snapshot()
    answer = client.post(f"/portfolios/{portfolio.pk}/projects/new/", plan_post(**fields))
    assert answer.status_code == 422
    assert message in text_of(answer)
    assert snapshot() == before


def test_the_rows_typed_stay_on_the_form_when_it_comes_back(client, portfolio,
                                                            province_admin):
    client.force_login(province_admin)
    answer = client.post(f"/portfolios/{portfolio.pk}/projects/new/", plan_post(
        title="", co_units=["370500"], ms_title=["需求调研"], ms_due=[str(days(30))],
        ms_deliverable=["调研报告"]))
    text = text_of(answer)
    assert 'value="需求调研"' in text and 'value="调研报告"' in text
    assert 'value="370500"' in text


def test_a_reporter_cannot_create_projects(client, portfolio, listed, reporter):
    client.force_login(reporter)
    before = snapshot()
    assert client.get(f"/portfolios/{portfolio.pk}/projects/new/").status_code == 403
    answer = client.post(f"/portfolios/{portfolio.pk}/projects/new/", plan_post(title="越权"))
    assert answer.status_code == 403
    assert snapshot() == before


def test_the_unit_and_person_fields_suggest_matches_in_scope(client, portfolio, listed,
                                                             province_admin, county_admin):
    client.force_login(province_admin)
    units = client.get(f"/portfolios/{portfolio.pk}/projects/new/units/?q=东营").json()
    assert units["options"] == ["370500 东营市", "370502 东营区"]
    people = client.get(f"/portfolios/{portfolio.pk}/projects/new/people/?q=张").json()
    assert people["options"] == ["张三（东营区）"]
    client.force_login(county_admin)  # sees only its own county
    units = client.get(f"/portfolios/{portfolio.pk}/projects/new/units/?q=东营").json()
    assert units["options"] == ["370502 东营区"]
    people = client.get(f"/portfolios/{portfolio.pk}/projects/new/people/?q=李").json()
    assert people["options"] == []


# --- editing the plan ------------------------------------------------------------------------

def edit_post(project, **fields):
    """The edit form as it comes filled (each milestone row with its hidden id), changed by
    ``fields``."""
    milestones = list(project.milestones.all())
    data = plan_post(
        code=project.code, title=project.title, category=project.category,
        goal=project.goal, measures=project.measures,
        starts_on=str(project.starts_on or ""), deadline=str(project.deadline or ""),
        owner=f"{project.owner.name}（{project.owner.unit.name}）" if project.owner else "",
        ms_id=[str(m.pk) for m in milestones],
        ms_title=[m.title for m in milestones], ms_due=[str(m.due_on) for m in milestones],
        ms_deliverable=[m.deliverable for m in milestones])
    data.update(fields)
    return data


def test_the_lead_edits_the_plan_and_milestones_in_one_form(client, running, county_admin):
    # given
    client.force_login(county_admin)
    page = client.get(f"/projects/{running.pk}/edit/")
    assert page.status_code == 200 and 'value="全面推开"' in text_of(page)
    kept = running.milestones.get(title="方案制定")
    # when: a milestone is added, the title changes
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, title="红色物业提质",
        ms_title=["方案制定", "全面推开", "总结验收", "经验推广"],
        ms_due=[str(days(-10)), str(days(5)), str(days(90)), str(days(95))],
        ms_deliverable=["", "", "", "推广方案"]))
    # then
    assert answer.status_code == 302
    running.refresh_from_db()
    assert running.title == "红色物业提质"
    milestones = list(running.milestones.all())
    assert [m.title for m in milestones] == ["方案制定", "全面推开", "总结验收", "经验推广"]
    assert milestones[0].percent == 100 and milestones[0].done_on == kept.done_on
    assert "项目已保存。" in messages_of(client)


def test_a_renamed_milestone_keeps_its_progress_and_follow_ups(client, running, county_admin,
                                                               province_admin):
    # given 方案制定 is done and 全面推开 was chased
    done = running.milestones.get(title="方案制定")
    chased = running.milestones.get(title="全面推开")
    follow_up = services.follow_up_raise(actor=province_admin, project=running, reason="加快",
                                         milestone=chased)
    client.force_login(county_admin)
    form = text_of(client.get(f"/projects/{running.pk}/edit/"))
    assert f'<input type="hidden" name="ms_id" value="{done.pk}">' in form
    # when both are renamed on their rows
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, ms_title=["实施方案", "全域推开", "总结验收"]))
    # then the same milestones carry the new titles, their progress and follow-up
    assert answer.status_code == 302
    assert list(running.milestones.values_list("pk", "title", "percent")) == [
        (done.pk, "实施方案", 100), (chased.pk, "全域推开", 0),
        (running.milestones.get(title="总结验收").pk, "总结验收", 0)]
    follow_up.refresh_from_db()
    assert follow_up.milestone_id == chased.pk


def test_a_row_naming_another_projects_milestone_edits_only_this_project(
        client, running, listed, county_admin):
    other = listed.milestones.get(title="调研摸底")
    client.force_login(county_admin)
    ids = [str(other.pk), *edit_post(running)["ms_id"][1:]]
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(running, ms_id=ids))
    assert answer.status_code == 302
    other.refresh_from_db()
    assert (other.project_id, other.title) == (listed.pk, "调研摸底")
    assert list(running.milestones.values_list("title", "percent")) == [
        ("方案制定", 100), ("全面推开", 0), ("总结验收", 0)]


def test_the_deadline_and_the_milestones_move_together(client, running, county_admin):
    # given a deadline on day 100 and 总结验收 due on day 90
    client.force_login(county_admin)
    # when the deadline moves to day 60 and 总结验收 to day 55 in the same edit
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, deadline=str(days(60)), ms_due=[str(days(-10)), str(days(5)), str(days(55))]))
    # then both are saved
    assert answer.status_code == 302, text_of(answer)
    running.refresh_from_db()
    assert running.deadline == days(60)
    assert running.milestones.get(title="总结验收").due_on == days(55)


def test_a_deadline_before_a_milestone_left_as_it_is_is_named_on_its_row(client, running,
                                                                        county_admin):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, deadline=str(days(60))))
    assert answer.status_code == 422
    row = re.findall(r'<tr data-row class="has-error">.*?</tr>', text_of(answer), re.S)
    assert len(row) == 1 and 'value="总结验收"' in row[0]
    assert "第 3 个节点晚于项目完成时限。" in row[0]
    assert snapshot() == before


def test_two_milestones_of_one_title_are_refused_on_the_row(client, running, county_admin):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, ms_title=["方案制定", "方案制定", "总结验收"]))
    assert answer.status_code == 422
    assert "第 2 个节点与前面的节点重名（“方案制定”）。" in text_of(answer)
    assert snapshot() == before


def test_a_milestone_with_progress_cannot_be_removed(client, running, county_admin):
    # given 方案制定 is done; its row is emptied, and 全面推开 (no progress) removed too
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, ms_title=["", "", "总结验收"], ms_due=["", "", str(days(90))],
        ms_deliverable=["", "", ""]))
    # then the form says why, above the milestone rows, and nothing changes
    assert answer.status_code == 409
    box = re.search(r'<div class="errorbox" role="alert" id="milestone-errors">(.*?)</div>',
                    text_of(answer), re.S).group(1)
    assert "“方案制定”已有进展或督办，不能删除。" in box
    assert snapshot() == before


def test_a_milestone_without_history_is_removed(client, running, county_admin):
    client.force_login(county_admin)
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, ms_title=["方案制定", "", "总结验收"], ms_due=[str(days(-10)), "", str(days(90))],
        ms_deliverable=["", "", ""]))
    assert answer.status_code == 302
    assert list(running.milestones.values_list("title", flat=True)) == ["方案制定", "总结验收"]


def test_an_edit_of_the_plan_alone_keeps_the_milestones_and_their_follow_ups(
        client, running, county_admin, province_admin):
    milestone = running.milestones.get(title="全面推开")
    follow_up = services.follow_up_raise(actor=province_admin, project=running,
                                         reason="加快", milestone=milestone)
    client.force_login(county_admin)
    client.post(f"/projects/{running.pk}/edit/", edit_post(running, goal="覆盖全区"))
    running.refresh_from_db()
    assert running.goal == "覆盖全区"
    assert running.milestones.filter(pk=milestone.pk).exists()
    assert FollowUp.objects.filter(pk=follow_up.pk).exists()


def test_an_edit_with_a_deadline_before_the_start_changes_nothing(client, running,
                                                                   county_admin):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, title="改名", deadline=str(days(-90)), ms_title=["新节点"],
        ms_due=[str(days(1))], ms_deliverable=[""]))
    assert answer.status_code == 422
    assert "完成时限早于开始日期。" in text_of(answer)
    assert snapshot() == before


def test_a_plan_that_passes_but_milestones_that_do_not_change_neither(client, running,
                                                                       county_admin):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(
        running, title="改名", ms_title=["", "新节点"], ms_due=[str(days(1)), str(days(2))],
        ms_deliverable=["", ""]))
    assert answer.status_code == 422
    assert "第 1 个节点没有名称。" in text_of(answer)
    assert snapshot() == before


def test_the_lead_cannot_edit_while_the_project_is_under_review(client, portfolio,
                                                                county_admin, tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("待审项目"))
    services.project_step(actor=county_admin, project=project, step="submit")
    client.force_login(county_admin)
    before = snapshot()
    page = client.get(f"/projects/{project.pk}/edit/")
    assert page.status_code == 302
    assert "您现在不能修改该项目。" in messages_of(client)
    answer = client.post(f"/projects/{project.pk}/edit/", edit_post(project, title="改名"))
    assert answer.status_code == 403
    assert "您现在不能修改该项目。" in text_of(answer)
    assert snapshot() == before


def test_a_finished_project_shows_why_it_cannot_be_edited(client, running, province_admin):
    services.project_step(actor=province_admin, project=running, step="terminate",
                          note="撤并")
    client.force_login(province_admin)
    answer = client.post(f"/projects/{running.pk}/edit/", edit_post(running, title="改名"))
    assert answer.status_code == 409
    assert "该项目已结束，不能再修改。" in text_of(answer)
    running.refresh_from_db()
    assert running.title == "红色物业"


# --- lifecycle steps -------------------------------------------------------------------------

def test_steps_move_a_proposal_from_submission_to_start(client, portfolio, county_admin,
                                                        province_admin, tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("自提项目"))
    client.force_login(county_admin)
    assert 'id="step-submit"' in text_of(client.get(f"/projects/{project.pk}/"))
    answer = client.post(f"/projects/{project.pk}/step/", {"step": "submit"})
    assert answer.status_code == 302
    assert "已“提交立项”，项目现为“审核中”。" in messages_of(client)
    client.force_login(province_admin)
    page = text_of(client.get(f"/projects/{project.pk}/"))
    assert 'id="step-approve"' in page and 'id="step-return"' in page
    client.post(f"/projects/{project.pk}/step/", {"step": "approve"})
    project.refresh_from_db()
    assert project.state == ProjectState.APPROVED


def test_returning_without_a_reason_is_refused_on_the_step_form(client, portfolio,
                                                                county_admin, province_admin,
                                                                tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("自提项目"))
    services.project_step(actor=county_admin, project=project, step="submit")
    client.force_login(province_admin)
    before = snapshot()
    answer = client.post(f"/projects/{project.pk}/step/", {"step": "return", "note": "  "})
    assert answer.status_code == 422
    assert "此操作需要填写理由。" in text_of(answer)
    assert snapshot() == before
    client.post(f"/projects/{project.pk}/step/", {"step": "return", "note": "目标不具体"})
    project.refresh_from_db()
    assert (project.state, project.review_note) == (ProjectState.RETURNED, "目标不具体")


def test_acceptance_takes_a_grade(client, running, county_admin, province_admin):
    services.project_step(actor=county_admin, project=running, step="request_acceptance")
    client.force_login(province_admin)
    answer = client.post(f"/projects/{running.pk}/step/", {"step": "accept"})
    assert answer.status_code == 422 and "请选择验收等次。" in text_of(answer)
    client.post(f"/projects/{running.pk}/step/", {"step": "accept", "grade": "excellent"})
    running.refresh_from_db()
    assert (running.state, running.grade) == (ProjectState.ACCEPTED, "excellent")


def test_the_lead_cannot_take_the_organizers_step(client, running, county_admin):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/step/", {"step": "terminate",
                                                           "note": "不想做了"})
    assert answer.status_code == 403
    assert snapshot() == before


def test_a_step_from_the_wrong_state_says_so(client, running, province_admin):
    client.force_login(province_admin)
    answer = client.post(f"/projects/{running.pk}/step/", {"step": "approve"})
    assert answer.status_code == 409
    assert "该项目处于“推进中”状态，现在不能这样操作。" in text_of(answer)
    running.refresh_from_db()
    assert running.state == ProjectState.IN_PROGRESS


# --- claims (认项) ---------------------------------------------------------------------------

def test_a_county_claims_a_listed_project_and_the_organizer_approves(
        client, listed, county_admin, province_admin, tree):
    # given
    client.force_login(county_admin)
    page = text_of(client.get(f"/projects/{listed.pk}/"))
    assert 'id="claim-form"' in page and "认领本项目" in page
    # when the county claims
    answer = client.post(f"/projects/{listed.pk}/claims/", {"unit": tree.county_a.pk,
                                                            "plan": "我区先行先试"})
    assert answer.status_code == 302
    claim = Claim.objects.get(project=listed)
    assert (claim.unit, claim.state, claim.plan) == (tree.county_a, ClaimState.APPLIED,
                                                     "我区先行先试")
    # and the organizer approves
    client.force_login(province_admin)
    assert f'/claims/{claim.pk}/decide/' in text_of(client.get(f"/projects/{listed.pk}/"))
    client.post(f"/projects/{listed.pk}/claims/{claim.pk}/decide/",
                {"decision": "approve", "note": "同意"})
    # then
    listed.refresh_from_db()
    claim.refresh_from_db()
    assert (claim.state, claim.decision_note) == (ClaimState.APPROVED, "同意")
    assert (listed.lead_unit, listed.state) == (tree.county_a, ProjectState.APPROVED)
    assert "已通过 东营区 的认领。" in messages_of(client)


def test_a_claim_without_a_plan_is_refused_on_the_form(client, listed, county_admin, tree):
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{listed.pk}/claims/", {"unit": tree.county_a.pk,
                                                            "plan": " "})
    assert answer.status_code == 422
    assert "请填写实施计划。" in text_of(answer)
    assert snapshot() == before


def test_the_organizer_declines_a_claim_with_a_note(client, listed, county_admin,
                                                    province_admin, tree):
    claim = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                 plan="试试")
    client.force_login(province_admin)
    client.post(f"/projects/{listed.pk}/claims/{claim.pk}/decide/",
                {"decision": "decline", "note": "基础不足"})
    claim.refresh_from_db()
    assert (claim.state, claim.decision_note) == (ClaimState.DECLINED, "基础不足")
    listed.refresh_from_db()
    assert listed.lead_unit is None


def test_the_claimant_cannot_decide_its_own_claim(client, listed, county_admin, tree):
    claim = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                 plan="我区承接")
    client.force_login(county_admin)
    before = snapshot()
    answer = client.post(f"/projects/{listed.pk}/claims/{claim.pk}/decide/",
                         {"decision": "approve"})
    assert answer.status_code == 403
    assert snapshot() == before


def test_a_reporter_cannot_claim(client, listed, reporter, tree):
    client.force_login(reporter)
    assert 'id="claim-form"' not in text_of(client.get(f"/projects/{listed.pk}/"))
    before = snapshot()
    answer = client.post(f"/projects/{listed.pk}/claims/", {"unit": tree.county_a.pk,
                                                            "plan": "越权"})
    assert answer.status_code == 403
    assert snapshot() == before


def test_another_county_neither_sees_nor_decides_a_countys_claim(client, listed, county_admin,
                                                                 outsider, tree):
    claim = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                 plan="东营区的方案")
    client.force_login(outsider)  # county B sees the listed project, not county A's claim
    page = text_of(client.get(f"/projects/{listed.pk}/"))
    assert "东营区的方案" not in page
    answer = client.post(f"/projects/{listed.pk}/claims/{claim.pk}/decide/",
                         {"decision": "decline"})
    assert answer.status_code == 404
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPLIED


# --- progress reports and files --------------------------------------------------------------

def test_the_lead_reports_progress_with_a_photo_and_the_page_shows_it(client, running,
                                                                      reporter):
    # given
    milestone = running.milestones.get(title="全面推开")
    client.force_login(reporter)
    form = text_of(client.get(f"/projects/{running.pk}/report/"))
    assert f'name="percent_{milestone.pk}"' in form and 'multiple' in form
    # when
    answer = client.post(f"/projects/{running.pk}/report/", {
        "text": "三个小区完成改造", f"percent_{milestone.pk}": "60",
        "files": [SimpleUploadedFile("现场.jpg", PHOTO, content_type="image/jpeg"),
                  SimpleUploadedFile("方案.pdf", b"%PDF-1.4", content_type="application/pdf")]})
    # then
    assert answer.status_code == 302
    milestone.refresh_from_db()
    assert milestone.percent == 60
    update = ProgressUpdate.objects.get(project=running)
    photo, pdf = update.attachments.order_by("name")
    assert {photo.name, pdf.name} == {"现场.jpg", "方案.pdf"}
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert "三个小区完成改造" in page and "全面推开 → <strong>60%</strong>" in page
    image = update.attachments.get(name="现场.jpg")
    assert f'<img src="/projects/{running.pk}/files/{image.pk}/"' in page
    assert 'id="project-percent">53%' in page  # (100 + 60 + 0) / 3
    assert "进度报告已报送。" in page


def test_a_percent_going_down_is_refused_and_nothing_changes(client, running, reporter):
    milestone = running.milestones.get(title="全面推开")
    services.progress_report(actor=reporter, project=running, text="过半",
                             percents={milestone.pk: 50})
    client.force_login(reporter)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/report/", {
        "text": "回调", f"percent_{milestone.pk}": "40",
        "files": [SimpleUploadedFile("现场.jpg", PHOTO)]})
    assert answer.status_code == 422
    assert "“全面推开”已达到 50%。" in text_of(answer)
    assert snapshot() == before


def test_an_exe_file_is_refused_and_nothing_changes(client, running, reporter):
    client.force_login(reporter)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/report/", {
        "text": "附件", "files": [SimpleUploadedFile("tool.exe", b"MZ\x90\x00")]})
    assert answer.status_code == 422
    assert "“tool.exe”：只能上传照片、PDF 或 Office 文件。" in text_of(answer)
    assert snapshot() == before


def test_a_report_without_text_is_refused(client, running, reporter):
    client.force_login(reporter)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/report/", {"text": ""})
    assert answer.status_code == 422 and "请填写进展情况。" in text_of(answer)
    assert snapshot() == before


def test_one_who_only_watches_the_project_reports_nothing(client, running, inspector):
    client.force_login(inspector)
    before = snapshot()
    assert client.get(f"/projects/{running.pk}/").status_code == 200
    assert client.get(f"/projects/{running.pk}/report/").status_code == 403
    assert client.post(f"/projects/{running.pk}/report/",
                       {"text": "代报"}).status_code == 403
    assert snapshot() == before


def test_a_project_not_running_takes_no_report(client, portfolio, county_admin, tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("草稿"))
    client.force_login(county_admin)
    assert client.get(f"/projects/{project.pk}/report/").status_code == 302
    assert "项目实施期间才能报送进度。" in messages_of(client)


@pytest.fixture
def photo(running, reporter):
    update = services.progress_report(actor=reporter, project=running, text="现场",
                                      files=[SimpleUploadedFile("现场.jpg", PHOTO)])
    return update.attachments.get()


@pytest.mark.parametrize("who", ["reporter", "county_admin", "province_admin"])
def test_the_lead_and_the_organizer_open_a_photo(client, running, photo, who, request):
    client.force_login(request.getfixturevalue(who))
    answer = client.get(f"/projects/{running.pk}/files/{photo.pk}/")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PHOTO
    assert answer["Content-Type"] == "image/jpeg"


def test_a_file_other_than_a_photo_is_downloaded(client, running, reporter):
    update = services.progress_report(actor=reporter, project=running, text="方案",
                                      files=[SimpleUploadedFile("方案.docx", b"PK\x03\x04")])
    client.force_login(reporter)
    answer = client.get(f"/projects/{running.pk}/files/{update.attachments.get().pk}/")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")


def test_an_outsider_cannot_open_a_photo(client, running, photo, outsider):
    client.force_login(outsider)
    assert client.get(f"/projects/{running.pk}/files/{photo.pk}/").status_code == 404


def test_a_photo_is_not_reached_through_another_project(client, running, photo, listed,
                                                        province_admin):
    client.force_login(province_admin)
    assert client.get(f"/projects/{listed.pk}/files/{photo.pk}/").status_code == 404


# --- follow-ups (督办) -----------------------------------------------------------------------

def test_the_organizer_raises_a_follow_up_prefilled_for_the_milestone_at_risk(
        client, running, province_admin, county_admin, tree):
    # given: 全面推开 is due in 5 days at 0%; the owner 张三 has an account
    owner_account = user_with_role(Role.REPORTER, tree.county_a, username="zhangsan",
                                   person=tree.person_a)
    milestone = running.milestones.get(title="全面推开")
    client.force_login(province_admin)
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert "节点“全面推开”将于" in page
    # when
    answer = client.post(f"/projects/{running.pk}/follow-ups/", {
        "reason": "请加快全面推开", "milestone": milestone.pk})
    # then
    assert answer.status_code == 302
    follow_up = FollowUp.objects.get(project=running)
    assert (follow_up.reason, follow_up.milestone) == ("请加快全面推开", milestone)
    assert Notification.objects.filter(recipient=owner_account,
                                       kind="projects.follow_up").exists()
    # and the lead unit replies
    client.force_login(county_admin)
    client.post(f"/projects/{running.pk}/follow-ups/{follow_up.pk}/reply/",
                {"reply": "本周完成"})
    follow_up.refresh_from_db()
    assert follow_up.reply == "本周完成" and follow_up.replied_at is not None
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert "请加快全面推开" in page and "本周完成" in page


def test_a_follow_up_without_a_reason_is_refused(client, running, province_admin):
    client.force_login(province_admin)
    before = snapshot()
    answer = client.post(f"/projects/{running.pk}/follow-ups/", {"reason": ""})
    assert answer.status_code == 422 and "请填写督办事由。" in text_of(answer)
    assert snapshot() == before


def test_the_lead_cannot_raise_and_a_watcher_cannot_reply(client, running, county_admin,
                                                          province_admin, inspector):
    follow_up = services.follow_up_raise(actor=province_admin, project=running, reason="加快")
    before = snapshot()
    client.force_login(county_admin)
    assert client.post(f"/projects/{running.pk}/follow-ups/",
                       {"reason": "自己督办自己"}).status_code == 403
    client.force_login(inspector)
    assert client.post(f"/projects/{running.pk}/follow-ups/{follow_up.pk}/reply/",
                       {"reply": "代答"}).status_code == 403
    assert snapshot() == before


def test_an_empty_reply_is_refused_on_its_form(client, running, county_admin,
                                               province_admin):
    follow_up = services.follow_up_raise(actor=province_admin, project=running, reason="加快")
    client.force_login(county_admin)
    answer = client.post(f"/projects/{running.pk}/follow-ups/{follow_up.pk}/reply/",
                         {"reply": ""})
    assert answer.status_code == 422 and "请填写回复。" in text_of(answer)
    follow_up.refresh_from_db()
    assert follow_up.replied_at is None


# --- recognition and the page ----------------------------------------------------------------

def test_the_organizer_marks_a_landmark_achievement(client, running, province_admin):
    client.force_login(province_admin)
    client.post(f"/projects/{running.pk}/recognize/", {"outstanding": "on",
                                                       "replication_case": "on"})
    running.refresh_from_db()
    assert running.outstanding and running.replication_case
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert 'id="badge-outstanding">标志性成果' in page
    assert 'id="badge-replication">复制推广案例' in page


def test_the_lead_cannot_recognize_its_own_project(client, running, county_admin):
    client.force_login(county_admin)
    before = snapshot()
    assert client.post(f"/projects/{running.pk}/recognize/",
                       {"outstanding": "on"}).status_code == 403
    assert snapshot() == before


def test_the_page_places_the_milestones_on_a_timeline(client, running, county_admin):
    client.force_login(county_admin)
    page = text_of(client.get(f"/projects/{running.pk}/"))
    timeline = page.split('id="milestone-timeline"', 1)[1].split('id="milestones"', 1)[0]
    # 方案制定 (done), 全面推开 (at risk), 总结验收 (not due), between start and deadline
    assert timeline.count('class="ms-mark') == 3
    assert 'ms-mark ms-done" style="left: 31.25%"' in timeline  # day 50 of 160
    assert 'ms-mark ms-at_risk ms-below" style="left: 40.62%"' in timeline
    assert 'class="ms-today" style="left: 37.5%"' in timeline
    assert f"{days(-60):%Y-%m-%d}" in timeline and f"{days(100):%Y-%m-%d}" in timeline


def test_the_actions_offered_follow_the_role(client, running, county_admin, province_admin,
                                             inspector, outsider):
    client.force_login(county_admin)
    lead = text_of(client.get(f"/projects/{running.pk}/"))
    assert f'href="/portfolios/{running.portfolio_id}/" id="portfolio-link"' in lead
    assert 'id="report-progress"' in lead and 'id="edit-project"' in lead
    assert 'id="step-request_acceptance"' in lead and 'id="step-terminate"' not in lead
    assert 'id="follow-up-form"' not in lead and 'id="recognize-form"' not in lead
    client.force_login(province_admin)
    organizer = text_of(client.get(f"/projects/{running.pk}/"))
    assert 'id="follow-up-form"' in organizer and 'id="recognize-form"' in organizer
    assert 'id="step-terminate"' in organizer
    client.force_login(inspector)  # sees the project, takes no action
    watcher = text_of(client.get(f"/projects/{running.pk}/"))
    assert 'id="steps"' not in watcher and 'id="report-progress"' not in watcher
    assert 'id="edit-project"' not in watcher and 'id="follow-up-form"' not in watcher
    client.force_login(outsider)
    assert client.get(f"/projects/{running.pk}/").status_code == 404


@pytest.mark.parametrize("reports", [1, 6])
def test_the_project_page_reads_as_many_queries_whatever_its_history(
        client, running, reporter, province_admin, django_assert_num_queries, reports):
    for n in range(reports):
        services.progress_report(actor=reporter, project=running, text=f"第{n}次",
                                 files=[SimpleUploadedFile(f"{n}.jpg", PHOTO)])
        services.follow_up_raise(actor=province_admin, project=running, reason=f"督办{n}")
    client.force_login(reporter)
    # session, user, grants, project, milestones, last report, claims, follow-ups, reports,
    # their files, the unread notifications, the co-units
    with django_assert_num_queries(12):
        assert client.get(f"/projects/{running.pk}/").status_code == 200


@pytest.mark.parametrize("reports", [1, 6])
def test_the_organizers_page_reads_as_many_queries_whatever_its_history(
        client, running, listed, reporter, county_admin, outsider, province_admin, tree,
        django_assert_num_queries, reports):
    """The organizer sees the claims, the follow-up form (with its milestones) and the
    recognition form besides."""
    for n in range(reports):
        services.progress_report(actor=reporter, project=running, text=f"第{n}次",
                                 files=[SimpleUploadedFile(f"{n}.jpg", PHOTO)])
        services.follow_up_raise(actor=province_admin, project=running, reason=f"督办{n}",
                                 milestone=running.milestones.first())
        services.follow_up_reply(actor=county_admin, follow_up=FollowUp.objects.latest("pk"),
                                 reply=f"已办{n}")
    running.co_units.add(tree.township_a1, tree.county_b)
    client.force_login(province_admin)
    # the lead's twelve queries, and the milestones the follow-up form offers
    with django_assert_num_queries(13):
        page = client.get(f"/projects/{running.pk}/")
    assert 'id="follow-up-form"' in text_of(page) and 'id="recognize-form"' in text_of(page)
    # and a listed project with its claims (no report: no files to read)
    services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a, plan="方案")
    services.claim_apply(actor=outsider, project=listed, unit=tree.county_b, plan="方案")
    with django_assert_num_queries(12):
        page = client.get(f"/projects/{listed.pk}/")
    assert text_of(page).count('class="decision-form"') == 2


def test_a_terminated_project_says_so_rather_than_done(client, running, province_admin):
    services.project_step(actor=province_admin, project=running, step="terminate", note="撤并")
    client.force_login(province_admin)
    page = text_of(client.get(f"/projects/{running.pk}/"))
    title = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert 'class="tag state-terminated" id="project-state">已终止<' in title
    assert "已完成" not in title and 'id="project-health"' not in title


def test_a_heic_photo_shows_in_the_page(client, running, reporter):
    services.progress_report(actor=reporter, project=running, text="现场",
                             files=[SimpleUploadedFile("现场.HEIC", PHOTO)])
    photo = Attachment.objects.get()
    client.force_login(reporter)
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert f'<img src="/projects/{running.pk}/files/{photo.pk}/" alt="现场.HEIC"' in page


def test_a_project_without_milestones_has_no_timeline(client, listed, province_admin):
    services.milestones_replace(actor=province_admin, project=listed, milestones=[])
    client.force_login(province_admin)
    page = text_of(client.get(f"/projects/{listed.pk}/"))
    assert 'id="milestone-timeline"' not in page
    assert "尚无节点。" in page


def test_the_accept_form_proposes_the_grade_of_the_final_acceptance_panel(
        client, running, county_admin, province_admin, tree):
    from pacesetter.projects.services import JudgeData

    services.project_step(actor=county_admin, project=running, step="request_acceptance")
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, title="终期验收评审", held_on=days(0),
        criteria=[{"code": "t", "name": "综合", "max": 100}], purpose="final",
        drop_highest=0, drop_lowest=0)
    judges = services.judges_add(actor=province_admin, roadshow=roadshow,
                                 judges=[JudgeData("专家甲"), JudgeData("专家乙")])
    (presentation,) = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                                 projects=[running])
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    for judge, total in zip(judges, (88, 92), strict=True):
        services.score_submit(judge=judge, presentation_id=presentation.pk,
                              points={"t": total}, grade="good")
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    client.force_login(province_admin)
    page = text_of(client.get(f"/projects/{running.pk}/"))
    assert "“终期验收评审”" in page and "评审得分 90.00，排名第 1 / 1" in page
    assert re.search(r'<option value="good" selected>良好</option>', page)
