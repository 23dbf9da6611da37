"""The projects API: every operation's happy path changes the database as specified; bad input
is 422 naming the field in Chinese and changes nothing; a role that may see but not act gets
403, another county 404; judges score through their link without logging in."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import Role
from pacesetter.orgs.tokens import token_issue
from pacesetter.projects import services
from pacesetter.projects.models import (
    Attachment,
    Claim,
    FollowUp,
    Portfolio,
    PresentationState,
    ProgressUpdate,
    Project,
    Score,
)
from pacesetter.projects.services import JudgeData, ProjectData
from tests.factories import user_with_role
from tests.projects.conftest import TODAY, days


def call(client, user, method, url, body=None, **query):
    """An API call as ``user`` (Bearer token), or without login when ``user`` is None."""
    headers = {"Authorization": f"Bearer {token_issue(user=user)[1]}"} if user else {}
    if method == "get":
        return client.get(f"/api/v1{url}", query, headers=headers)
    return getattr(client, method)(f"/api/v1{url}", data=json.dumps(body),
                                   content_type="application/json", headers=headers)


def errors_of(answer) -> dict[str, str]:
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


# ---------------------------------------------------------------------------------------------
# portfolios


def test_portfolios_are_listed_and_detailed_with_health_counts(client, portfolio, listed,
                                                               running, province_admin,
                                                               county_admin):
    # when
    listing = call(client, province_admin, "get", "/projects/portfolios").json()
    detail = call(client, province_admin, "get", f"/projects/portfolios/{portfolio.pk}").json()
    seen_by_county = call(client, county_admin, "get", f"/projects/portfolios/{portfolio.pk}")
    # then
    assert [p["title"] for p in listing["items"]] == ["2022 组织工作创新年"]
    assert listing["items"][0]["cadence_label"] == "每周"
    assert detail["can_run"] is True and detail["owner_name"] == "山东省"
    # 红色物业: 全面推开 due in 5 days at 0% is at risk; the listed one is on track
    assert detail["health_counts"] == {"overdue": 0, "at_risk": 1, "on_track": 1, "done": 0}
    assert detail["categories"] == ["基层党建"]
    assert seen_by_county.status_code == 200 and seen_by_county.json()["can_run"] is False


def test_a_portfolio_is_created_for_a_unit_the_caller_administers(client, tree, county_admin):
    # when
    answer = call(client, county_admin, "post", "/projects/portfolios", {
        "owner_id": tree.county_a.pk, "title": "2026 党建创新年", "year": 2026,
        "cadence": "monthly", "at_risk_days": 7})
    # then
    assert answer.status_code == 201, answer.content
    portfolio = Portfolio.objects.get(pk=answer.json()["id"])
    assert (portfolio.owner, portfolio.title, portfolio.at_risk_days) == (
        tree.county_a, "2026 党建创新年", 7)
    assert answer.json()["health_counts"] == {"overdue": 0, "at_risk": 0, "on_track": 0,
                                              "done": 0}
    assert AuditEntry.objects.filter(object_id=str(portfolio.pk), action="create").exists()


def test_a_bad_portfolio_is_422_naming_the_fields_in_chinese(client, tree, county_admin):
    # when
    answer = call(client, county_admin, "post", "/projects/portfolios", {
        "owner_id": tree.county_a.pk, "title": "  ", "year": 1999, "cadence": "yearly"})
    # then
    assert answer.status_code == 422
    errors = errors_of(answer)
    assert set(errors) == {"title", "year", "cadence"}
    assert errors["title"] == "请至少输入 1 个字符。"
    assert answer.json()["detail"] == "请更正下列错误。"
    assert not Portfolio.objects.exists()


def test_a_reporter_may_not_create_a_portfolio_and_another_county_is_not_found(
        client, tree, reporter, outsider):
    body = {"owner_id": tree.county_a.pk, "title": "创新年", "year": 2026}
    assert call(client, reporter, "post", "/projects/portfolios", body).status_code == 403
    assert call(client, outsider, "post", "/projects/portfolios", body).status_code == 404
    assert not Portfolio.objects.exists()


# ---------------------------------------------------------------------------------------------
# a portfolio's projects


def test_the_project_list_carries_derived_health_and_filters(client, portfolio, listed, running,
                                                             province_admin, tree):
    url = f"/projects/portfolios/{portfolio.pk}/projects"
    # when
    everything = call(client, province_admin, "get", url).json()
    at_risk = call(client, province_admin, "get", url, health="at_risk").json()
    open_for_claims = call(client, province_admin, "get", url, state="listed").json()
    of_county_a = call(client, province_admin, "get", url, unit=tree.county_a.pk).json()
    by_text = call(client, province_admin, "get", url, q="物业").json()
    by_category = call(client, province_admin, "get", url, category="基层党建").json()
    # then
    assert everything["count"] == 2
    red = next(p for p in everything["items"] if p["title"] == "红色物业")
    assert (red["health"], red["health_label"], red["percent"]) == ("at_risk", "有风险", 33)
    assert (red["state"], red["state_label"]) == ("in_progress", "推进中")
    assert red["lead_unit_name"] == "东营区" and red["owner_name"] == "张三"
    assert [(m["title"], m["state"]) for m in red["milestones"]] == [
        ("方案制定", "done"), ("全面推开", "at_risk"), ("总结验收", "not_due")]
    assert red["milestones"][0]["state_label"] == "已完成"
    assert red["deadline"] == days(100).isoformat()
    assert [p["title"] for p in at_risk["items"]] == ["红色物业"]
    assert [p["title"] for p in open_for_claims["items"]] == ["党建引领基层治理"]
    assert [p["title"] for p in of_county_a["items"]] == ["红色物业"]
    assert [p["title"] for p in by_text["items"]] == ["红色物业"]
    assert [p["title"] for p in by_category["items"]] == ["党建引领基层治理"]


def test_a_bad_filter_is_422_naming_it(client, portfolio, province_admin):
    answer = call(client, province_admin, "get", f"/projects/portfolios/{portfolio.pk}/projects",
                  health="fine")
    assert answer.status_code == 422 and set(errors_of(answer)) == {"health"}


def test_the_project_list_costs_the_same_queries_for_many_projects(
        client, portfolio, province_admin, django_assert_max_num_queries):
    url = f"/projects/portfolios/{portfolio.pk}/projects"
    headers = {"Authorization": f"Bearer {token_issue(user=province_admin)[1]}"}
    for n in range(2):
        services.project_create(actor=province_admin, portfolio=portfolio,
                                data=ProjectData(f"项目{n}"),
                                milestones=[services.MilestoneData("节点", days(30))])
    with django_assert_max_num_queries(12) as few:
        client.get(f"/api/v1{url}", headers=headers)
    for n in range(2, 20):
        services.project_create(actor=province_admin, portfolio=portfolio,
                                data=ProjectData(f"项目{n}"),
                                milestones=[services.MilestoneData("节点", days(30))])
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = client.get(f"/api/v1{url}", headers=headers)
    assert answer.json()["count"] == 20


def test_the_organizer_creates_a_project_with_milestones(client, portfolio, province_admin,
                                                         tree):
    # when
    answer = call(client, province_admin, "post", f"/projects/portfolios/{portfolio.pk}/projects",
                  {"title": "智慧党建", "category": "数字化", "deadline": days(90).isoformat(),
                   "leader_id": tree.person_a.pk, "co_unit_ids": [tree.county_b.pk],
                   "tags": ["数字", " "], "budget": "12.50",
                   "milestones": [{"title": "平台上线", "due_on": days(30).isoformat(),
                                   "deliverable": "系统"},
                                  {"title": "全面推广", "due_on": days(80).isoformat()}]})
    # then
    assert answer.status_code == 201, answer.content
    body = answer.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.title, project.state, project.proposed_by, project.leader) == (
        "智慧党建", "draft", tree.province, tree.person_a)
    assert list(project.co_units.all()) == [tree.county_b]
    assert project.tags == ["数字"] and str(project.budget) == "12.50"
    assert list(project.milestones.values_list("title", "position")) == [("平台上线", 1),
                                                                       ("全面推广", 2)]
    assert body["state_label"] == "草稿"
    # the province both organizes and, having proposed it, leads its own project
    assert body["roles"] == ["lead", "organizer"]
    assert {s["name"] for s in body["steps"]} == {"list", "submit"}
    assert body["milestones"][0]["deliverable"] == "系统"


def test_a_county_proposes_a_project_it_then_leads(client, portfolio, running, county_admin,
                                                   tree):
    answer = call(client, county_admin, "post", f"/projects/portfolios/{portfolio.pk}/projects",
                  {"title": "村级议事", "proposed_by_id": tree.county_a.pk})
    assert answer.status_code == 201, answer.content
    project = Project.objects.get(pk=answer.json()["id"])
    assert project.lead_unit == tree.county_a and project.proposed_by == tree.county_a
    assert [s["name"] for s in answer.json()["steps"]] == ["submit"]


def test_a_bad_project_is_422_naming_each_field_and_creates_nothing(client, portfolio,
                                                                    province_admin):
    url = f"/projects/portfolios/{portfolio.pk}/projects"
    # a schema error: the title is missing, a percent is above 100
    answer = call(client, province_admin, "post", url, {"milestones": [
        {"title": "节点", "due_on": days(3).isoformat(), "percent": 120}]})
    assert answer.status_code == 422
    errors = errors_of(answer)
    assert errors["title"] == "此项为必填项。"
    assert errors["milestones.0.percent"] == "请输入不大于 100 的值。"
    # a domain error: a milestone after the deadline
    answer = call(client, province_admin, "post", url, {
        "title": "智慧党建", "deadline": days(10).isoformat(),
        "milestones": [{"title": "节点", "due_on": days(30).isoformat()}]})
    assert answer.status_code == 422
    assert errors_of(answer) == {"milestones.1": "第 1 个节点晚于项目完成时限。"}
    assert not Project.objects.exists()


def test_who_sees_a_portfolio_but_does_not_organize_it_may_not_create_for_it(
        client, portfolio, running, reporter, outsider, county_admin, tree):
    url = f"/projects/portfolios/{portfolio.pk}/projects"
    # a reporter of county A, and county B (both under the province), see the portfolio
    assert call(client, reporter, "post", url, {"title": "越权"}).status_code == 403
    assert call(client, outsider, "post", url, {"title": "越权"}).status_code == 403
    # county A's own portfolio is not found from county B
    own = services.portfolio_create(actor=county_admin, owner=tree.county_a, title="东营区创新",
                                    year=2026)
    answer = call(client, outsider, "post", f"/projects/portfolios/{own.pk}/projects",
                  {"title": "越权"})
    assert answer.status_code == 404 and answer.json()["detail"] == "未找到项目清单。"
    assert not Project.objects.filter(title="越权").exists()


# ---------------------------------------------------------------------------------------------
# a project


def test_the_project_in_full(client, running, county_admin, province_admin, reporter):
    services.progress_report(actor=reporter, project=running, text="完成方案",
                             reported_at=timezone.now() - datetime.timedelta(days=10))
    # when
    body = call(client, county_admin, "get", f"/projects/{running.pk}").json()
    # then
    assert (body["title"], body["health"], body["percent"]) == ("红色物业", "at_risk", 33)
    assert body["report_late"] is True  # weekly cadence, last report 10 days ago
    assert body["next_report_due"] == (TODAY - datetime.timedelta(days=3)).isoformat()
    assert body["roles"] == ["lead"]
    assert [(s["name"], s["label"]) for s in body["steps"]] == [
        ("request_acceptance", "申请验收")]
    assert body["portfolio_title"] == "2022 组织工作创新年"
    assert body["proposed_by_name"] == "东营区"
    organizer_view = call(client, province_admin, "get", f"/projects/{running.pk}").json()
    assert organizer_view["roles"] == ["lead", "organizer"]  # the province reaches county A
    assert {s["name"] for s in organizer_view["steps"]} == {"terminate", "request_acceptance"}


def test_a_unit_sees_its_own_claims_the_organizer_sees_all(client, listed, county_admin,
                                                           outsider, province_admin, tree):
    services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a, plan="我区承接")
    services.claim_apply(actor=outsider, project=listed, unit=tree.county_b, plan="我区也承接")
    units = {}
    for user in (county_admin, outsider, province_admin):
        body = call(client, user, "get", f"/projects/{listed.pk}").json()
        units[user.username] = sorted(c["unit_name"] for c in body["claims"])
    assert units == {"county_admin": ["东营区"], "outsider": ["河口区"],
                     "province_admin": ["东营区", "河口区"]}


def test_a_project_of_another_county_is_not_found(client, running, outsider):
    answer = call(client, outsider, "get", f"/projects/{running.pk}")
    assert answer.status_code == 404 and answer.json()["detail"] == "未找到项目。"


def test_a_patch_changes_only_the_fields_sent(client, running, county_admin, tree):
    # when
    answer = call(client, county_admin, "patch", f"/projects/{running.pk}",
                  {"goal": "物业服务全覆盖", "leader_id": tree.person_a.pk, "budget": None})
    # then
    assert answer.status_code == 200, answer.content
    running.refresh_from_db()
    assert (running.goal, running.leader, running.title, running.owner) == (
        "物业服务全覆盖", tree.person_a, "红色物业", tree.person_a)
    assert running.deadline == days(100) and running.lead_unit == tree.county_a
    assert answer.json()["goal"] == "物业服务全覆盖"
    assert AuditEntry.objects.filter(object_id=str(running.pk), action="update").count() >= 1


def test_a_bad_patch_is_422_and_changes_nothing(client, running, county_admin):
    # when: a start after the deadline (day 100)
    answer = call(client, county_admin, "patch", f"/projects/{running.pk}",
                  {"starts_on": days(150).isoformat(), "goal": "改"})
    # then
    assert answer.status_code == 422
    assert errors_of(answer) == {"deadline": "完成时限早于开始日期。"}
    running.refresh_from_db()
    assert running.starts_on == days(-60) and running.goal == ""
    # an unknown field is refused too
    answer = call(client, county_admin, "patch", f"/projects/{running.pk}", {"state": "accepted"})
    assert answer.status_code == 422 and set(errors_of(answer)) == {"state"}


def test_a_finished_project_no_longer_changes(client, running, county_admin, province_admin):
    services.project_step(actor=province_admin, project=running, step="terminate", note="撤销")
    answer = call(client, province_admin, "patch", f"/projects/{running.pk}", {"goal": "改"})
    assert answer.status_code == 409 and answer.json()["detail"] == "该项目已结束，不能再修改。"


def test_milestones_are_replaced_keeping_progress(client, running, county_admin):
    # when
    answer = call(client, county_admin, "put", f"/projects/{running.pk}/milestones", {
        "milestones": [{"title": "方案制定", "due_on": days(-10).isoformat()},
                       {"title": "试点", "due_on": days(40).isoformat(), "deliverable": "报告"}]})
    # then
    assert answer.status_code == 200, answer.content
    assert list(running.milestones.values_list("title", "percent", "deliverable")) == [
        ("方案制定", 100, ""), ("试点", 0, "报告")]
    assert [m["state"] for m in answer.json()["milestones"]] == ["done", "not_due"]


def test_a_deadline_moves_before_the_milestones_only_with_them(client, running, county_admin):
    """The milestones (days -10, 5 and 90) are checked against the new deadline: 总结验收 is
    late for a deadline on day 60, unless the same patch moves it."""
    ids = dict(running.milestones.values_list("title", "pk"))
    # when the deadline alone moves
    alone = call(client, county_admin, "patch", f"/projects/{running.pk}",
                 {"deadline": days(60).isoformat()})
    # then
    assert alone.status_code == 422
    assert errors_of(alone) == {"milestones.3": "第 3 个节点晚于项目完成时限。"}
    running.refresh_from_db()
    assert running.deadline == days(100)
    # when the milestones move with it, one renamed by its id
    together = call(client, county_admin, "patch", f"/projects/{running.pk}", {
        "deadline": days(60).isoformat(), "milestones": [
            {"id": ids["方案制定"], "title": "方案制定", "due_on": days(-10).isoformat()},
            {"id": ids["全面推开"], "title": "全域推开", "due_on": days(5).isoformat()},
            {"id": ids["总结验收"], "title": "总结验收", "due_on": days(55).isoformat()}]})
    # then
    assert together.status_code == 200, together.content
    running.refresh_from_db()
    assert running.deadline == days(60)
    assert list(running.milestones.values_list("pk", "title", "due_on", "percent")) == [
        (ids["方案制定"], "方案制定", days(-10), 100), (ids["全面推开"], "全域推开", days(5), 0),
        (ids["总结验收"], "总结验收", days(55), 0)]


def test_a_milestone_named_by_its_id_keeps_its_history_when_renamed(
        client, running, listed, county_admin, province_admin):
    plan = running.milestones.get(title="方案制定")  # 100% done
    chased = running.milestones.get(title="全面推开")
    follow_up = services.follow_up_raise(actor=province_admin, project=running, reason="加快",
                                         milestone=chased)
    url = f"/projects/{running.pk}/milestones"
    # when both are renamed and a third is added
    answer = call(client, county_admin, "put", url, {"milestones": [
        {"id": plan.pk, "title": "实施方案", "due_on": days(-10).isoformat()},
        {"id": chased.pk, "title": "全域推开", "due_on": days(5).isoformat()},
        {"title": "总结验收", "due_on": days(90).isoformat()}]})
    # then
    assert answer.status_code == 200, answer.content
    assert list(running.milestones.values_list("pk", "title", "percent"))[:2] == [
        (plan.pk, "实施方案", 100), (chased.pk, "全域推开", 0)]
    follow_up.refresh_from_db()
    assert follow_up.milestone_id == chased.pk
    before = list(running.milestones.values_list("pk", "title", "due_on", "percent"))
    # when one with progress is left out: 409, nothing changes
    refused = call(client, county_admin, "put", url, {"milestones": [
        {"id": chased.pk, "title": "全域推开", "due_on": days(5).isoformat()}]})
    assert refused.status_code == 409
    assert errors_of(refused) == {"milestones": "“实施方案”已有进展或督办，不能删除。"}
    # when the id is another project's milestone: not found
    other = listed.milestones.first()
    stranger = call(client, county_admin, "put", url, {"milestones": [
        {"id": other.pk, "title": "调研摸底", "due_on": days(5).isoformat()}]})
    assert stranger.status_code == 404
    assert list(running.milestones.values_list("pk", "title", "due_on", "percent")) == before
    assert listed.milestones.filter(pk=other.pk, title="调研摸底").exists()


def test_milestones_after_the_deadline_are_refused(client, running, county_admin):
    answer = call(client, county_admin, "put", f"/projects/{running.pk}/milestones", {
        "milestones": [{"title": "太晚", "due_on": days(300).isoformat()}]})
    assert answer.status_code == 422 and set(errors_of(answer)) == {"milestones.1"}
    assert running.milestones.count() == 3


def test_lifecycle_steps_through_the_api(client, portfolio, county_admin, province_admin,
                                         running):
    # given a draft the county proposed
    draft = services.project_create(actor=county_admin, portfolio=portfolio,
                                    proposed_by=running.lead_unit, data=ProjectData("议事厅"))
    url = f"/projects/{draft.pk}/steps"
    # the lead may not approve its own project
    assert call(client, county_admin, "post", url, {"step": "approve"}).status_code == 403
    # when
    submitted = call(client, county_admin, "post", url, {"step": "submit"})
    approved = call(client, province_admin, "post", url, {"step": "approve"})
    # then
    assert submitted.status_code == 200 and approved.status_code == 200
    draft.refresh_from_db()
    assert draft.state == "approved"
    assert approved.json()["state_label"] == "已立项"
    # a step from the wrong state is a conflict, an unknown one a bad field
    again = call(client, province_admin, "post", url, {"step": "approve"})
    assert again.status_code == 409
    unknown = call(client, province_admin, "post", url, {"step": "fly"})
    assert unknown.status_code == 422 and set(errors_of(unknown)) == {"step"}


def test_acceptance_needs_a_grade(client, running, county_admin, province_admin):
    call(client, county_admin, "post", f"/projects/{running.pk}/steps",
         {"step": "request_acceptance"})
    # when
    without = call(client, province_admin, "post", f"/projects/{running.pk}/steps",
                   {"step": "accept"})
    accepted = call(client, province_admin, "post", f"/projects/{running.pk}/steps",
                    {"step": "accept", "grade": "excellent"})
    # then
    assert without.status_code == 422 and errors_of(without) == {"grade": "请选择验收等次。"}
    assert accepted.status_code == 200
    assert (accepted.json()["grade"], accepted.json()["grade_label"]) == ("excellent", "优秀")
    running.refresh_from_db()
    assert (running.state, running.grade) == ("accepted", "excellent")


# ---------------------------------------------------------------------------------------------
# claims (认项)


def test_a_county_claims_and_the_organizer_approves(client, listed, county_admin,
                                                   province_admin, tree):
    # when
    applied = call(client, county_admin, "post", f"/projects/{listed.pk}/claims",
                   {"unit_id": tree.county_a.pk, "plan": "我区负责试点"})
    # then
    assert applied.status_code == 201, applied.content
    claim = Claim.objects.get(pk=applied.json()["id"])
    assert (claim.unit, claim.plan, claim.state) == (tree.county_a, "我区负责试点", "applied")
    assert applied.json()["state_label"] == "已申请"
    # the county may see its claim but not decide it
    url = f"/projects/claims/{claim.pk}/decision"
    assert call(client, county_admin, "post", url, {"approve": True}).status_code == 403
    # when
    decided = call(client, province_admin, "post", url, {"approve": True, "note": "同意"})
    # then
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    listed.refresh_from_db()
    assert (listed.lead_unit, listed.state) == (tree.county_a, "approved")
    again = call(client, province_admin, "post", url, {"approve": False})
    assert again.status_code == 409


def test_a_claim_without_a_plan_is_422(client, listed, county_admin, tree):
    answer = call(client, county_admin, "post", f"/projects/{listed.pk}/claims",
                  {"unit_id": tree.county_a.pk, "plan": "   "})
    assert answer.status_code == 422 and errors_of(answer) == {"plan": "请填写实施计划。"}
    assert not Claim.objects.exists()


def test_another_countys_claim_is_not_found(client, listed, county_admin, outsider, tree):
    claim = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                 plan="我区承接")
    answer = call(client, outsider, "post", f"/projects/claims/{claim.pk}/decision",
                  {"approve": True})
    assert answer.status_code == 404
    claim.refresh_from_db()
    assert claim.state == "applied"


# ---------------------------------------------------------------------------------------------
# progress reports


def test_a_progress_report_moves_a_milestone_and_is_listed(client, running, reporter):
    milestone = running.milestones.get(title="全面推开")
    # when
    answer = call(client, reporter, "post", f"/projects/{running.pk}/updates",
                  {"text": "已覆盖 40% 小区", "percents": {str(milestone.pk): 40}})
    # then
    assert answer.status_code == 201, answer.content
    milestone.refresh_from_db()
    assert milestone.percent == 40
    assert answer.json()["percents"] == {str(milestone.pk): 40}
    assert answer.json()["author"] == "reporter"
    listing = call(client, reporter, "get", f"/projects/{running.pk}/updates").json()
    assert listing["count"] == 1 and listing["items"][0]["text"] == "已覆盖 40% 小区"


def test_a_bad_report_is_422_by_milestone_and_changes_nothing(client, running, reporter):
    done = running.milestones.get(title="方案制定")
    later = running.milestones.get(title="全面推开")
    # when: a percent above 100 (the schema), and one going back (the service)
    above = call(client, reporter, "post", f"/projects/{running.pk}/updates",
                 {"text": "进展", "percents": {str(later.pk): 150}})
    back = call(client, reporter, "post", f"/projects/{running.pk}/updates",
                {"text": "进展", "percents": {str(done.pk): 50}})
    empty = call(client, reporter, "post", f"/projects/{running.pk}/updates", {"text": " "})
    # then
    assert above.status_code == 422
    assert errors_of(above) == {f"percents.{later.pk}": "请输入不大于 100 的值。"}
    assert back.status_code == 422
    assert errors_of(back) == {f"percents.{done.pk}": "“方案制定”已达到 100%。"}
    assert empty.status_code == 422 and errors_of(empty) == {"text": "请填写进展情况。"}
    assert not ProgressUpdate.objects.exists()
    assert list(running.milestones.values_list("percent", flat=True)) == [100, 0, 0]


def test_a_report_carries_photos_through_multipart(client, running, reporter):
    milestone = running.milestones.get(title="全面推开")
    headers = {"Authorization": f"Bearer {token_issue(user=reporter)[1]}"}
    # when
    answer = client.post(f"/api/v1/projects/{running.pk}/updates/with-files", {
        "text": "现场照片", "percents": json.dumps({str(milestone.pk): 60}),
        "files": [SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff photo")]}, headers=headers)
    # then
    assert answer.status_code == 201, answer.content
    assert [a["name"] for a in answer.json()["attachments"]] == ["现场.jpg"]
    attachment = Attachment.objects.get()
    assert attachment.update.text == "现场照片"
    assert answer.json()["attachments"][0]["url"] == (
        f"/projects/{running.pk}/files/{attachment.pk}/")
    milestone.refresh_from_db()
    assert milestone.percent == 60


def test_a_multipart_report_with_a_program_is_refused_whole(client, running, reporter):
    headers = {"Authorization": f"Bearer {token_issue(user=reporter)[1]}"}
    answer = client.post(f"/api/v1/projects/{running.pk}/updates/with-files", {
        "text": "附件", "files": [SimpleUploadedFile("run.exe", b"MZ")]}, headers=headers)
    assert answer.status_code == 422 and set(errors_of(answer)) == {"files"}
    bad_json = client.post(f"/api/v1/projects/{running.pk}/updates/with-files", {
        "text": "附件", "percents": "{"}, headers=headers)
    assert bad_json.status_code == 422 and set(errors_of(bad_json)) == {"percents"}
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()


def test_a_co_unit_sees_the_project_but_does_not_report_for_the_lead(client, running,
                                                                      outsider, tree):
    # given county B co-runs the project
    running.co_units.add(tree.county_b)
    assert call(client, outsider, "get", f"/projects/{running.pk}").json()["roles"] == []
    # when
    answer = call(client, outsider, "post", f"/projects/{running.pk}/updates", {"text": "代报"})
    # then
    assert answer.status_code == 403 and answer.json()["detail"] == "只有牵头单位可以这样做。"
    assert not ProgressUpdate.objects.exists()


# ---------------------------------------------------------------------------------------------
# follow-ups (督办)


def test_the_organizer_follows_up_and_the_lead_replies(client, running, province_admin,
                                                       county_admin):
    milestone = running.milestones.get(title="全面推开")
    # when
    raised = call(client, province_admin, "post", f"/projects/{running.pk}/follow-ups",
                  {"reason": "请加快推进", "milestone_id": milestone.pk})
    # then
    assert raised.status_code == 201, raised.content
    follow_up = FollowUp.objects.get(pk=raised.json()["id"])
    assert (follow_up.reason, follow_up.milestone) == ("请加快推进", milestone)
    # when
    url = f"/projects/follow-ups/{follow_up.pk}/reply"
    replied = call(client, county_admin, "post", url, {"reply": "本周完成"})
    # then
    assert replied.status_code == 200 and replied.json()["reply"] == "本周完成"
    follow_up.refresh_from_db()
    assert follow_up.reply == "本周完成" and follow_up.replied_at is not None
    assert call(client, county_admin, "post", url, {"reply": "再答"}).status_code == 409


def test_follow_ups_refused(client, running, listed, province_admin, county_admin, outsider,
                            tree):
    url = f"/projects/{running.pk}/follow-ups"
    # the lead may not raise one; a milestone of another project is not found; no reason: 422
    assert call(client, county_admin, "post", url, {"reason": "自督"}).status_code == 403
    other = listed.milestones.first()
    assert call(client, province_admin, "post", url,
                {"reason": "催办", "milestone_id": other.pk}).status_code == 404
    empty = call(client, province_admin, "post", url, {"reason": ""})
    assert empty.status_code == 422 and errors_of(empty) == {"reason": "请填写督办事由。"}
    assert not FollowUp.objects.exists()
    # another county does not find it; as a co-unit it sees it but may not reply for the lead
    follow_up = services.follow_up_raise(actor=province_admin, project=running, reason="催办")
    reply = f"/projects/follow-ups/{follow_up.pk}/reply"
    assert call(client, outsider, "post", reply, {"reply": "代答"}).status_code == 404
    running.co_units.add(tree.county_b)
    assert call(client, outsider, "post", reply, {"reply": "代答"}).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.reply == ""


# ---------------------------------------------------------------------------------------------
# roadshows


@pytest.fixture
def panel(roadshow, running, approved, province_admin, tree):
    """Five judges (one from county A) and two presentations, both open: 红色物业 (county A)
    and 人才服务专员 (county B)."""
    judges = services.judges_add(actor=province_admin, roadshow=roadshow, judges=[
        JudgeData(f"评委{n}") for n in range(1, 5)] + [JudgeData("东营评委", unit=tree.county_a)])
    presentations = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=[running, approved])
    for presentation in presentations:
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state=PresentationState.OPEN)
    return judges, presentations


def points(total: int) -> dict[str, float]:
    """Points of the four criteria (30, 30, 20, 20) adding up to ``total``."""
    innovation = min(total, 30)
    effect = min(total - innovation, 30)
    replicable = min(total - innovation - effect, 20)
    return {"innovation": innovation, "effect": effect, "replicable": replicable,
            "presentation": total - innovation - effect - replicable}


def test_roadshows_are_listed_and_detailed_with_tokens_for_the_organizer_only(
        client, roadshow, panel, province_admin, county_admin):
    judges, _presentations = panel
    # when
    listing = call(client, province_admin, "get", "/projects/roadshows").json()
    organizer = call(client, province_admin, "get", f"/projects/roadshows/{roadshow.pk}").json()
    presenter = call(client, county_admin, "get", f"/projects/roadshows/{roadshow.pk}").json()
    # then
    assert [r["title"] for r in listing["items"]] == ["第一场路演"]
    assert listing["items"][0]["state_label"] == "进行中"
    assert organizer["maximum"] == 100 and organizer["can_chair"] is True
    assert [c["code"] for c in organizer["criteria"]] == [
        "innovation", "effect", "replicable", "presentation"]
    assert [p["project_title"] for p in organizer["presentations"]] == ["红色物业",
                                                                       "人才服务专员"]
    assert organizer["presentations"][0]["state_label"] == "计分中"
    assert [(g["name"], g["weight"]) for g in organizer["groups"]] == [("评委", 1.0)]
    assert [j["token"] for j in organizer["judges"]] == [j.token for j in judges]
    assert presenter["can_chair"] is False
    assert {j["token"] for j in presenter["judges"]} == {None}


def test_the_standings_are_the_trimmed_means_by_hand(client, roadshow, panel, province_admin,
                                                     county_admin):
    judges, (red, listed_show) = panel
    # given: 红色物业 scored 80, 90, 70, 85 by the four judges not from county A
    for judge, total in zip(judges[:4], (80, 90, 70, 85), strict=True):
        services.score_submit(judge=judge, presentation_id=red.pk, points=points(total))
    # and the listed project 60, 95, 75, 88, 72 by all five
    for judge, total in zip(judges, (60, 95, 75, 88, 72), strict=True):
        services.score_submit(judge=judge, presentation_id=listed_show.pk,
                              points=points(total))
    # when
    body = call(client, province_admin, "get", f"/projects/roadshows/{roadshow.pk}/standings")
    # then: drop the highest and the lowest, average the rest
    assert body.status_code == 200, body.content
    rows = body.json()["rows"]
    assert [r["project_title"] for r in rows] == ["红色物业", "人才服务专员"]
    assert rows[0]["state_label"] == "计分中" and body.json()["state_label"] == "进行中"
    assert rows[0]["result"] == pytest.approx((80 + 85) / 2)  # 82.5
    assert rows[1]["result"] == pytest.approx(round((75 + 88 + 72) / 3, 4))  # 78.3333
    assert [(r["rank"], r["count"]) for r in rows] == [(1, 4), (2, 5)]
    assert rows[0]["group_means"] == [82.5]
    assert rows[0]["judge_totals"] == {str(j.pk): t for j, t in zip(
        judges[:4], (80.0, 90.0, 70.0, 85.0), strict=True)}
    assert len(body.json()["judges"]) == 5
    # the presenting county sees the ranking, not each judge's total
    seen = call(client, county_admin, "get", f"/projects/roadshows/{roadshow.pk}/standings")
    assert [r["result"] for r in seen.json()["rows"]] == [r["result"] for r in rows]
    assert {r["judge_totals"] is None for r in seen.json()["rows"]} == {True}
    assert seen.json()["judges"] is None


def test_every_score_for_the_organizer_only(client, roadshow, panel, province_admin,
                                            county_admin):
    judges, (red, _listed) = panel
    services.score_submit(judge=judges[0], presentation_id=red.pk, points=points(77),
                          grade="good")
    # when
    answer = call(client, province_admin, "get", f"/projects/roadshows/{roadshow.pk}/scores")
    # then
    assert answer.status_code == 200
    assert [(s["judge_name"], s["total"], s["grade_label"]) for s in answer.json()["items"]] == [
        ("评委1", 77.0, "良好")]
    refused = call(client, county_admin, "get", f"/projects/roadshows/{roadshow.pk}/scores")
    assert refused.status_code == 403


def test_a_roadshow_without_a_project_of_theirs_is_not_found(client, roadshow, panel, tree,
                                                            outsider):
    # a city with no project on the roadshow does not find it
    rizhao = user_with_role(Role.ORG_ADMIN, tree.city2, username="rizhao")
    for url in (f"/projects/roadshows/{roadshow.pk}",
                f"/projects/roadshows/{roadshow.pk}/standings"):
        assert call(client, rizhao, "get", url).status_code == 404
    assert call(client, rizhao, "get", "/projects/roadshows").json()["count"] == 0
    # county B presents 人才服务专员 there: it sees the roadshow
    assert call(client, outsider, "get", f"/projects/roadshows/{roadshow.pk}").status_code == 200


# ---------------------------------------------------------------------------------------------
# judges, without login


def test_a_judge_sees_the_sheet_and_scores_without_logging_in(client, panel):
    judges, (red, _listed) = panel
    judge = judges[0]
    # when
    sheet = client.get(f"/api/v1/public/judges/{judge.token}")
    scored = client.post(f"/api/v1/public/judges/{judge.token}/scores", json.dumps(
        {"presentation_id": red.pk, "points": points(81), "grade": "good"}),
        content_type="application/json")
    changed = client.post(f"/api/v1/public/judges/{judge.token}/scores", json.dumps(
        {"presentation_id": red.pk, "points": points(84)}), content_type="application/json")
    # then
    assert sheet.status_code == 200
    assert sheet.json()["judge_name"] == "评委1"
    assert [line["project_title"] for line in sheet.json()["lines"]] == ["红色物业",
                                                                         "人才服务专员"]
    assert scored.status_code == 200, scored.content
    assert changed.status_code == 200 and changed.json()["total"] == 84
    score = Score.objects.get()
    assert (score.judge, score.presentation, score.total) == (judge, red, 84)
    again = client.get(f"/api/v1/public/judges/{judge.token}").json()
    assert again["lines"][0]["score"]["total"] == 84


def test_the_judge_api_refuses_what_the_rules_forbid(client, panel, province_admin):
    judges, (red, listed_show) = panel
    url = f"/api/v1/public/judges/{judges[0].token}/scores"

    def post(token_url, body):
        return client.post(token_url, json.dumps(body), content_type="application/json")

    # points above a criterion's maximum: 422 naming the criterion
    above = post(url, {"presentation_id": red.pk, "points": {**points(80), "innovation": 31}})
    assert above.status_code == 422
    assert errors_of(above) == {"points.innovation": "请打 0 至 30 分。"}
    # a judge from the presenting unit (county A leads 红色物业): 403
    conflicted = post(f"/api/v1/public/judges/{judges[4].token}/scores",
                      {"presentation_id": red.pk, "points": points(80)})
    assert conflicted.status_code == 403
    # a closed presentation: 409
    services.presentation_move(actor=province_admin, presentation=listed_show,
                               state=PresentationState.CLOSED)
    closed = post(url, {"presentation_id": listed_show.pk, "points": points(80)})
    assert closed.status_code == 409 and closed.json()["detail"] == "该项目评分已结束。"
    # an unknown link: 404; a missing field: 422
    assert post("/api/v1/public/judges/nope/scores",
                {"presentation_id": red.pk, "points": points(80)}).status_code == 404
    missing = post(url, {"presentation_id": red.pk})
    assert missing.status_code == 422 and set(errors_of(missing)) == {"points"}
    assert not Score.objects.exists()
    # the sheet tells the conflicted judge
    sheet = client.get(f"/api/v1/public/judges/{judges[4].token}").json()
    assert [line["conflicted"] for line in sheet["lines"]] == [True, False]


def test_the_public_judge_operations_need_no_login_but_the_rest_does(client, roadshow):
    assert client.get(f"/api/v1/projects/roadshows/{roadshow.pk}").status_code == 401
    assert client.get("/api/v1/public/judges/nope").status_code == 404


def test_units_under_the_organizer_see_a_new_portfolio_and_propose_into_it(
        client, tree, county_admin, province_admin, outsider):
    # given a portfolio of the province with no project yet, and one of county A
    portfolio = services.portfolio_create(actor=province_admin, owner=tree.province,
                                          title="新创新年", year=2026)
    own = services.portfolio_create(actor=county_admin, owner=tree.county_a, title="东营区创新",
                                    year=2026)
    # when
    seen = call(client, county_admin, "get", "/projects/portfolios").json()
    proposed = call(client, county_admin, "post", f"/projects/portfolios/{portfolio.pk}/projects",
                    {"title": "村级议事", "proposed_by_id": tree.township_a1.pk})
    # then
    assert {p["title"] for p in seen["items"]} == {"新创新年", "东营区创新"}
    assert proposed.status_code == 201, proposed.content
    assert Project.objects.get().lead_unit == tree.township_a1
    titles = {p["title"] for p in call(client, outsider, "get", "/projects/portfolios").json()[
        "items"]}
    assert titles == {"新创新年"} and own.title not in titles


# ---------------------------------------------------------------------------------------------
# no input makes a 500


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats() | st.text(max_size=20) | st.sampled_from(["2026-10-01", "excellent", "1"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8) | st.sampled_from(["innovation", "1", "-1"]), children,
        max_size=3),
    max_leaves=8)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_to_the_projects_api_makes_a_500(client, portfolio, listed, running, panel,
                                                  province_admin, data):
    """The shared fuzz test cannot fill these paths' ids; this one calls each operation on
    real objects with fields of the schema holding arbitrary values."""
    judges, _presentations = panel
    spec = client.get("/api/v1/openapi.json").json()
    headers = {"Authorization": f"Bearer {token_issue(user=province_admin)[1]}"}
    ids = {"{portfolio_id}": portfolio.pk, "{project_id}": running.pk, "{roadshow_id}":
           panel[1][0].roadshow_id, "{claim_id}": 1, "{follow_up_id}": 1,
           "{token}": judges[0].token}
    for path, item in spec["paths"].items():
        if not path.startswith(("/api/v1/projects", "/api/v1/public/judges")):
            continue
        for method, operation in item.items():
            url = path
            for key, value in ids.items():
                if key in url:
                    url = url.replace(key, str(data.draw(st.sampled_from([value, 0, 2**62]))))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields = (list(spec["components"]["schemas"][body["schema"]["$ref"].rsplit(
                "/", 1)[-1]]["properties"]) if body else [])
            payload = data.draw(json_values | st.fixed_dictionaries(
                {}, optional=dict.fromkeys(fields, json_values)) if fields else json_values)
            if method == "get":
                params = [p["name"] for p in operation.get("parameters", [])
                          if p["in"] == "query"]
                query = data.draw(st.dictionaries(st.sampled_from(params), st.text(max_size=20)
                                                  | st.integers(-(2**70), 2**70).map(str))
                                  ) if params else {}
                answer = client.get(url, query, headers=headers)
            else:
                answer = getattr(client, method)(url, data=json.dumps(payload),
                                                 content_type="application/json",
                                                 headers=headers)
            assert answer.status_code < 500, (method, url, payload, answer.content[:300])
