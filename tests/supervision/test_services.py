"""Supervision as its services behave: inspections, findings with suggestions, rectifications
through their whole lifecycle, every illegal step refused, lateness, escalation."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.notifications.models import Notification
from pacesetter.supervision import lifecycle, services
from pacesetter.supervision.models import (
    Finding,
    Rectification,
    RectificationEvent,
    RectificationState,
)
from pacesetter.supervision.services import FindingData, TargetData
from tests.supervision.conftest import TODAY, days

S = RectificationState


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff photo")


# --- inspections and findings ------------------------------------------------------------------

def test_a_finding_yields_a_registered_rectification_due_by_its_severity(finding, task, tree):
    assert [s.text for s in finding.suggestions.all()] == ["建立会议记录月检制度", "开展专项培训"]
    assert (task.state, task.lead_unit, task.source) == (S.REGISTERED, tree.county_a, "finding")
    assert task.deadline == days(15)  # serious: 15 days
    assert task.serial == f"督-{tree.province.code}-{TODAY.year}-0001"
    assert list(task.events.values_list("step", "to_state")) == [("register", "registered")]
    assert AuditEntry.objects.filter(object_type="supervision.finding").count() == 1


def test_findings_are_numbered_and_serials_follow_each_other(inspection, inspector, tree):
    findings = services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "问题一", "minor"), []),
        (FindingData(tree.county_b, "问题二", "moderate"), [photo()])])
    assert [f.number for f in findings] == [1, 2]
    assert [f.rectification.serial[-4:] for f in findings] == ["0001", "0002"]
    assert findings[1].rectification.deadline == days(30)
    assert findings[1].evidence.get().name == "现场.jpg"


def test_a_bad_row_names_itself_and_nothing_is_recorded(inspection, inspector, tree):
    with pytest.raises(ValidationFailed) as refused:
        services.findings_record(actor=inspector, inspection=inspection, rows=[
            (FindingData(tree.county_a, "好的一行"), []),
            (FindingData(tree.township_a1, " "), [photo("病毒.exe")])])
    assert {(e["row"], e["field"]) for e in refused.value.extra["errors"]} == {
        (2, "unit"), (2, "description"), (2, "files")}
    assert Finding.objects.count() == 0 and Rectification.objects.count() == 0


def test_only_the_supervising_side_records_findings(inspection, county_admin, tree):
    with pytest.raises(PermissionDenied):
        services.finding_record(actor=county_admin, inspection=inspection,
                                data=FindingData(tree.county_a, "自查问题"))
    assert not Finding.objects.exists()


def test_a_concluded_inspection_records_no_more_findings(inspection, province_admin, tree):
    services.inspection_move(actor=province_admin, inspection=inspection, state="under_way")
    services.inspection_move(actor=province_admin, inspection=inspection, state="concluded")
    with pytest.raises(Conflict):
        services.finding_record(actor=province_admin, inspection=inspection,
                                data=FindingData(tree.county_a, "补充问题"))
    with pytest.raises(Conflict):
        services.inspection_move(actor=province_admin, inspection=inspection,
                                 state="under_way")


def test_an_inspection_visits_units_under_its_organizer_only(tree, county_admin,
                                                              province_admin):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_create(actor=county_admin, owner=tree.county_a, title="督查",
                                   starts_on=TODAY, ends_on=days(-1),
                                   targets=[TargetData(tree.county_b)])
    assert {e["field"] for e in refused.value.extra["errors"]} == {"ends_on", "targets"}
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=county_admin, owner=tree.province, title="督查",
                                   starts_on=TODAY, ends_on=TODAY,
                                   targets=[TargetData(tree.county_a)])


# --- the lifecycle -----------------------------------------------------------------------------

def step(actor, task, name, **extra):
    defaults = {"note": "说明", "deadline": days(60), "files": [photo()]}
    kwargs = {k: v for k, v in defaults.items() if k in extra or name in NEEDS.get(k, ())}
    kwargs.update(extra)
    return services.rectification_step(actor=actor, rectification=task, step=name, **kwargs)


NEEDS = {"note": {"request_extension", "decline_extension", "report", "return", "reopen"},
         "deadline": {"request_extension"}, "files": {"report"}}

#: How a task reaches each state, and who takes each step.
PATHS = {
    S.REGISTERED: [],
    S.ASSIGNED: ["assign"],
    S.ACCEPTED: ["assign", "accept"],
    S.IN_PROGRESS: ["assign", "accept", "start"],
    S.EXTENSION_REQUESTED: ["assign", "accept", "start", "request_extension"],
    S.REPORTED: ["assign", "accept", "start", "report"],
    S.UNDER_REVIEW: ["assign", "accept", "start", "report", "review"],
    S.COMPLETED: ["assign", "accept", "start", "report", "review", "complete"],
    S.CLOSED: ["assign", "accept", "start", "report", "review", "complete", "close"],
}


def reach(task, state, supervisor, unit):
    for name in PATHS[state]:
        by = supervisor if lifecycle.STEPS[name].by == lifecycle.SUPERVISOR else unit
        task = step(by, task, name)
    assert task.state == state
    return task


def test_a_task_goes_from_finding_to_close_out_with_a_return_on_the_way(
        task, inspector, county_admin, province_admin):
    for name, by in [("assign", inspector), ("accept", county_admin), ("start", county_admin)]:
        task = step(by, task, name)
    task = step(county_admin, task, "report", note="已补齐记录", files=[photo("记录.jpg")])
    task = step(inspector, task, "review")
    task = step(inspector, task, "return", note="记录仍不完整")
    assert task.state == S.IN_PROGRESS
    task = step(county_admin, task, "report", note="全部补齐", files=[photo("补齐.pdf")])
    for name in ("review", "complete", "close"):
        task = step(province_admin, task, name)
    assert task.state == S.CLOSED and task.closed_at is not None
    assert not (task.accepted_late or task.reported_late or task.completed_late)
    assert list(RectificationEvent.objects.filter(rectification=task).values_list(
        "step", flat=True)) == ["register", "assign", "accept", "start", "report", "review",
                                "return", "report", "review", "complete", "close"]
    assert sorted(task.evidence.values_list("name", flat=True)) == ["补齐.pdf", "记录.jpg"]
    assert task.events.get(step="return").note == "记录仍不完整"


@pytest.mark.parametrize("state", list(PATHS))
def test_every_step_out_of_order_or_by_the_wrong_side_is_refused(
        state, task, inspector, county_admin, outsider, reporter):
    task = reach(task, state, inspector, county_admin)
    actors = {lifecycle.SUPERVISOR: inspector, lifecycle.UNIT: county_admin, "none": outsider}
    for name, found in lifecycle.STEPS.items():
        for side, actor in actors.items():
            if side == found.by and state in found.sources:
                continue  # the one legal move: taken by the happy path tests
            before = Rectification.objects.filter(pk=task.pk).values().get()
            events = task.events.count()
            with pytest.raises((Conflict, PermissionDenied)):
                step(actor, task, name)
            assert Rectification.objects.filter(pk=task.pk).values().get() == before
            assert task.events.count() == events


def test_the_supervising_side_never_does_the_units_part(task, province_admin, inspector):
    task = step(inspector, task, "assign")
    with pytest.raises(PermissionDenied):  # the province also administers county A
        step(province_admin, task, "accept")


def test_steps_need_their_reason_and_a_report_its_evidence(task, inspector, county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    with pytest.raises(ValidationFailed) as refused:
        services.rectification_step(actor=county_admin, rectification=task, step="report")
    assert {e["field"] for e in refused.value.extra["errors"]} == {"note", "files"}
    with pytest.raises(ValidationFailed):
        step(county_admin, task, "report", files=[photo("病毒.exe")])
    task.refresh_from_db()
    assert task.state == S.IN_PROGRESS


# --- extensions and lateness ------------------------------------------------------------------

def test_an_extension_is_asked_before_the_deadline_and_approved_by_the_supervisor(
        task, inspector, county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    with pytest.raises(ValidationFailed):  # not later than the deadline
        step(county_admin, task, "request_extension", deadline=task.deadline)
    task = step(county_admin, task, "request_extension", note="涉及村两委换届",
                 deadline=days(45))
    assert (task.state, task.requested_deadline) == (S.EXTENSION_REQUESTED, days(45))
    task = step(inspector, task, "approve_extension")
    assert (task.state, task.deadline, task.requested_deadline) == (S.IN_PROGRESS, days(45),
                                                                      None)


def test_no_extension_once_the_deadline_has_passed(task, inspector, county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-1))
    with pytest.raises(ValidationFailed) as refused:
        step(county_admin, task, "request_extension", deadline=days(30))
    assert refused.value.extra["errors"][0]["field"] == "deadline"


def test_lateness_is_flagged_at_acceptance_report_and_completion(task, inspector,
                                                                county_admin):
    import django.utils.timezone as tz

    task = step(inspector, task, "assign")
    Rectification.objects.filter(pk=task.pk).update(
        assigned_at=tz.now() - datetime.timedelta(days=5))
    task = step(county_admin, task, "accept")
    task = step(county_admin, task, "start")
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-2))
    task = step(county_admin, task, "report")
    task = step(inspector, task, "review")
    task = step(inspector, task, "complete")
    assert (task.accepted_late, task.reported_late, task.completed_late) == (True, True, True)


# --- other sources and escalation --------------------------------------------------------------

def test_a_leaders_instruction_is_registered_as_a_task(tree, province_admin, outsider):
    task = services.rectification_register(
        actor=province_admin, owner=tree.province, source="leader", source_note="省委领导批示",
        content="整治软弱涣散村党组织", lead_unit=tree.county_a,
        assisting_units=[tree.county_b], deadline=days(20), feedback_cadence="weekly")
    assert (task.source, task.state, list(task.assisting_units.all())) == (
        "leader", S.REGISTERED, [tree.county_b])
    with pytest.raises(ValidationFailed) as refused:
        services.rectification_register(
            actor=province_admin, owner=tree.province, source="finding", content=" ",
            lead_unit=tree.county_a, deadline=days(-1))
    assert {e["field"] for e in refused.value.extra["errors"]} == {"source", "content",
                                                                  "deadline"}
    with pytest.raises(PermissionDenied):
        services.rectification_register(actor=outsider, owner=tree.province, source="leader",
                                        content="x", lead_unit=tree.county_a,
                                        deadline=days(5))


def test_overdue_tasks_escalate_to_the_units_leader_then_the_department(
        task, inspector, county_admin, province_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-2))
    Notification.objects.all().delete()
    first = services.escalate_due()
    assert (first.raised, Rectification.objects.get(pk=task.pk).escalation) == (1, 1)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "county_admin"}
    assert services.escalate_due().raised == 0  # each level once
    services.escalate_due(today=days(8))  # ten days overdue
    assert Rectification.objects.get(pk=task.pk).escalation == 2
    assert {"province_admin", "inspector"} <= set(
        Notification.objects.filter(kind="supervision.escalation").values_list(
            "recipient__username", flat=True))
    assert AuditEntry.objects.filter(object_type="supervision.rectification",
                                     after__escalation=2).count() == 1


def test_soon_due_tasks_remind_the_unit(task, inspector, county_admin, reporter):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(3))
    Notification.objects.all().delete()
    assert services.escalate_due().warned == 1
    assert set(Notification.objects.filter(kind="supervision.reminder").values_list(
        "recipient__username", flat=True)) == {"county_admin", "reporter"}


def test_the_escalate_command_and_the_beat_task_chase_overdue_tasks(
        task, inspector, county_admin, settings):
    from io import StringIO

    from django.core.management import call_command

    from pacesetter.supervision import tasks

    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-1))
    out = StringIO()
    call_command("escalate", stdout=out)
    assert "escalated 1" in out.getvalue()
    call_command("escalate", "--today", str(days(10)), stdout=out)
    assert Rectification.objects.get(pk=task.pk).escalation == 2
    assert settings.CELERY_BEAT_SCHEDULE["supervision-escalate"]["task"] == tasks.escalate_due.name


# --- re-checks (回头看) ---------------------------------------------------------------------------

def test_a_recheck_visits_the_units_with_closed_out_findings(recheck, tree):
    (target,) = recheck.targets.all()
    assert target.unit == tree.county_a  # county B's finding is still open
    assert target.reason == "2 个已销号问题待回头看"


def test_a_recheck_names_the_inspection_it_revisits_and_only_a_recheck_does(
        rechecked, province_admin, tree):
    plan = {"actor": province_admin, "owner": tree.province, "title": "回头看",
            "starts_on": TODAY, "ends_on": TODAY, "targets": [TargetData(tree.county_a)]}
    with pytest.raises(ValidationFailed) as unnamed:
        services.inspection_create(kind="recheck", **plan)
    with pytest.raises(ValidationFailed) as not_a_recheck:
        services.inspection_create(kind="inspection", rechecks=rechecked, **plan)
    assert unnamed.value.extra["errors"][0]["field"] == "rechecks"
    assert not_a_recheck.value.extra["errors"][0]["field"] == "rechecks"


def test_a_rectification_that_holds_is_recorded_and_the_task_stays_closed(
        recheck, rechecked, inspector):
    first = rechecked.findings.get(number=1)
    verdict = services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=first,
                                              verdict="holds")
    assert verdict.get_verdict_display() == "整改到位"
    assert Rectification.objects.get(finding=first).state == S.CLOSED
    entry = AuditEntry.objects.filter(object_id=str(first.pk)).latest("pk")
    assert entry.after["verdict"] == "holds" and entry.after["recheck"] == recheck.title


def test_a_problem_back_reopens_its_task_with_the_reason_and_a_new_deadline(
        recheck, rechecked, inspector, county_admin):
    second = rechecked.findings.get(number=2)  # minor: 60 days by default
    services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=second,
                                    verdict="reopened", note="档案再次缺页")
    task = Rectification.objects.get(finding=second)
    assert task.state == S.IN_PROGRESS and task.closed_at is None
    assert task.deadline == days(60) and task.escalation == 0
    reopened = task.events.get(step="reopen")
    assert reopened.note == "回头看（满意度后进县督查回头看）：档案再次缺页"
    assert reopened.deadline == days(60)
    assert Notification.objects.filter(recipient=county_admin,
                                       kind="supervision.reopen").exists()
    # and the unit can take it up again
    task = step(county_admin, task, "report", note="补齐", files=[photo()])
    assert task.state == S.REPORTED


def test_a_reopened_task_may_be_given_its_deadline(recheck, rechecked, inspector):
    first = rechecked.findings.get(number=1)
    with pytest.raises(ValidationFailed) as past:
        services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=first,
                                        verdict="reopened", note="反弹", deadline=TODAY)
    assert past.value.extra["errors"][0]["field"] == "deadline"
    services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=first,
                                    verdict="reopened", note="反弹", deadline=days(10))
    assert Rectification.objects.get(finding=first).deadline == days(10)


def test_a_verdict_is_refused_when_it_does_not_fit_and_nothing_changes(
        recheck, rechecked, inspection, inspector, county_admin, province_admin):
    first, second, open_one = (rechecked.findings.get(number=n) for n in (1, 2, 3))

    def refused(error, actor=inspector, on=recheck, finding=first, **given):
        before = (list(Rectification.objects.values_list("state", "deadline")),
                  recheck.verdicts.count())
        with pytest.raises(error):
            services.recheck_verdict_record(actor=actor, recheck=on, finding=finding,
                                            **{"verdict": "holds", **given})
        assert before == (list(Rectification.objects.values_list("state", "deadline")),
                          recheck.verdicts.count())

    refused(PermissionDenied, actor=county_admin)  # the unit does not judge its own work
    refused(ValidationFailed, verdict="maybe")
    refused(ValidationFailed, verdict="reopened", note="  ")  # reopening needs the reason
    refused(ValidationFailed, verdict="reopened", note="很" * 1701)  # quoted in the history
    refused(Conflict, on=inspection)  # not a re-check
    refused(ValidationFailed, finding=open_one)  # county B is not a target of the re-check
    services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=first,
                                    verdict="holds")
    refused(Conflict)  # judged already
    services.recheck_verdict_record(actor=inspector, recheck=recheck, finding=second,
                                    verdict="reopened", note="反弹")
    later = services.inspection_create(
        actor=province_admin, owner=rechecked.owner, title="二次回头看", kind="recheck",
        rechecks=rechecked, starts_on=TODAY, ends_on=TODAY,
        targets=[TargetData(second.unit)])
    refused(Conflict, on=later, finding=second)  # reopened: not closed out any more
    services.inspection_move(actor=inspector, inspection=later, state="under_way")
    services.inspection_move(actor=inspector, inspection=later, state="concluded")
    refused(Conflict, on=later, finding=first)  # a concluded re-check judges no more


def test_a_recheck_of_an_inspection_with_nothing_closed_out_says_so(inspection, finding,
                                                                    province_admin, tree):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_create(
            actor=province_admin, owner=tree.province, title="回头看", kind="recheck",
            rechecks=inspection, starts_on=TODAY, ends_on=TODAY, targets=[])
    assert refused.value.extra["errors"] == [
        {"field": "rechecks", "message": "“满意度后进县督查”尚无已销号问题可回头看。"}]


def test_a_task_returned_after_its_deadline_gets_a_new_one_and_the_unit_is_not_stuck(
        task, inspector, county_admin):
    task = reach(task, S.UNDER_REVIEW, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-1), escalation=1)
    task = step(inspector, task, "return")  # serious: 15 days from today by default
    assert (task.state, task.deadline, task.escalation) == (S.IN_PROGRESS, days(15), 0)
    task = step(county_admin, task, "request_extension", deadline=days(40))
    assert task.state == S.EXTENSION_REQUESTED


def test_a_task_returned_in_time_keeps_its_deadline_unless_given_one(task, inspector,
                                                                     county_admin):
    task = reach(task, S.UNDER_REVIEW, inspector, county_admin)
    before = task.deadline
    task = step(inspector, task, "return")
    assert task.deadline == before
    task = step(county_admin, task, "report", note="再次整改", files=[photo()])
    task = step(inspector, task, "review")
    task = step(inspector, task, "return", deadline=days(5))
    assert task.deadline == days(5) and task.events.last().deadline == days(5)


def test_the_same_problem_at_the_same_unit_is_not_recorded_twice(finding, inspection,
                                                                 inspector, tree):
    # a second click of the phone form, or the same sheet imported again
    with pytest.raises(ValidationFailed) as again:
        services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
            tree.county_a, " 部分村党组织“三会一课”记录不全 "))
    with pytest.raises(ValidationFailed) as twice:
        services.findings_record(actor=inspector, inspection=inspection, rows=[
            (FindingData(tree.county_b, "台账缺失"), []),
            (FindingData(tree.county_b, "台账缺失"), [])])
    assert again.value.extra["errors"][0]["message"] == "该单位已录入同一问题（第 1 条）。"
    assert twice.value.extra["errors"] == [
        {"row": 2, "field": "description", "message": "与第 1 行的问题相同。"}]
    assert Finding.objects.count() == 1
    # the same words at another unit are another problem
    services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        tree.county_b, "部分村党组织“三会一课”记录不全"))


# --- findings attributed to a leading cadre ----------------------------------------------------

def test_a_finding_is_attributed_to_a_leading_cadre_of_its_unit(inspection, inspector, tree):
    finding = services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        tree.county_a, "信访积案化解不力", "serious", person=tree.person_a))
    finding.refresh_from_db()
    assert finding.person == tree.person_a
    audit = AuditEntry.objects.get(object_type="supervision.finding")
    assert audit.after["person"] == tree.person_a.pk


def test_a_finding_is_not_attributed_to_someone_of_another_unit_or_gone(inspection, inspector,
                                                                        tree):
    from tests.factories import PersonFactory

    gone = PersonFactory(unit=tree.county_a, name="离任干部", is_active=False)
    below = PersonFactory(unit=tree.township_a1, name="镇党委书记")
    with pytest.raises(ValidationFailed) as refused:
        services.findings_record(actor=inspector, inspection=inspection, rows=[
            (FindingData(tree.county_a, "问题一", person=tree.person_b), []),
            (FindingData(tree.county_a, "问题二", person=gone), []),
            (FindingData(tree.county_a, "问题三", person=below), []),
            (FindingData(tree.county_b, "问题四", person=tree.person_b), [])])
    assert [(e["row"], e["field"]) for e in refused.value.extra["errors"]] == [
        (1, "person"), (2, "person"), (3, "person")]
    assert tree.person_b.name in refused.value.extra["errors"][0]["message"]
    assert not Finding.objects.exists() and not Rectification.objects.exists()
