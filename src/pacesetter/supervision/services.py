"""Every write of supervision: inspections and their targets and checklists, findings with
their suggestions and evidence, rectifications from findings or other sources, and each step
of a rectification's lifecycle. Each in a transaction, each audited, each step also kept in
the rectification's own history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.notifications.services import Message, notify_each
from pacesetter.orgs.models import Person, Role, RoleGrant, Unit
from pacesetter.supervision import access, lifecycle, schedule
from pacesetter.supervision.models import (
    ChecklistItem,
    Evidence,
    FeedbackCadence,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionTarget,
    RecheckVerdict,
    Rectification,
    RectificationEvent,
    RectificationSource,
    RectificationState,
    Severity,
    Suggestion,
    Verdict,
)
from pacesetter.userinput import clean_text, file_problems

#: The longest a note, a description and a suggestion may be (what the API accepts too).
NOTE_MAX = 2000
DESCRIPTION_MAX = 5000
#: A re-check's note, which the reopened task's history quotes after the re-check's title.
RECHECK_NOTE_MAX = NOTE_MAX - 300
#: The latest date a deadline may be: any real plan is earlier, and date arithmetic on it
#: (the warning days, the escalation days) stays in the calendar.
LATEST_DEADLINE = datetime.date(2100, 12, 31)

#: Steps that send the task back to the unit with a new deadline: given, or (when reopened, or
#: returned after the deadline has passed) the severity's default from today.
NEW_DEADLINE_STEPS = frozenset({"return", "reopen"})
RECTIFICATION_FIELDS = ["serial", "source", "content", "lead_unit", "assisting_units",
                        "responsible", "measures", "deadline", "feedback_cadence", "state"]


# ---------------------------------------------------------------------------------------------
# inspections


@dataclass
class TargetData:
    unit: Unit
    reason: str = ""
    figures: Mapping[str, Any] = field(default_factory=dict)


@transaction.atomic
def inspection_create(*, actor: Any, owner: Unit, title: str, starts_on: datetime.date,
                      ends_on: datetime.date, targets: Sequence[TargetData],
                      kind: str = InspectionKind.INSPECTION, purpose: str = "",
                      leader: Person | None = None, members: Sequence[Person] = (),
                      checklist: Sequence[tuple[str, str]] = (),
                      source: Mapping[str, Any] | None = None,
                      rechecks: Inspection | None = None) -> Inspection:
    """Plan an inspection: its team, the units it visits (with why, and the figures behind
    it when they come from a ranking) and its checklist."""
    if not access.can_supervise(actor, owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    problems: dict[str, str] = {}
    if not clean_text(title):
        problems["title"] = _("Give the inspection a title.")
    if ends_on < starts_on:
        problems["ends_on"] = _("The end is before the start.")
    if kind not in InspectionKind.values:
        problems["kind"] = _("Unknown kind.")
    if kind == InspectionKind.RECHECK and rechecks is None:
        problems["rechecks"] = _("Choose the inspection the re-check revisits.")
    elif rechecks is not None and kind != InspectionKind.RECHECK:
        problems["rechecks"] = _("Only a re-check revisits an earlier inspection.")
    elif rechecks is not None and rechecks.owner_id != owner.pk:
        problems["rechecks"] = _("A re-check revisits an inspection of the same organizer.")
    elif rechecks is not None and not targets:
        targets = recheck_targets(rechecks)
        if not targets:
            problems["rechecks"] = _("“%(title)s” has no closed-out finding to revisit yet.") % {
                "title": rechecks.title}
    units = [t.unit for t in targets]
    if not units and "rechecks" not in problems:
        problems["targets"] = _("Choose the units to inspect.")
    elif len({u.pk for u in units}) != len(units):
        problems["targets"] = _("A unit is listed twice.")
    elif any(not u.path.startswith(owner.path) or u.pk == owner.pk for u in units):
        problems["targets"] = _("Inspect only units under the organizer.")
    codes = [clean_text(code) for code, _text in checklist]
    if len(set(codes)) != len(codes) or not all(codes) or not all(
            clean_text(text) for _code, text in checklist):
        problems["checklist"] = _("Give each checklist item a distinct code and a text.")
    _refuse(problems)
    inspection = Inspection.objects.create(
        owner=owner, title=clean_text(title), kind=kind, purpose=clean_text(purpose),
        starts_on=starts_on, ends_on=ends_on, leader=leader, source=dict(source or {}),
        rechecks=rechecks, created_by=_user_or_none(actor))
    inspection.members.set(members)
    InspectionTarget.objects.bulk_create([
        InspectionTarget(inspection=inspection, unit=t.unit, reason=clean_text(t.reason)[:300],
                         figures=dict(t.figures), position=n)
        for n, t in enumerate(targets, start=1)])
    ChecklistItem.objects.bulk_create([
        ChecklistItem(inspection=inspection, code=code, text=clean_text(text)[:300],
                      position=n)
        for n, (code, (_code, text)) in enumerate(zip(codes, checklist, strict=True), 1)])
    entry_record(actor=actor, obj=inspection, action=AuditAction.CREATE, unit_path=owner.path,
                 after={**snapshot(inspection, ["title", "kind", "starts_on", "ends_on"]),
                        "targets": [t.unit.name for t in targets],
                        "checklist": [f"{c} {t}" for c, t in checklist]})
    return inspection


def recheck_targets(rechecked: Inspection) -> list[TargetData]:
    """The units a re-check of ``rechecked`` visits unless told otherwise: those with a
    closed-out finding, in the order they were inspected, each with how many."""
    closed = dict(Finding.objects.filter(
        inspection=rechecked, rectification__state=RectificationState.CLOSED)
        .values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    return [TargetData(t.unit, ngettext("%(count)d closed-out finding to revisit",
                                        "%(count)d closed-out findings to revisit",
                                        closed[t.unit_id]) % {"count": closed[t.unit_id]})
            for t in rechecked.targets.select_related("unit").order_by("position", "pk")
            if t.unit_id in closed]


@transaction.atomic
def inspection_from_ranking(*, actor: Any, owner: Unit, source_kind: str, source_id: Any,
                            bottom: int | Mapping[str, int], title: str,
                            starts_on: datetime.date, ends_on: datetime.date,
                            **plan: Any) -> Inspection:
    """Inspect the bottom of a ranking: ``source_kind`` "survey" (a campaign's satisfaction
    index) or "assessment" (a plan's latest published result); ``bottom`` the number per
    ranking group (or per group name). The targets come with the reason and the figures;
    ``plan`` may make it a guidance visit (``kind``)."""
    from pacesetter.supervision import selectors

    if source_kind == "survey":
        origin, ranked = selectors.survey_bottom(actor=actor, campaign_id=source_id,
                                                 bottom=bottom)
        label = origin.title
    elif source_kind == "assessment":
        origin, ranked = selectors.assessment_bottom(actor=actor, plan_id=source_id,
                                                     bottom=bottom)
        label = origin.name
    else:
        raise ValidationFailed(_("Choose a survey or an assessment."))
    if not ranked:
        raise ValidationFailed(_("No unit is ranked at the bottom of “%(title)s” yet.")
                               % {"title": label})
    return inspection_create(
        actor=actor, owner=owner, title=title, starts_on=starts_on, ends_on=ends_on,
        targets=[TargetData(r.unit, r.reason, r.figures) for r in ranked],
        source={"kind": source_kind, "id": origin.pk, "title": label,
                "bottom": dict(bottom) if isinstance(bottom, Mapping) else bottom},
        **plan)


@transaction.atomic
def inspection_move(*, actor: Any, inspection: Inspection, state: str) -> Inspection:
    """Start (under way) or conclude an inspection; a concluded one records no more
    findings."""
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related(
        "owner").get(pk=inspection.pk)
    if not access.can_supervise(actor, inspection.owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    allowed = {InspectionState.PLANNED: {InspectionState.UNDER_WAY},
               InspectionState.UNDER_WAY: {InspectionState.CONCLUDED}}
    if state not in allowed.get(inspection.state, set()):
        raise Conflict(_("The inspection is “%(state)s”: it cannot move this way.")
                       % {"state": inspection.get_state_display()})
    before = snapshot(inspection, ["state"])
    inspection.state = state
    inspection.save(update_fields=["state"])
    entry_record(actor=actor, obj=inspection, action=AuditAction.UPDATE,
                 unit_path=inspection.owner.path, before=before, after={"state": state})
    return inspection


@transaction.atomic
def categories_set(*, actor: Any, owner: Unit, names: Sequence[str]) -> list[FindingCategory]:
    """The organizer's list of finding categories, in this order. A category in use is kept
    (set aside when left out), never deleted."""
    if not access.can_supervise(actor, owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    wanted = [clean_text(n)[:100] for n in names if clean_text(n)]
    if len(set(wanted)) != len(wanted):
        raise ValidationFailed(_("A category is listed twice."))
    existing = {c.name: c for c in FindingCategory.objects.filter(owner=owner)}
    rows = []
    for position, name in enumerate(wanted, start=1):
        category = existing.pop(name, None) or FindingCategory(owner=owner, name=name)
        category.position, category.is_active = position, True
        category.save()
        rows.append(category)
    FindingCategory.objects.filter(pk__in=[c.pk for c in existing.values()]).update(
        is_active=False)
    entry_record(actor=actor, obj=owner, action=AuditAction.UPDATE, unit_path=owner.path,
                 after={"finding_categories": wanted})
    return rows


# ---------------------------------------------------------------------------------------------
# findings


@dataclass
class FindingData:
    unit: Unit
    description: str
    severity: str = Severity.MODERATE
    category: FindingCategory | None = None
    checklist_item: ChecklistItem | None = None
    suggestions: Sequence[str] = ()
    deadline: datetime.date | None = None
    responsible: Person | None = None
    #: The leading cadre the finding is attributed to: an active person of ``unit``.
    person: Person | None = None


def finding_problems(inspection: Inspection, data: FindingData,
                     targets: set[int]) -> dict[str, str]:
    """What is wrong with a finding of ``inspection`` (``targets``: its target units' ids),
    by field; shared by the form, the API and the Excel import."""
    problems: dict[str, str] = {}
    if data.unit.pk not in targets:
        problems["unit"] = _("“%(unit)s” is not a target of this inspection.") % {
            "unit": data.unit.name}
    if not clean_text(data.description):
        problems["description"] = _("Describe the problem.")
    elif len(data.description) > DESCRIPTION_MAX:
        problems["description"] = _too_long(DESCRIPTION_MAX)
    if any(len(text) > NOTE_MAX for text in data.suggestions):
        problems["suggestions"] = _too_long(NOTE_MAX)
    if data.severity not in Severity.values:
        problems["severity"] = _("Choose the severity.")
    if data.category is not None and (data.category.owner_id != inspection.owner_id
                                      or not data.category.is_active):
        problems["category"] = _("Choose a category of the organizer's list.")
    if data.checklist_item is not None and data.checklist_item.inspection_id != inspection.pk:
        problems["checklist_item"] = _("Choose an item of this inspection's checklist.")
    if data.deadline is not None and data.deadline < timezone.localdate():
        problems["deadline"] = _("The deadline has passed already.")
    elif data.deadline is not None and data.deadline > LATEST_DEADLINE:
        problems["deadline"] = _late_date()
    if data.person is not None and (data.person.unit_id != data.unit.pk
                                    or not data.person.is_active):
        problems["person"] = _("A finding is attributed to a leading cadre of its unit: "
                               "“%(name)s” is not an active member of %(unit)s.") % {
            "name": data.person.name, "unit": data.unit.name}
    return problems


@transaction.atomic
def finding_record(*, actor: Any, inspection: Inspection, data: FindingData,
                   files: Sequence[Any] = ()) -> Finding:
    """Record a finding (on site, from a phone, or after) with its suggestions and photos;
    it yields a registered rectification for the unit, due by the severity's default unless a
    deadline is given."""
    return findings_record(actor=actor, inspection=inspection, rows=[(data, files)])[0]


@transaction.atomic
def findings_record(*, actor: Any, inspection: Inspection,
                    rows: Sequence[tuple[FindingData, Sequence[Any]]]) -> list[Finding]:
    """Record several findings at once, all or none (the Excel import): every bad row is
    named, by its position in ``rows`` (from 1)."""
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related(
        "owner").get(pk=inspection.pk)
    if not access.can_supervise(actor, inspection.owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    if inspection.state == InspectionState.CONCLUDED:
        raise Conflict(_("The inspection is concluded: it records no more findings."))
    targets = set(inspection.targets.values_list("unit_id", flat=True))
    recorded = {(unit_id, text): number for unit_id, text, number in
                inspection.findings.values_list("unit_id", "description", "number")}
    earlier_rows: dict[tuple[int, str], int] = {}
    errors = []
    for number, (data, files) in enumerate(rows, start=1):
        problems = finding_problems(inspection, data, targets)
        same = (data.unit.pk, clean_text(data.description))
        if "description" not in problems and same in recorded:
            problems["description"] = _(
                "This problem is recorded at this unit already (finding %(number)d).") % {
                "number": recorded[same]}
        elif "description" not in problems and same in earlier_rows:
            problems["description"] = _("The same problem is in row %(row)d too.") % {
                "row": earlier_rows[same]}
        earlier_rows.setdefault(same, number)
        file_errors = file_problems(files)
        if file_errors:
            problems["files"] = file_errors[0]
        errors.extend({"row": number, "field": key, "message": message}
                      for key, message in problems.items())
    if errors:
        raise ValidationFailed(_("Please correct the findings below: nothing was recorded."),
                               extra={"errors": errors})
    number = (inspection.findings.aggregate(last=Max("number"))["last"] or 0)
    today = timezone.localdate()
    findings, changes = [], []
    for data, files in rows:
        number += 1
        finding = Finding.objects.create(
            inspection=inspection, number=number, unit=data.unit, category=data.category,
            checklist_item=data.checklist_item, description=clean_text(data.description),
            severity=data.severity, person=data.person, recorded_by=_user_or_none(actor))
        Suggestion.objects.bulk_create([
            Suggestion(finding=finding, text=clean_text(text), position=n)
            for n, text in enumerate([t for t in data.suggestions if clean_text(t)], 1)])
        _evidence_save(actor, files, finding=finding)
        rectification = _rectification_new(
            actor, owner=inspection.owner, source=RectificationSource.FINDING,
            content=finding.description, lead_unit=data.unit, finding=finding,
            deadline=data.deadline or schedule.default_deadline(data.severity, today),
            responsible=data.responsible, source_note=inspection.title)
        findings.append(finding)
        changes.append(Change(obj=finding, action=AuditAction.CREATE, unit_path=data.unit.path,
                              after={"inspection": inspection.title, "number": number,
                                     "description": finding.description,
                                     "severity": data.severity,
                                     "person": data.person.pk if data.person else None,
                                     "suggestions": list(data.suggestions),
                                     "rectification": rectification.serial}))
    entries_record(actor=actor, changes=changes)
    return findings


# ---------------------------------------------------------------------------------------------
# re-checks (回头看)


@transaction.atomic
def recheck_verdict_record(*, actor: Any, recheck: Inspection, finding: Finding, verdict: str,
                           note: str = "", deadline: datetime.date | None = None
                           ) -> RecheckVerdict:
    """回头看: the re-check's word on a closed-out finding of the inspection it revisits, at
    one of its target units. ``holds``: the rectification held; ``reopened``: the problem is
    back, and its task returns to the unit (in progress) with the reason and a new deadline
    (the severity's default unless given). One verdict per finding and re-check."""
    recheck = Inspection.objects.select_for_update(of=("self",)).select_related(
        "owner").get(pk=recheck.pk)
    if not access.can_supervise(actor, recheck.owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    if recheck.kind != InspectionKind.RECHECK or recheck.rechecks_id is None:
        raise Conflict(_("This inspection is not a re-check."))
    if recheck.state == InspectionState.CONCLUDED:
        raise Conflict(_("The re-check is concluded: it records no more verdicts."))
    finding = Finding.objects.select_related("unit").get(pk=finding.pk)
    if finding.inspection_id != recheck.rechecks_id:
        raise ValidationFailed(_("This finding is not of the inspection re-checked."))
    if not recheck.targets.filter(unit_id=finding.unit_id).exists():
        raise ValidationFailed(_("“%(unit)s” is not a target of this re-check.")
                               % {"unit": finding.unit.name})
    task = Rectification.objects.select_for_update().filter(finding=finding).first()
    if task is None or task.state != RectificationState.CLOSED:
        raise Conflict(_("Only a closed-out finding is re-checked; this one is “%(state)s”.")
                       % {"state": task.get_state_display() if task else "—"})
    if RecheckVerdict.objects.filter(recheck=recheck, finding=finding).exists():
        raise Conflict(_("This finding has been re-checked already."))
    note = clean_text(note)
    problems: dict[str, str] = {}
    if verdict not in Verdict.values:
        problems["verdict"] = _("Say whether the rectification holds or the problem is back.")
    elif verdict == Verdict.REOPENED and not note:
        problems["note"] = _("Say what the re-check found.")
    if len(note) > RECHECK_NOTE_MAX:
        problems["note"] = _too_long(RECHECK_NOTE_MAX)
    _refuse(problems)
    row = RecheckVerdict.objects.create(recheck=recheck, finding=finding, verdict=verdict,
                                        note=note, by=_user_or_none(actor))
    if verdict == Verdict.REOPENED:
        rectification_step(actor=actor, rectification=task, step="reopen", deadline=deadline,
                           note=_("Re-check “%(title)s”: %(note)s")
                           % {"title": recheck.title, "note": note})
    entry_record(actor=actor, obj=finding, action=AuditAction.UPDATE,
                 unit_path=finding.unit.path,
                 after={"recheck": recheck.title, "verdict": verdict, "note": note},
                 note=str(Verdict(verdict).label))
    return row


# ---------------------------------------------------------------------------------------------
# rectifications


@transaction.atomic
def rectification_register(*, actor: Any, owner: Unit, source: str, content: str,
                           lead_unit: Unit, deadline: datetime.date,
                           source_note: str = "", assisting_units: Sequence[Unit] = (),
                           responsible: Person | None = None, measures: str = "",
                           feedback_cadence: str = FeedbackCadence.NONE) -> Rectification:
    """Register a rectification from another source than a finding: a leader's instruction
    (领导批示), a meeting decision (会议议定事项), a higher-level assignment or a public
    complaint."""
    if not access.can_supervise(actor, owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    problems: dict[str, str] = {}
    if source not in RectificationSource.values or source == RectificationSource.FINDING:
        problems["source"] = _("Choose where the task comes from.")
    if not clean_text(content):
        problems["content"] = _("Say what is to be rectified.")
    for unit in (lead_unit, *assisting_units):
        if not unit.path.startswith(owner.path) or unit.pk == owner.pk:
            problems["lead_unit"] = _("“%(unit)s” is not under the supervising unit.") % {
                "unit": unit.name}
    if lead_unit in assisting_units:
        problems["assisting_units"] = _("The lead unit does not also assist.")
    if deadline < timezone.localdate():
        problems["deadline"] = _("The deadline has passed already.")
    elif deadline > LATEST_DEADLINE:
        problems["deadline"] = _late_date()
    if feedback_cadence not in FeedbackCadence.values:
        problems["feedback_cadence"] = _("Choose how often the unit reports.")
    _refuse(problems)
    rectification = _rectification_new(
        actor, owner=owner, source=source, content=clean_text(content), lead_unit=lead_unit,
        deadline=deadline, responsible=responsible, source_note=clean_text(source_note),
        measures=clean_text(measures), feedback_cadence=feedback_cadence)
    rectification.assisting_units.set(assisting_units)
    entry_record(actor=actor, obj=rectification, action=AuditAction.CREATE,
                 unit_path=lead_unit.path, after=snapshot(rectification, RECTIFICATION_FIELDS))
    return rectification


def _rectification_new(actor: Any, *, owner: Unit, source: str, content: str,
                       lead_unit: Unit, deadline: datetime.date, finding: Finding | None = None,
                       **fields: Any) -> Rectification:
    rectification = Rectification.objects.create(
        owner=owner, serial=_next_serial(owner, timezone.localdate().year), source=source,
        content=content, lead_unit=lead_unit, finding=finding, deadline=deadline,
        created_by=_user_or_none(actor), **fields)
    RectificationEvent.objects.create(rectification=rectification, step="register",
                                      to_state=RectificationState.REGISTERED,
                                      actor=_user_or_none(actor), deadline=deadline)
    return rectification


def _next_serial(owner: Unit, year: int) -> str:
    """督-<organizer code>-<year>-<number>, numbered per organizer and year. The organizer's
    row is locked so that two registrations never take the same number."""
    Unit.objects.select_for_update().filter(pk=owner.pk).first()
    prefix = f"督-{owner.code}-{year}-"
    last = (Rectification.objects.filter(serial__startswith=prefix)
            .order_by("-serial").values_list("serial", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def rectification_step(*, actor: Any, rectification: Rectification, step: str,
                       note: str = "", deadline: datetime.date | None = None,
                       files: Sequence[Any] = ()) -> Rectification:
    """Take a lifecycle step (``lifecycle.STEPS``) if the actor holds its role and the task is
    in one of its states. ``request_extension`` needs a reason and a later date, before the
    deadline; ``report`` a text and evidence; ``return``, ``decline_extension`` and
    ``reopen`` a reason; ``return`` and ``reopen`` take a new deadline (``NEW_DEADLINE_STEPS``).
    Lateness at acceptance, report and completion is recorded as flags."""
    rectification = Rectification.objects.select_for_update(of=("self",)).select_related(
        "owner", "lead_unit").get(pk=rectification.pk)
    found = lifecycle.STEPS.get(step)
    if found is None:
        raise ValidationFailed(_("Unknown step."))
    if found.by not in access.roles_on(actor, rectification):
        raise PermissionDenied(_("You may not take this step on this task."))
    if rectification.state not in found.sources:
        raise Conflict(_("The task is “%(state)s”: it cannot be moved this way now.")
                       % {"state": rectification.get_state_display()})
    note = clean_text(note)
    today = timezone.localdate()
    problems: dict[str, str] = {}
    if len(note) > NOTE_MAX:
        problems["note"] = _too_long(NOTE_MAX)
    elif found.note_required and not note:
        problems["note"] = _("A reason is required for this step.") if step != "report" else \
            _("Describe what was done.")
    if found.evidence_required and not files:
        problems["files"] = _("Attach the evidence (photos or files).")
    file_errors = file_problems(files)
    if file_errors:
        problems["files"] = file_errors[0]
    if step == "request_extension":
        if today > rectification.deadline:
            problems["deadline"] = _("The deadline has passed: an extension is asked before "
                                     "it.")
        elif deadline is None or deadline <= rectification.deadline:
            problems["deadline"] = _("Ask for a date after the current deadline.")
    if deadline is not None and deadline > LATEST_DEADLINE:
        problems["deadline"] = _late_date()
    elif step in NEW_DEADLINE_STEPS:
        if deadline is not None and deadline <= today:
            problems["deadline"] = _("Give a deadline after today.")
        elif deadline is None and (step == "reopen" or rectification.deadline < today):
            deadline = schedule.default_deadline(_severity_of(rectification), today)
    _refuse(problems)
    before = snapshot(rectification, ["state", "deadline"])
    now = timezone.now()
    _apply(rectification, step, today, now, deadline)
    rectification.state = found.target
    rectification.save()
    event = RectificationEvent.objects.create(
        rectification=rectification, step=step, from_state=before["state"],
        to_state=found.target, actor=_user_or_none(actor), note=note,
        deadline=rectification.requested_deadline if step == "request_extension" else
        rectification.deadline)
    _evidence_save(actor, files, rectification=rectification, event=event)
    entry_record(actor=actor, obj=rectification, action=AuditAction.UPDATE,
                 unit_path=rectification.lead_unit.path, before=before,
                 after={**snapshot(rectification, ["state", "deadline"]), "note": note,
                        "files": [f.name for f in files]},
                 note=str(found.label))
    _notify_step(actor, rectification, found, note)
    return rectification


def _apply(rectification: Rectification, step: str, today: datetime.date,
           now: datetime.datetime, deadline: datetime.date | None) -> None:
    """What a step changes besides the state: times, lateness flags, the deadline."""
    if step == "assign":
        rectification.assigned_at = now
    elif step == "accept":
        assigned = timezone.localdate(rectification.assigned_at or now)
        rectification.accepted_at = now
        rectification.accepted_late = schedule.accepted_late(assigned, today)
    elif step == "request_extension":
        rectification.requested_deadline = deadline
    elif step == "approve_extension":
        rectification.deadline = rectification.requested_deadline or rectification.deadline
        rectification.requested_deadline = None
        rectification.escalation = 0
    elif step == "decline_extension":
        rectification.requested_deadline = None
    elif step == "report":
        rectification.reported_at = now
        rectification.reported_late = today > rectification.deadline
    elif step == "complete":
        rectification.completed_at = now
        rectification.completed_late = today > rectification.deadline
    elif step == "close":
        rectification.closed_at = now
    elif step == "reopen":
        rectification.completed_at = rectification.closed_at = None
    if step in NEW_DEADLINE_STEPS and deadline is not None:
        rectification.deadline = deadline
        rectification.escalation = 0


def _severity_of(rectification: Rectification) -> str:
    finding = Finding.objects.filter(rectification=rectification).only("severity").first()
    return finding.severity if finding else Severity.MODERATE


def _notify_step(actor: Any, rectification: Rectification, step: lifecycle.Step,
                 note: str) -> None:
    """The other side learns of the step: the unit of what the supervisors did, the
    supervisors of what the unit did."""
    if step.by == lifecycle.SUPERVISOR:
        unit, roles = rectification.lead_unit, (Role.ORG_ADMIN, Role.REPORTER)
    else:
        unit, roles = rectification.owner, (Role.ORG_ADMIN, Role.INSPECTOR)
    title = _("%(step)s: %(serial)s") % {"step": step.label, "serial": rectification.serial}
    body = note or rectification.content[:200]
    notify_each(Message(recipient_id=user_id, kind=f"supervision.{step.name}", title=title,
                        body=body, url=_url(rectification), unit_path=rectification.lead_unit.path)
                for user_id in _holders(unit, roles, actor))


def _holders(unit: Unit, roles: Iterable[str], actor: Any) -> list[int]:
    """The active users holding one of ``roles`` on ``unit``, the actor left out."""
    return list(RoleGrant.objects.filter(unit=unit, role__in=list(roles), user__is_active=True)
                .exclude(user_id=getattr(actor, "pk", None))
                .values_list("user_id", flat=True).distinct())


def _url(rectification: Rectification) -> str:
    try:
        return reverse("supervision:rectification", args=[rectification.pk])
    except NoReverseMatch:  # the pages come with the app's urls
        return ""


# ---------------------------------------------------------------------------------------------
# escalation (督办)


@dataclass(frozen=True)
class EscalationReport:
    raised: int  # tasks whose level went up
    warned: int  # soon-due tasks whose unit was reminded


@transaction.atomic
def escalate_due(*, today: datetime.date | None = None) -> EscalationReport:
    """Chase the open tasks (run daily: Celery beat, or ``pacesetter escalate`` from cron).
    Overdue: the unit's leaders (its administrators) are told (level 1); overdue more than a
    week: the supervising department is told too (level 2). Due within the warning days: the
    unit is reminded once a day. Each level is reached once, and recorded.

    Only tasks due by the end of the warning days are read (the others have nothing to
    chase); the levels are written one ``UPDATE`` per level and the people to tell are read in
    one query, so a province's daily run costs a few queries, not a few per task."""
    today = today or timezone.localdate()
    warn_until = today + datetime.timedelta(days=schedule.WARN_DAYS)
    due = list(Rectification.objects.filter(state__in=lifecycle.OPEN, deadline__lte=warn_until)
               .select_related("owner", "lead_unit").select_for_update(of=("self",))
               .order_by("pk"))
    raised: dict[int, list[Rectification]] = {1: [], 2: []}
    warned: list[Rectification] = []
    for task in due:
        level = schedule.escalation_due(task.deadline, today, True, task.escalation)
        if level > task.escalation:
            raised[level].append(task)
        elif schedule.traffic_light(task.deadline, today, False) == schedule.YELLOW:
            warned.append(task)
    holders = _holders_of({t.lead_unit_id for t in due} | {t.owner_id for t in due})
    messages, changes, now = [], [], timezone.now()
    for level, tasks in raised.items():
        Rectification.objects.filter(pk__in=[t.pk for t in tasks]).update(
            escalation=level, updated_at=now)
        for task in tasks:
            changes.append(Change(obj=task, action=AuditAction.UPDATE,
                                  unit_path=task.lead_unit.path,
                                  before={"escalation": task.escalation},
                                  after={"escalation": level}))
            task.escalation = level
            messages.extend(_escalation_messages(task, level, today, holders))
    for task in warned:
        messages.extend(_reminders(task, holders))
    notify_each(messages)
    if changes:
        entries_record(actor=None, changes=changes)
    return EscalationReport(raised=len(changes), warned=len(warned))


def _holders_of(unit_ids: set[int]) -> dict[tuple[int, str], list[int]]:
    """The active users holding each role on each of these units: one query."""
    found: dict[tuple[int, str], list[int]] = {}
    for unit_id, role, user_id in (RoleGrant.objects.filter(
            unit_id__in=unit_ids, user__is_active=True).order_by("user_id")
            .values_list("unit_id", "role", "user_id").distinct()):
        found.setdefault((unit_id, role), []).append(user_id)
    return found


def _escalation_messages(task: Rectification, level: int, today: datetime.date,
                         holders: Mapping[tuple[int, str], list[int]]) -> list[Message]:
    late = schedule.days_overdue(task.deadline, today)
    title = _("Overdue %(days)d days: %(serial)s") % {"days": late, "serial": task.serial}
    recipients = list(holders.get((task.lead_unit_id, Role.ORG_ADMIN), []))
    if level >= 2:
        for role in (Role.ORG_ADMIN, Role.INSPECTOR):
            recipients += holders.get((task.owner_id, role), [])
    return [Message(recipient_id=user_id, kind="supervision.escalation", title=title,
                    body=task.content[:200], url=_url(task), unit_path=task.lead_unit.path)
            for user_id in dict.fromkeys(recipients)]


def _reminders(task: Rectification,
               holders: Mapping[tuple[int, str], list[int]]) -> list[Message]:
    title = _("Due on %(day)s: %(serial)s") % {"day": f"{task.deadline:%Y-%m-%d}",
                                                "serial": task.serial}
    recipients = (holders.get((task.lead_unit_id, Role.ORG_ADMIN), [])
                  + holders.get((task.lead_unit_id, Role.REPORTER), []))
    return [Message(recipient_id=user_id, kind="supervision.reminder", title=title,
                    body=task.content[:200], url=_url(task), unit_path=task.lead_unit.path)
            for user_id in dict.fromkeys(recipients)]


# ---------------------------------------------------------------------------------------------
# helpers


def _evidence_save(actor: Any, files: Sequence[Any], **owner: Any) -> None:
    for f in files:
        Evidence(file=f, name=f.name[:200], size=f.size, uploaded_by=_user_or_none(actor),
                 **owner).save()


def _too_long(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}


def _late_date() -> str:
    return _("Give a date no later than %(day)s.") % {"day": f"{LATEST_DEADLINE:%Y-%m-%d}"}


def _refuse(problems: Mapping[str, str]) -> None:
    if problems:
        raise ValidationFailed(_("Please correct the fields below."), extra={"errors": [
            {"field": key, "message": message} for key, message in problems.items()]})


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None

