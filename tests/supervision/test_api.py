"""The supervision API: every operation's happy path changes the database as specified; bad input
is 422 naming the field in Chinese and changes nothing; the wrong side of a task (the unit
taking the supervisor's step, or the supervisor the unit's) gets 403, a step out of order 409,
and a unit elsewhere 404."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import Role
from pacesetter.orgs.tokens import token_issue
from pacesetter.supervision.models import (
    Evidence,
    Finding,
    Inspection,
    Rectification,
    RectificationEvent,
    Suggestion,
)
from tests.factories import user_with_role
from tests.supervision.conftest import TODAY, days
from tests.surveys.conftest import submit


def call(client, user, method, url, body=None, **query):
    """An API call as ``user`` (Bearer token)."""
    headers = {"Authorization": f"Bearer {token_issue(user=user)[1]}"}
    if method == "get":
        return client.get(f"/api/v1/supervision{url}", query, headers=headers)
    return getattr(client, method)(f"/api/v1/supervision{url}", data=json.dumps(body),
                                   content_type="application/json", headers=headers)


def upload(client, user, url, data):
    """A multipart call as ``user``."""
    headers = {"Authorization": f"Bearer {token_issue(user=user)[1]}"}
    return client.post(f"/api/v1/supervision{url}", data=data, headers=headers)


def errors_of(answer) -> dict[str, str]:
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def photo(name: str = "整改后.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff photo", content_type="image/jpeg")


def counts():
    return (Inspection.objects.count(), Finding.objects.count(), Suggestion.objects.count(),
            Rectification.objects.count(), RectificationEvent.objects.count(),
            Evidence.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def city2_admin(tree):
    """An administrator of another city: neither inspects nor is inspected."""
    return user_with_role(Role.ORG_ADMIN, tree.city2, username="city2_admin")


def plan_body(tree, **changes):
    body = {"owner_id": tree.province.pk, "title": "作风建设专项督查",
            "starts_on": str(TODAY), "ends_on": str(days(4)), "purpose": "查找突出问题",
            "leader_id": tree.person_a.pk, "member_ids": [tree.person_b.pk],
            "targets": [{"unit_id": tree.county_a.pk, "reason": "群众反映集中"},
                        {"unit_id": tree.county_b.pk}],
            "checklist": [{"code": "Z1", "text": "落实中央八项规定精神"}]}
    return {**body, **changes}


# ---------------------------------------------------------------------------------------------
# inspections


def test_an_inspection_is_planned_with_its_team_targets_and_checklist(client, tree,
                                                                     province_admin):
    # when
    answer = call(client, province_admin, "post", "/inspections", plan_body(tree))
    # then
    assert answer.status_code == 201, answer.content
    inspection = Inspection.objects.get(pk=answer.json()["id"])
    assert (inspection.title, inspection.owner, inspection.leader) == (
        "作风建设专项督查", tree.province, tree.person_a)
    assert list(inspection.members.all()) == [tree.person_b]
    assert [(t.unit, t.reason) for t in inspection.targets.all()] == [
        (tree.county_a, "群众反映集中"), (tree.county_b, "")]
    assert list(inspection.checklist.values_list("code", "text")) == [
        ("Z1", "落实中央八项规定精神")]
    assert AuditEntry.objects.filter(object_id=str(inspection.pk), action="create").exists()
    detail = answer.json()
    assert (detail["kind_label"], detail["state_label"]) == ("督查", "计划中")
    assert detail["can_supervise"] is True and detail["members"] == [
        {"id": tree.person_b.pk, "name": "李四"}]
    assert detail["figures"]["findings"] == 0


def test_a_bad_plan_is_refused_naming_its_fields_in_chinese(client, tree, province_admin,
                                                            county_admin):
    before = counts()
    # when: the end before the start, a unit outside the organizer
    wrong = call(client, county_admin, "post", "/inspections", plan_body(
        tree, owner_id=tree.county_a.pk, ends_on=str(days(-1)), leader_id=None, member_ids=[],
        targets=[{"unit_id": tree.county_a.pk}]))
    # and: no title, a checklist item without text
    malformed = call(client, province_admin, "post", "/inspections", plan_body(
        tree, title=" ", checklist=[{"code": "Z1", "text": ""}]))
    # then
    assert wrong.status_code == 422
    assert errors_of(wrong) == {"ends_on": "结束日期早于开始日期。",
                                "targets": "只能检查组织单位下属的单位。"}
    assert malformed.status_code == 422
    assert errors_of(malformed) == {"title": "请至少输入 1 个字符。",
                                    "checklist.0.text": "请至少输入 1 个字符。"}
    assert counts() == before


def test_inspections_are_seen_by_the_organizer_and_by_the_units_visited(
        client, tree, inspection, finding, province_admin, county_admin, city2_admin):
    # when
    mine = call(client, province_admin, "get", "/inspections").json()
    visited = call(client, county_admin, "get", "/inspections", unit=tree.county_a.pk).json()
    elsewhere = call(client, city2_admin, "get", "/inspections").json()
    detail = call(client, county_admin, "get", f"/inspections/{inspection.pk}").json()
    # then
    assert [i["title"] for i in mine["items"]] == ["满意度后进县督查"]
    assert [i["title"] for i in visited["items"]] == ["满意度后进县督查"]
    assert elsewhere["count"] == 0
    # a visited unit reads its own line of the plan, not the others visited alongside
    assert [(t["unit_name"], t["reason"], t["figures"]) for t in detail["targets"]] == [
        ("东营区", "满意度全省倒数第1", {"index": 71.2})]
    organizer = call(client, province_admin, "get", f"/inspections/{inspection.pk}").json()
    assert [t["unit_name"] for t in organizer["targets"]] == ["东营区", "河口区"]
    assert [c["code"] for c in detail["checklist"]] == ["C1", "C2"]
    assert detail["can_supervise"] is False
    assert (detail["figures"]["findings"], detail["figures"]["suggestions"]) == (1, 2)
    assert call(client, city2_admin, "get", f"/inspections/{inspection.pk}").status_code == 404
    assert call(client, city2_admin, "get", "/inspections",
                unit=tree.county_a.pk).status_code == 404


def test_an_inspection_is_started_and_concluded_by_its_organizer_only(
        client, inspection, province_admin, county_admin):
    # the county it visits may not move it
    denied = call(client, county_admin, "post", f"/inspections/{inspection.pk}/state",
                  {"state": "under_way"})
    assert denied.status_code == 403
    # a planned inspection cannot be concluded before it is under way
    early = call(client, province_admin, "post", f"/inspections/{inspection.pk}/state",
                 {"state": "concluded"})
    assert early.status_code == 409
    inspection.refresh_from_db()
    assert inspection.state == "planned"
    # in order, it moves
    for state in ("under_way", "concluded"):
        answer = call(client, province_admin, "post", f"/inspections/{inspection.pk}/state",
                      {"state": state})
        assert answer.status_code == 200 and answer.json()["state"] == state
    inspection.refresh_from_db()
    assert inspection.state == "concluded"


def test_an_inspection_starts_from_the_bottom_of_a_survey_ranking(client, tree, campaign,
                                                                  province_admin):
    # given: county A's respondents are dissatisfied, county B's satisfied
    link_a = campaign.targets.get(unit=tree.county_a).link_token
    link_b = campaign.targets.get(unit=tree.county_b).link_token
    for n in range(6):
        submit(link_a, f"a{n}", {"A1": "bmy", "B1": "bmy"})
        submit(link_b, f"b{n}", {"A1": "my", "B1": "my"})
    body = {"owner_id": tree.province.pk, "source_kind": "survey", "source_id": campaign.pk,
            "bottom": 1, "title": "满意度后进单位督查", "starts_on": str(TODAY),
            "ends_on": str(days(3)), "checklist": [{"code": "C1", "text": "整改落实"}]}
    # when
    answer = call(client, province_admin, "post", "/inspections/from-ranking", body)
    # then
    assert answer.status_code == 201, answer.content
    inspection = Inspection.objects.get(pk=answer.json()["id"])
    (target,) = inspection.targets.all()
    assert target.unit == tree.county_a and "县级满意度测评" in target.reason
    assert (target.figures["rank"], target.figures["of"]) == (2, 2)
    assert inspection.source["kind"] == "survey" and inspection.source["id"] == campaign.pk
    assert answer.json()["targets"][0]["figures"]["index"] < 60
    # and: the bottom may be given per ranking group
    group = target.figures["group"]
    per_group = call(client, province_admin, "post", "/inspections/from-ranking",
                     {**body, "bottom": {group: 2}, "kind": "guidance"})
    assert per_group.status_code == 201
    assert (inspection.kind, per_group.json()["kind"]) == ("inspection", "guidance")
    assert [t["unit_name"] for t in per_group.json()["targets"]] == ["东营区", "河口区"]


def test_a_ranking_with_nobody_ranked_or_out_of_scope_starts_nothing(
        client, tree, campaign, province_admin, city2_admin):
    before = counts()
    body = {"owner_id": tree.province.pk, "source_kind": "survey", "source_id": campaign.pk,
            "bottom": 1, "title": "督查", "starts_on": str(TODAY), "ends_on": str(TODAY)}
    empty = call(client, province_admin, "post", "/inspections/from-ranking", body)
    assert empty.status_code == 422
    assert "县级满意度测评" in empty.json()["detail"]
    elsewhere = call(client, city2_admin, "post", "/inspections/from-ranking",
                     {**body, "owner_id": tree.city2.pk})
    assert elsewhere.status_code == 404
    bad_bottom = call(client, province_admin, "post", "/inspections/from-ranking",
                      {**body, "bottom": 0, "source_kind": "rumor"})
    assert bad_bottom.status_code == 422
    assert errors_of(bad_bottom)["bottom"] == "该值无效。"
    assert errors_of(bad_bottom)["source_kind"] == "请从以下选项中选择：'survey'、'assessment'。"
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# findings


def test_a_finding_is_recorded_with_suggestions_and_yields_a_task(client, tree, inspection,
                                                                  inspector, categories):
    item = inspection.checklist.get(code="C2")
    # when
    answer = call(client, inspector, "post", f"/inspections/{inspection.pk}/findings", {
        "unit_id": tree.county_b.pk, "description": "软弱涣散村整顿进展缓慢",
        "severity": "serious", "category_id": categories[0].pk, "checklist_item_id": item.pk,
        "suggestions": ["制定整顿台账", "每月调度"]})
    # then
    assert answer.status_code == 201, answer.content
    (row,) = answer.json()
    finding = Finding.objects.get(pk=row["id"])
    assert (finding.unit, finding.severity, finding.category, finding.checklist_item) == (
        tree.county_b, "serious", categories[0], item)
    assert [s.text for s in finding.suggestions.all()] == ["制定整顿台账", "每月调度"]
    task = finding.rectification
    assert (task.state, task.lead_unit, task.deadline) == ("registered", tree.county_b, days(15))
    assert (row["severity_label"], row["category_name"], row["checklist_code"]) == (
        "严重", "基层组织建设", "C2")
    assert row["rectification_serial"] == task.serial


def test_findings_are_recorded_all_or_none_each_bad_row_named(client, tree, inspection,
                                                              inspector):
    url = f"/inspections/{inspection.pk}/findings"
    before = counts()
    # when: row 2 names a unit not visited, row 3 has no description and a bad severity
    refused = call(client, inspector, "post", url, {"findings": [
        {"unit_id": tree.county_a.pk, "description": "问题一"},
        {"unit_id": tree.township_a1.pk, "description": "问题二"},
        {"unit_id": tree.county_a.pk, "severity": "fatal"}]})
    # then
    assert refused.status_code == 422
    assert refused.json()["detail"] == "请更正下列问题，本次未录入任何内容。"
    assert {(e["row"], e["field"]) for e in refused.json()["errors"]} == {
        (3, "description"), (3, "severity")}
    assert counts() == before
    # when: the rows are well formed but one breaks a rule of the inspection
    refused = call(client, inspector, "post", url, {"findings": [
        {"unit_id": tree.county_a.pk, "description": "问题一"},
        {"unit_id": tree.township_a1.pk, "description": "问题二"}]})
    assert refused.status_code == 422
    assert [(e["row"], e["field"], e["message"]) for e in refused.json()["errors"]] == [
        (2, "unit_id", "“文汇街道”不是本次督查的检查对象。")]
    assert counts() == before
    # when: all good
    done = call(client, inspector, "post", url, {"findings": [
        {"unit_id": tree.county_a.pk, "description": "问题一", "severity": "minor"},
        {"unit_id": tree.county_b.pk, "description": "问题二", "suggestions": ["建议"]}]})
    assert done.status_code == 201
    assert [f["number"] for f in done.json()] == [1, 2]
    assert Rectification.objects.count() == 2


def test_a_bad_finding_names_its_fields_in_chinese(client, tree, inspection, inspector):
    before = counts()
    answer = call(client, inspector, "post", f"/inspections/{inspection.pk}/findings", {
        "unit_id": tree.county_a.pk, "description": "问题", "deadline": str(days(-3)),
        "category_id": 2**40})
    assert answer.status_code == 422
    assert errors_of(answer) == {"category_id": "请从组织单位的类别清单中选择。"}
    answer = call(client, inspector, "post", f"/inspections/{inspection.pk}/findings", {
        "unit_id": tree.county_a.pk, "description": "问题", "deadline": str(days(-3))})
    assert errors_of(answer) == {"deadline": "整改时限已过。"}
    answer = call(client, inspector, "post", f"/inspections/{inspection.pk}/findings", {
        "description": "问题"})
    assert errors_of(answer) == {"unit_id": "此项为必填项。"}
    assert counts() == before


def test_only_the_supervising_side_records_findings_and_only_while_open(
        client, tree, inspection, inspector, county_admin, city2_admin, province_admin):
    url = f"/inspections/{inspection.pk}/findings"
    body = {"unit_id": tree.county_a.pk, "description": "自查问题"}
    assert call(client, county_admin, "post", url, body).status_code == 403
    assert call(client, city2_admin, "post", url, body).status_code == 404
    for state in ("under_way", "concluded"):
        call(client, province_admin, "post", f"/inspections/{inspection.pk}/state",
             {"state": state})
    assert call(client, inspector, "post", url, body).status_code == 409
    assert not Finding.objects.exists()


def test_a_visited_unit_sees_its_own_findings_only(client, tree, inspection, finding,
                                                   inspector, county_b_admin):
    call(client, inspector, "post", f"/inspections/{inspection.pk}/findings",
         {"unit_id": tree.county_b.pk, "description": "河口区的问题"})
    everything = call(client, inspector, "get", f"/inspections/{inspection.pk}/findings").json()
    own = call(client, county_b_admin, "get", f"/inspections/{inspection.pk}/findings").json()
    assert [f["unit_name"] for f in everything["items"]] == ["东营区", "河口区"]
    assert [f["description"] for f in own["items"]] == ["河口区的问题"]
    one = call(client, inspector, "get", f"/findings/{finding.pk}").json()
    assert one["suggestions"] == ["建立会议记录月检制度", "开展专项培训"]
    assert call(client, county_b_admin, "get", f"/findings/{finding.pk}").status_code == 404


# ---------------------------------------------------------------------------------------------
# re-checks (回头看)


def test_a_recheck_is_planned_and_judges_the_closed_out_findings(
        client, tree, rechecked, province_admin, inspector):
    # given: a re-check planned with its targets left to the service
    planned = call(client, province_admin, "post", "/inspections", plan_body(
        tree, title="回头看", kind="recheck", rechecks_id=rechecked.pk, targets=[]))
    assert planned.status_code == 201, planned.content
    recheck_id = planned.json()["id"]
    assert [t["unit_id"] for t in planned.json()["targets"]] == [tree.county_a.pk]
    first, second = rechecked.findings.get(number=1), rechecked.findings.get(number=2)
    # when
    holds = call(client, inspector, "post", f"/inspections/{recheck_id}/recheck",
                 {"finding_id": first.pk, "verdict": "holds"})
    back = call(client, inspector, "post", f"/inspections/{recheck_id}/recheck",
                {"finding_id": second.pk, "verdict": "reopened", "note": "档案再次缺页",
                 "deadline": str(days(20))})
    # then
    assert holds.status_code == back.status_code == 201, back.content
    assert (holds.json()["verdict_label"], holds.json()["rectification_state"]) == (
        "整改到位", "closed")
    assert (back.json()["verdict"], back.json()["rectification_state"]) == (
        "reopened", "in_progress")
    detail = call(client, inspector, "get", f"/inspections/{recheck_id}/recheck").json()
    assert detail["rechecks_id"] == rechecked.pk
    assert [(i["number"], i["verdict"]) for i in detail["items"]] == [
        (1, "holds"), (2, "reopened")]
    assert (detail["figures"]["holds"], detail["figures"]["reopened"]) == (1, 1)
    assert detail["figures"]["summary"].startswith("回头看问题 2 个：整改到位 1 个")


def test_a_bad_verdict_is_refused_naming_its_field_and_changes_nothing(
        client, recheck, rechecked, inspector, county_admin):
    second = rechecked.findings.get(number=2)
    before = counts()
    url = f"/inspections/{recheck.pk}/recheck"
    no_reason = call(client, inspector, "post", url,
                     {"finding_id": second.pk, "verdict": "reopened"})
    assert no_reason.status_code == 422
    assert errors_of(no_reason) == {"note": "请写明回头看发现的情况。"}
    unknown = call(client, inspector, "post", url, {"finding_id": second.pk, "verdict": "meh"})
    assert unknown.status_code == 422 and "verdict" in errors_of(unknown)
    by_unit = call(client, county_admin, "post", url,
                   {"finding_id": second.pk, "verdict": "holds"})
    assert by_unit.status_code == 403
    not_a_recheck = call(client, inspector, "post", f"/inspections/{rechecked.pk}/recheck",
                         {"finding_id": second.pk, "verdict": "holds"})
    assert not_a_recheck.status_code == 404
    assert counts() == before and not recheck.verdicts.exists()


# ---------------------------------------------------------------------------------------------
# rectifications


def test_a_task_is_registered_from_a_leaders_instruction(client, tree, province_admin):
    # when
    answer = call(client, province_admin, "post", "/rectifications", {
        "owner_id": tree.province.pk, "source": "leader", "source_note": "省委书记批示",
        "content": "整治群众身边腐败", "lead_unit_id": tree.county_a.pk,
        "assisting_unit_ids": [tree.county_b.pk], "deadline": str(days(20)),
        "feedback_cadence": "weekly"})
    # then
    assert answer.status_code == 201, answer.content
    task = Rectification.objects.get(pk=answer.json()["id"])
    assert (task.source, task.lead_unit, task.deadline, task.feedback_cadence) == (
        "leader", tree.county_a, days(20), "weekly")
    assert list(task.assisting_units.all()) == [tree.county_b]
    detail = answer.json()
    assert (detail["source_label"], detail["state_label"]) == ("领导批示", "已登记")
    assert detail["roles"] == ["supervisor"] and [s["name"] for s in detail["steps"]] == [
        "assign"]
    assert [e["step"] for e in detail["history"]] == ["register"]


def test_a_bad_task_is_refused_naming_its_fields_in_chinese(client, tree, province_admin,
                                                            county_admin):
    before = counts()
    answer = call(client, county_admin, "post", "/rectifications", {
        "owner_id": tree.county_a.pk, "source": "meeting", "content": "会议议定事项",
        "lead_unit_id": tree.county_a.pk, "deadline": str(days(-1))})
    assert answer.status_code == 422
    assert errors_of(answer) == {"lead_unit_id": "“东营区”不在督办单位下属范围内。",
                                 "deadline": "整改时限已过。"}
    answer = call(client, province_admin, "post", "/rectifications", {
        "owner_id": tree.province.pk, "source": "leader", "content": " ",
        "lead_unit_id": tree.county_a.pk, "deadline": str(days(5))})
    assert errors_of(answer) == {"content": "请填写督办内容。"}
    answer = call(client, province_admin, "post", "/rectifications", {
        "owner_id": tree.province.pk, "source": "finding", "content": "由问题产生",
        "lead_unit_id": tree.county_a.pk, "deadline": str(days(5))})
    assert set(errors_of(answer)) == {"source"}  # a finding's task comes with the finding
    assert counts() == before


def test_tasks_are_listed_and_filtered(client, tree, inspection, finding, task, inspector,
                                       county_admin, county_b_admin, province_admin):
    other = call(client, province_admin, "post", "/rectifications", {
        "owner_id": tree.province.pk, "source": "complaint", "content": "群众来信反映问题",
        "lead_unit_id": tree.county_b.pk, "deadline": str(days(3))}).json()

    def serials(user, **query):
        answer = call(client, user, "get", "/rectifications", **query)
        assert answer.status_code == 200, answer.content
        return [t["serial"] for t in answer.json()["items"]]

    assert serials(inspector) == [other["serial"], task.serial]  # by deadline
    assert serials(county_admin) == [task.serial]
    assert serials(county_b_admin) == [other["serial"]]
    assert serials(inspector, unit=tree.county_a.pk) == [task.serial]
    assert serials(inspector, source="complaint") == [other["serial"]]
    assert serials(inspector, inspection=inspection.pk) == [task.serial]
    assert serials(inspector, state="registered") == [other["serial"], task.serial]
    # registered: not yet the unit's to do, so no light
    assert serials(inspector, light="none") == [other["serial"], task.serial]
    Rectification.objects.filter(pk=task.pk).update(state="in_progress", deadline=days(-2))
    Rectification.objects.filter(pk=other["id"]).update(state="accepted")
    assert serials(inspector, light="red") == [task.serial]
    assert serials(inspector, light="yellow") == [other["serial"]]
    assert serials(inspector, light="green") == []
    red = call(client, inspector, "get", "/rectifications", light="red").json()["items"][0]
    assert (red["light"], red["days_overdue"], red["inspection_id"]) == ("red", 2, inspection.pk)
    assert call(client, county_b_admin, "get", "/rectifications",
                unit=tree.county_a.pk).status_code == 404


def step(client, user, task, name, **fields):
    return call(client, user, "post", f"/rectifications/{task.pk}/steps",
                {"step": name, **fields})


def test_a_task_goes_from_finding_to_close_out_through_the_api(client, task, inspector,
                                                               county_admin):
    # assigned by the inspector, accepted and started by the county
    assert step(client, inspector, task, "assign").status_code == 200
    accepted = step(client, county_admin, task, "accept").json()
    assert accepted["roles"] == ["unit"] and [s["name"] for s in accepted["steps"]] == ["start"]
    started = step(client, county_admin, task, "start").json()
    assert {s["name"] for s in started["steps"]} == {"request_extension", "report"}
    # reported with evidence
    reported = upload(client, county_admin, f"/rectifications/{task.pk}/steps/with-files",
                      {"step": "report", "note": "已建立月检制度", "files": [photo()]})
    assert reported.status_code == 200, reported.content
    assert reported.json()["state"] == "reported"
    (evidence,) = reported.json()["history"][-1]["evidence"]
    assert evidence["name"] == "整改后.jpg"
    assert evidence["url"] == f"/rectifications/{task.pk}/evidence/{evidence['id']}/"
    # reviewed, returned with a reason, reported again, completed and closed out
    step(client, inspector, task, "review")
    returned = step(client, inspector, task, "return", note="佐证不充分")
    assert returned.json()["state"] == "in_progress"
    upload(client, county_admin, f"/rectifications/{task.pk}/steps/with-files",
           {"step": "report", "note": "补充材料", "files": [photo("补充.pdf")]})
    for name in ("review", "complete", "close"):
        assert step(client, inspector, task, name).status_code == 200, name
    task.refresh_from_db()
    assert task.state == "closed" and task.closed_at is not None
    history = call(client, county_admin, "get", f"/rectifications/{task.pk}").json()["history"]
    assert [e["step"] for e in history] == [
        "register", "assign", "accept", "start", "report", "review", "return", "report",
        "review", "complete", "close"]
    assert (history[6]["step_label"], history[6]["note"], history[6]["actor"]) == (
        "退回重办", "佐证不充分", "inspector")
    assert history[0]["step_label"] == "登记"
    assert task.evidence.count() == 2


def test_a_report_without_evidence_is_refused_and_changes_nothing(client, task, inspector,
                                                                  county_admin):
    from tests.supervision.test_services import reach

    reach(task, "in_progress", inspector, county_admin)
    before = counts()
    answer = step(client, county_admin, task, "report", note="已整改")
    assert answer.status_code == 422
    assert errors_of(answer) == {"files": "请上传佐证材料（照片或文件）。"}
    answer = upload(client, county_admin, f"/rectifications/{task.pk}/steps/with-files",
                    {"step": "report", "files": [photo()]})
    assert answer.status_code == 422
    assert set(errors_of(answer)) == {"note"}
    answer = upload(client, county_admin, f"/rectifications/{task.pk}/steps/with-files",
                    {"step": "wave", "note": "x"})
    assert set(errors_of(answer)) == {"step"}
    assert counts() == before
    task.refresh_from_db()
    assert task.state == "in_progress"


def test_an_extension_is_asked_with_a_later_date_and_approved_by_the_supervisor(
        client, task, inspector, county_admin):
    from tests.supervision.test_services import reach

    reach(task, "in_progress", inspector, county_admin)
    refused = step(client, county_admin, task, "request_extension", note="汛期施工困难",
                   deadline=str(task.deadline))
    assert refused.status_code == 422
    assert errors_of(refused) == {"deadline": "申请的日期须晚于当前时限。"}
    asked = step(client, county_admin, task, "request_extension", note="汛期施工困难",
                 deadline=str(days(40)))
    assert asked.json()["requested_deadline"] == str(days(40))
    assert step(client, county_admin, task, "approve_extension").status_code == 403
    approved = step(client, inspector, task, "approve_extension").json()
    assert (approved["state"], approved["deadline"]) == ("in_progress", str(days(40)))


def test_the_wrong_side_is_denied_and_a_step_out_of_order_conflicts(
        client, task, inspector, county_admin, province_admin, city2_admin):
    before = counts()
    # the unit may not assign itself, nor close out
    assert step(client, county_admin, task, "assign").status_code == 403
    # nothing to complete or close out yet
    assert step(client, inspector, task, "complete").status_code == 409
    assert step(client, inspector, task, "accept").status_code == 403  # the unit's step
    assert step(client, city2_admin, task, "assign").status_code == 404
    # a reason is needed to return; a step unknown is refused by name
    assert step(client, inspector, task, "wave").status_code == 422
    assert counts() == before
    step(client, province_admin, task, "assign")
    assert step(client, inspector, task, "assign").status_code == 409
    assert step(client, county_admin, task, "start").status_code == 409
    task.refresh_from_db()
    assert task.state == "assigned"
    seen_from_elsewhere = call(client, city2_admin, "get", f"/rectifications/{task.pk}")
    assert seen_from_elsewhere.status_code == 404


# ---------------------------------------------------------------------------------------------
# figures


def test_the_figures_are_those_of_the_data(client, tree, inspection, inspector, county_admin,
                                           categories):
    from tests.supervision.test_services import reach

    url = f"/inspections/{inspection.pk}/findings"
    rows = call(client, inspector, "post", url, {"findings": [
        {"unit_id": tree.county_a.pk, "description": "问题一", "severity": "serious",
         "category_id": categories[0].pk, "suggestions": ["建议一", "建议二"]},
        {"unit_id": tree.county_b.pk, "description": "问题二", "severity": "minor"}]}).json()
    done = Rectification.objects.get(pk=rows[0]["rectification_id"])
    reach(done, "closed", inspector, county_admin)
    whole = call(client, inspector, "get", f"{url[:-9]}/figures").json()
    assert (whole["findings"], whole["suggestions"], whole["tasks"], whole["rectified"]) == (
        2, 2, 2, 1)
    assert whole["rectification_rate"] == 50.0 and whole["on_time_rate"] == 100.0
    assert whole["by_severity"] == {"serious": 1, "minor": 1}
    assert whole["summary"].startswith("指出问题 2 个，提出整改建议 2 条")
    county_b = call(client, inspector, "get", f"{url[:-9]}/figures",
                    unit=tree.county_b.pk).json()
    assert (county_b["findings"], county_b["rectified"]) == (1, 0)
    mine = call(client, county_admin, "get", "/figures").json()
    assert (mine["findings"], mine["tasks"], mine["rectification_rate"]) == (1, 1, 100.0)
    overall = call(client, inspector, "get", "/figures", unit=tree.county_a.pk).json()
    assert overall["by_category"] == {"基层组织建设": 1}
    assert call(client, county_admin, "get", "/figures",
                unit=tree.county_b.pk).status_code == 404


# --- findings attributed to a leading cadre ----------------------------------------------------

def test_a_finding_is_attributed_to_a_cadre_of_its_unit_through_the_api(client, tree,
                                                                      inspection, inspector):
    url = f"/inspections/{inspection.pk}/findings"
    answer = call(client, inspector, "post", url, {
        "unit_id": tree.county_a.pk, "description": "信访积案化解不力",
        "person_id": tree.person_a.pk})
    assert answer.status_code == 201, answer.content
    (row,) = answer.json()
    assert (row["person_id"], row["person_name"]) == (tree.person_a.pk, tree.person_a.name)
    assert Finding.objects.get().person == tree.person_a
    listed = call(client, inspector, "get", f"{url}").json()["items"]
    assert [(f["person_id"], f["person_name"]) for f in listed] == [
        (tree.person_a.pk, tree.person_a.name)]
    unattributed = call(client, inspector, "post", url, {
        "unit_id": tree.county_a.pk, "description": "另一个问题"}).json()[0]
    assert (unattributed["person_id"], unattributed["person_name"]) == (None, None)


def test_a_cadre_of_another_unit_or_out_of_sight_is_refused_naming_person_id(
        client, tree, inspection, inspector):
    url = f"/inspections/{inspection.pk}/findings"
    before = counts()
    answer = call(client, inspector, "post", url, {
        "unit_id": tree.county_a.pk, "description": "问题", "person_id": tree.person_b.pk})
    assert answer.status_code == 422
    assert set(errors_of(answer)) == {"person_id"}
    assert tree.person_b.name in errors_of(answer)["person_id"]
    answer = call(client, inspector, "post", url, {
        "unit_id": tree.county_a.pk, "description": "问题", "person_id": 2**40})
    assert answer.status_code == 422 and set(errors_of(answer)) == {"person_id"}
    answer = call(client, inspector, "post", url, {"findings": [
        {"unit_id": tree.county_b.pk, "description": "问题", "person_id": tree.person_b.pk},
        {"unit_id": tree.county_a.pk, "description": "问题", "person_id": tree.person_b.pk}]})
    assert [(e["row"], e["field"]) for e in answer.json()["errors"]] == [(2, "person_id")]
    assert counts() == before
