"""The achievement list (实绩清单) and negative list (负面表现清单), and evidence files.

Writes (atomic, permission-checked, audited) and reads (scoped to the caller) of list entries
and of the attachments that back them or a reported figure, and the count of confirmed entries
that a list-sourced bonus or deduction item takes as its value when the plan is scored.

Who does what:
- a unit's reporters (and its own administrators) add entries for it; these are *reported*;
- the plan's administrators, or administrators of a unit above it, add entries that are
  *confirmed* at once, and confirm or reject (with a reason) the reported ones;
- everyone who sees the unit sees its entries and their evidence; the plan's administrators
  see every entry of the plan;
- entries that flow in from other areas (a project accepted, a roadshow result, a finding of an
  inspection, a published result) are collected by the system (``list_entry_from_origin``):
  confirmed at once, linked to where they came from, and never collected twice;
- those who confirm a unit's entries may record a tolerance decision (容错认定) on a confirmed
  negative entry, once; the entry then counts under no deduction.
"""

from __future__ import annotations

import datetime
import posixpath
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.assessment import access, scoring
from pacesetter.assessment.models import (
    AssessmentPlan,
    Attachment,
    EntryKind,
    EntrySource,
    EntryStatus,
    IndicatorValue,
    ListEntry,
    PlanIndicator,
    PlanStatus,
    PlanUnit,
    RuleKind,
    Submission,
    SubmissionStatus,
    ToleranceDecision,
)
from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit
from pacesetter.orgs.services import full_clean_or_fail

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
TEXT_LIMIT = 2000
ENTRY_AUDIT_FIELDS = ("kind", "unit", "plan", "plan_indicator", "date", "text", "source",
                      "status", "reject_reason")
ORIGIN_AUDIT_FIELDS = ("person", "origin_type", "origin_id", "origin_label", "origin_url")
#: The longest an origin's label and link, and a tolerance decision's approver, may be.
ORIGIN_LABEL_LIMIT = 300
APPROVER_LIMIT = 200
OPEN_PLAN = (PlanStatus.COLLECTING, PlanStatus.SCORING)
ITEM_FOR_KIND = {EntryKind.ACHIEVEMENT: RuleKind.BONUS, EntryKind.NEGATIVE: RuleKind.DEDUCTION}

_OLE = ((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),)
_ZIP = ((0, b"PK\x03\x04"),)
# extension: (content type, accepted leading signatures as (offset, bytes))
EVIDENCE_TYPES: dict[str, tuple[str, tuple[tuple[int, bytes], ...]]] = {
    "pdf": ("application/pdf", ((0, b"%PDF-"),)),
    "ofd": ("application/ofd", _ZIP),
    "jpg": ("image/jpeg", ((0, b"\xff\xd8\xff"),)),
    "jpeg": ("image/jpeg", ((0, b"\xff\xd8\xff"),)),
    "png": ("image/png", ((0, b"\x89PNG\r\n\x1a\n"),)),
    "gif": ("image/gif", ((0, b"GIF87a"), (0, b"GIF89a"))),
    "webp": ("image/webp", ((8, b"WEBP"),)),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "wps": ("application/vnd.ms-works", _OLE),
    "et": ("application/vnd.ms-excel", _OLE),
    "dps": ("application/vnd.ms-powerpoint", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             _ZIP),
}


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})


# ---------------------------------------------------------------------------------------------
# Evidence files


def _original_name(upload: Any) -> str:
    name = posixpath.basename(str(getattr(upload, "name", "") or "").replace("\\", "/"))
    return name.strip()[:255] or "file"


def evidence_check(upload: Any) -> tuple[str, str]:
    """(extension, content type) of an acceptable evidence file, else ``ValidationFailed``.

    The type is decided by the file name *and* its first bytes, never by what the browser
    claims, so a page renamed to .pdf is refused; the content type stored is ours."""
    name = _original_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        raise _fail("files", _("“%(name)s”: only PDF, OFD, images (JPG, PNG, GIF, WebP) and "
                               "office documents (Word, Excel, PowerPoint, WPS) are accepted.")
                    % {"name": name})
    size = getattr(upload, "size", None) or 0
    if size > MAX_EVIDENCE_BYTES:
        raise _fail("files", _("“%(name)s” is larger than 20 MB.") % {"name": name})
    if size == 0:
        raise _fail("files", _("“%(name)s” is empty.") % {"name": name})
    content_type, signatures = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head[offset:offset + len(magic)] == magic for offset, magic in signatures):
        raise _fail("files", _("“%(name)s” is not a valid %(type)s file.")
                    % {"name": name, "type": extension.upper()})
    return extension, content_type


def check_files(files: Sequence[Any], *, field: str = "files"
                ) -> list[tuple[Any, str, str]]:
    """Every file checked with ``evidence_check``; one ``ValidationFailed`` naming each refused
    file under ``field``."""
    if len(files) > MAX_FILES:
        raise _fail(field, _("Attach at most %(count)d files at a time.")
                    % {"count": MAX_FILES})
    errors, checked = [], []
    for upload in files:
        try:
            checked.append((upload, *evidence_check(upload)))
        except ValidationFailed as error:
            errors += [{"field": field, "message": e["message"]} for e in error.extra["errors"]]
    if errors:
        raise ValidationFailed(_("Nothing was saved: %(count)d files are refused.")
                               % {"count": len(errors)}, extra={"errors": errors})
    return checked


def _store(actor: Any, upload: Any, extension: str, content_type: str, *, unit: Unit,
           plan: AssessmentPlan | None, entry: ListEntry | None = None,
           value: IndicatorValue | None = None) -> Attachment:
    attachment = Attachment(original_name=_original_name(upload), size=upload.size,
                            content_type=content_type, unit=unit, plan=plan, entry=entry,
                            value=value, uploaded_by=actor)
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    attachment.save()
    return attachment


# ---------------------------------------------------------------------------------------------
# Who may do what


def may_confirm(actor: Any, unit: Unit, plan: AssessmentPlan | None) -> bool:
    """The plan's administrators, or administrators of a unit strictly above ``unit``: a unit
    does not confirm its own achievements."""
    if plan is not None and access.can_run(actor, plan):
        return True
    manage = scope.manage_scope(actor)
    return manage.everything or any(
        unit.path.startswith(root) and unit.path != root for root in manage.paths)


def _may_report(actor: Any, unit: Unit) -> bool:
    """The same rule as for a unit's figures: its reporters and administrators."""
    return scope.report_scope(actor).contains(unit.path)


def may_add(actor: Any, unit: Unit, plan: AssessmentPlan | None = None) -> bool:
    return may_confirm(actor, unit, plan) or _may_report(actor, unit)


def may_tolerate(actor: Any, entry: ListEntry, plan: AssessmentPlan | None = None) -> bool:
    """Who records a tolerance decision on ``entry``: those who may confirm its entries
    (``plan``: the entry's plan, when the caller has it loaded already), and for a cadre's
    entry only organization departments over the unit, as for adding to a cadre's lists."""
    if entry.person_id is not None and not scope.manage_scope(actor).contains(
            entry.unit.path):
        return False
    return may_confirm(actor, entry.unit, plan if plan is not None else entry.plan)


def tolerable(entry: ListEntry) -> bool:
    """Whether a tolerance decision may still be recorded on ``entry``: a confirmed negative
    entry without one (``entry.tolerance`` loaded, or a query)."""
    if entry.kind != EntryKind.NEGATIVE or entry.status != EntryStatus.CONFIRMED:
        return False
    return not hasattr(entry, "tolerance")  # the reverse one-to-one raises when there is none


def _require_open(plan: AssessmentPlan) -> None:
    if plan.status not in OPEN_PLAN:
        raise Conflict(_("The plan is %(status)s; its lists can change only while it collects "
                         "data or is being scored.") % {"status": plan.get_status_display()})


def _audit(actor: Any, entry: ListEntry, before: dict[str, Any] | None,
           files: Sequence[Attachment] = (), note: str = "", *,
           fields: Sequence[str] = ENTRY_AUDIT_FIELDS) -> None:
    after = snapshot(entry, fields)
    if files:
        after["evidence"] = [a.original_name for a in files]
    entry_record(actor=actor, obj=entry, unit_path=entry.unit.path,
                 action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
                 before=before, after=after, note=note)


# ---------------------------------------------------------------------------------------------
# Writes


def _entry_problems(*, unit: Unit, person: Person | None, kind: str, source: str,
                    date: datetime.date, text: str) -> list[dict[str, str]]:
    """What is wrong with an entry's fields, each named: the same for an entry recorded by a
    user and one collected from another area."""
    errors: list[dict[str, str]] = []
    if kind not in EntryKind.values:
        errors.append({"field": "kind", "message": _("Choose the achievement or the negative "
                                                     "list.")})
    if source not in EntrySource.values:
        errors.append({"field": "source", "message": _("Choose a source from the list.")})
    if not text:
        errors.append({"field": "text", "message": _("Describe the entry.")})
    elif len(text) > TEXT_LIMIT:
        errors.append({"field": "text", "message": _("Use at most %(count)d characters.")
                       % {"count": TEXT_LIMIT}})
    if date > timezone.localdate():
        errors.append({"field": "date", "message": _("The date cannot be in the future.")})
    if person is not None and person.unit_id != unit.pk:
        errors.append({"field": "person", "message": _("This person does not belong to the "
                                                       "unit.")})
    return errors


@transaction.atomic
def list_entry_create(*, actor: Any, unit: Unit, kind: str, date: datetime.date, text: str,
                      source: str = EntrySource.OTHER, plan: AssessmentPlan | None = None,
                      plan_indicator: PlanIndicator | None = None,
                      files: Sequence[Any] = (), person: Person | None = None) -> ListEntry:
    """Add an entry to a unit's achievement or negative list, or with ``person`` to the list
    of a leading cadre of ``unit``, with its evidence files.

    Linked to a plan, the subject must be assessed by it and the plan open (collecting or
    scoring); ``plan_indicator`` is then one of its bonus items for an achievement or one of
    its deduction items for a negative entry. Reported by the unit, the entry waits for
    confirmation; recorded by an administrator above it, it is confirmed at once. A cadre's
    lists are personnel records: only organization departments over the unit add to them."""
    if plan_indicator is not None and plan is None:
        plan = plan_indicator.plan
    confirming = may_confirm(actor, unit, plan)
    if person is not None and not scope.manage_scope(actor).contains(unit.path):
        raise PermissionDenied(_("Only organization departments over the cadre's unit may "
                                 "add to a cadre's lists."))
    if not confirming and not _may_report(actor, unit):
        raise PermissionDenied(_("You may not add entries to this unit's lists."))
    text = (text or "").strip()
    errors = _entry_problems(unit=unit, person=person, kind=kind, source=source, date=date,
                             text=text)
    if plan is not None:
        plan = AssessmentPlan.objects.select_related("owner", "period").get(pk=plan.pk)
        _require_open(plan)
        if not PlanUnit.objects.filter(plan=plan, unit=unit, person=person).exists():
            errors.append({"field": "person" if plan.of_people else "unit",
                           "message": _("This person is not assessed by the plan.")
                           if plan.of_people else _("This unit is not assessed by the plan.")})
    if plan_indicator is not None and (
            plan is None or plan_indicator.plan_id != plan.pk
            or plan_indicator.rule_kind != ITEM_FOR_KIND.get(kind)):
        errors.append({"field": "plan_indicator", "message": _(
            "An achievement counts under a bonus item of the plan, a negative entry under a "
            "deduction item.")})
    try:
        checked = check_files(files)
    except ValidationFailed as error:
        errors += error.extra["errors"]
    if errors:
        raise ValidationFailed(_("Nothing was saved: %(count)d fields are wrong.")
                               % {"count": len(errors)}, extra={"errors": errors})
    now = timezone.now()
    entry = ListEntry(kind=kind, unit=unit, person=person, plan=plan,
                      plan_indicator=plan_indicator, date=date,
                      text=text, source=source, recorded_by=actor,
                      status=EntryStatus.CONFIRMED if confirming else EntryStatus.REPORTED,
                      reviewed_by=actor if confirming else None,
                      reviewed_at=now if confirming else None)
    full_clean_or_fail(entry)
    entry.save()
    stored = [_store(actor, upload, extension, content_type, unit=unit, plan=plan, entry=entry)
              for upload, extension, content_type in checked]
    _audit(actor, entry, None, stored)
    return entry


@transaction.atomic
def list_entry_review(*, actor: Any, entry: ListEntry, confirm: bool, reason: str = ""
                      ) -> ListEntry:
    """Confirm a reported entry (it then counts), or reject it with a reason."""
    entry = ListEntry.objects.select_for_update(of=("self",)).select_related(
        "unit", "plan__owner", "plan__period").get(pk=entry.pk)
    if not may_confirm(actor, entry.unit, entry.plan):
        raise PermissionDenied(_("Only the plan's administrators or those above the unit may "
                                 "confirm its entries."))
    if entry.status != EntryStatus.REPORTED:
        raise Conflict(_("This entry has already been reviewed."))
    if entry.plan is not None:
        _require_open(entry.plan)
    reason = (reason or "").strip()[:500]
    if not confirm and not reason:
        raise _fail("reason", _("Say why the entry is rejected."))
    before = snapshot(entry, ENTRY_AUDIT_FIELDS)
    entry.status = EntryStatus.CONFIRMED if confirm else EntryStatus.REJECTED
    entry.reject_reason = "" if confirm else reason
    entry.reviewed_by, entry.reviewed_at = actor, timezone.now()
    entry.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    _audit(actor, entry, before)
    return entry


@transaction.atomic
def tolerance_decide(*, actor: Any, entry: ListEntry, reason: str, approver: str
                     ) -> ToleranceDecision:
    """Record a tolerance decision (容错认定, "三个区分开来") on a confirmed negative entry: the
    failing was a good-faith error made while trying, in reform or innovation, approved by
    ``approver`` (the leader or body, e.g. "县委常委会 2026-05-12"). From then on the entry counts
    under no deduction item (``count_into``) when its plan is scored again. Only those who
    confirm the unit's entries decide, for a cadre's entry only organization departments over
    the unit; a decision is made once and never changed. An entry of a plan changes only while
    the plan is open, as its review does: after publication, a correction reopens it."""
    entry = ListEntry.objects.select_for_update(of=("self",)).select_related(
        "unit", "plan__owner", "plan__period").get(pk=entry.pk)
    if not may_tolerate(actor, entry):
        raise PermissionDenied(
            _("Only organization departments over the cadre's unit may decide on a cadre's "
              "entries.") if entry.person_id is not None else
            _("Only the plan's administrators or those above the unit may decide on its "
              "entries."))
    if entry.kind != EntryKind.NEGATIVE or entry.status != EntryStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed entry of the negative list can be judged a "
                         "tolerated error; this one is %(kind)s, %(status)s.")
                       % {"kind": entry.get_kind_display(),
                          "status": entry.get_status_display()})
    if ToleranceDecision.objects.filter(entry=entry).exists():
        raise Conflict(_("A tolerance decision on this entry has been recorded already; it "
                         "cannot be changed."))
    if entry.plan is not None:
        _require_open(entry.plan)
    reason, approver = (reason or "").strip(), " ".join((approver or "").split())
    errors: list[dict[str, str]] = []
    if not reason:
        errors.append({"field": "reason", "message": _("Say why the failing is tolerated.")})
    elif len(reason) > TEXT_LIMIT:
        errors.append({"field": "reason", "message": _("Use at most %(count)d characters.")
                       % {"count": TEXT_LIMIT}})
    if not approver:
        errors.append({"field": "approver", "message": _(
            "Name the leader or body who approved it, e.g. 县委常委会 2026-05-12.")})
    elif len(approver) > APPROVER_LIMIT:
        errors.append({"field": "approver", "message": _("Use at most %(count)d characters.")
                       % {"count": APPROVER_LIMIT}})
    if errors:
        raise ValidationFailed(_("Nothing was saved: %(count)d fields are wrong.")
                               % {"count": len(errors)}, extra={"errors": errors})
    decision = ToleranceDecision(entry=entry, reason=reason, approver=approver,
                                 decided_by=actor)
    full_clean_or_fail(decision, exclude=["entry"])
    decision.save()
    entry_record(actor=actor, obj=decision, unit_path=entry.unit.path,
                 action=AuditAction.CREATE,
                 after={"entry": entry.pk, "person": entry.person_id, "text": entry.text,
                        "reason": reason, "approver": approver})
    return decision


def _origin_problems(*, unit: Unit, person: Person | None, kind: str, source: str,
                     date: datetime.date, text: str, origin_type: str, origin_id: Any,
                     origin_label: str, origin_url: str) -> list[dict[str, str]]:
    errors = _entry_problems(unit=unit, person=person, kind=kind, source=source, date=date,
                             text=text)
    if not origin_type or len(origin_type) > 64:
        errors.append({"field": "origin_type", "message": _("Name what the entry comes "
                                                            "from.")})
    if not isinstance(origin_id, int) or isinstance(origin_id, bool) or origin_id <= 0:
        errors.append({"field": "origin_id", "message": _("Give the id of what the entry "
                                                          "comes from.")})
    if len(origin_label) > ORIGIN_LABEL_LIMIT:
        errors.append({"field": "origin_label", "message": _("Use at most %(count)d "
                                                             "characters.")
                       % {"count": ORIGIN_LABEL_LIMIT}})
    if origin_url and (len(origin_url) > ORIGIN_LABEL_LIMIT or not origin_url.startswith("/")
                       or origin_url.startswith("//") or "\\" in origin_url
                       or any(c.isspace() for c in origin_url)):
        errors.append({"field": "origin_url", "message": _("The link must be a path inside "
                                                           "the site.")})
    return errors


@transaction.atomic
def list_entry_from_origin(*, unit: Unit, person: Person | None, kind: str, source: str,
                           date: datetime.date, text: str, origin_type: str, origin_id: int,
                           origin_label: str = "", origin_url: str = ""
                           ) -> tuple[ListEntry, bool]:
    """Collect an entry that flows in from another area: a unit's (``person`` None) or a
    leading cadre's of ``unit``, confirmed at once, recorded by no one (the audit log names
    the system), linked to its origin (``origin_type`` such as "projects.project" or
    "supervision.finding", ``origin_id``; ``origin_label`` is what the link reads,
    ``origin_url`` a path inside the site). Idempotent: an origin gives one entry per subject
    and list, so collecting again returns ``(the entry, False)``, also when two collections
    cross (the database's unique index decides); a new entry returns ``(entry, True)``."""
    text = (text or "").strip()
    origin_type, origin_label = (origin_type or "").strip(), (origin_label or "").strip()
    origin_url = (origin_url or "").strip()
    errors = _origin_problems(unit=unit, person=person, kind=kind, source=source, date=date,
                              text=text, origin_type=origin_type, origin_id=origin_id,
                              origin_label=origin_label, origin_url=origin_url)
    if errors:
        raise ValidationFailed(_("Nothing was saved: %(count)d fields are wrong.")
                               % {"count": len(errors)}, extra={"errors": errors})
    same = ListEntry.objects.filter(origin_type=origin_type, origin_id=origin_id,
                                    person=person, kind=kind)
    found = same.first()
    if found is not None:
        return found, False
    entry = ListEntry(kind=kind, unit=unit, person=person, date=date, text=text,
                      source=source, recorded_by=None, status=EntryStatus.CONFIRMED,
                      reviewed_at=timezone.now(), origin_type=origin_type,
                      origin_id=origin_id, origin_label=origin_label, origin_url=origin_url)
    # the origin's uniqueness is the unique index's to decide, in the savepoint below
    full_clean_or_fail(entry, exclude=["origin_id"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        found = same.first()
        if found is None:
            raise
        return found, False
    _audit(None, entry, None, note=_("Collected automatically"),
           fields=(*ENTRY_AUDIT_FIELDS, *ORIGIN_AUDIT_FIELDS))
    return entry, True


def _collected(plan: AssessmentPlan, origin_type: str) -> QuerySet[ListEntry]:
    """The plan's cadres' confirmed negative entries collected from ``origin_type`` and dated
    within its period, not judged tolerated errors: linked to this plan or to none yet."""
    return ListEntry.objects.filter(
        Q(plan=plan) | Q(plan__isnull=True), kind=EntryKind.NEGATIVE,
        status=EntryStatus.CONFIRMED, origin_type=origin_type, tolerance__isnull=True,
        person__isnull=False, date__range=(plan.period.start, plan.period.end),
        person__in=PlanUnit.objects.filter(plan=plan).values("person"))


def collected_counts(plan: AssessmentPlan, origin_type: str) -> dict[int, int]:
    """How many of each cadre's collected failings (``_collected``) count in ``plan``."""
    return dict(_collected(plan, origin_type).values("person").annotate(n=Count("pk"))
                .values_list("person", "n").order_by())


@transaction.atomic
def collected_count_under(*, actor: Any, plan: AssessmentPlan, plan_indicator: PlanIndicator,
                          origin_type: str) -> int:
    """Make the cadres' collected failings (``_collected``, e.g. the inspection findings
    attributed to them) count under ``plan_indicator``, one of the plan's deduction items
    fed by the lists: each entry not yet linked to a plan is linked to this one, audited.
    Only the plan's administrators, while it is open. Returns how many were linked."""
    if not access.can_run(actor, plan):
        raise PermissionDenied(_("Only the plan's administrators may do this."))
    _require_open(plan)
    if (plan_indicator.plan_id != plan.pk or plan_indicator.rule_kind != RuleKind.DEDUCTION
            or not scoring.from_lists(plan_indicator.rule_kind, plan_indicator.rule)):
        raise _fail("plan_indicator", _("Choose a deduction item of the plan fed by the "
                                        "negative lists."))
    entries = list(_collected(plan, origin_type).filter(plan__isnull=True)
                   .select_related("unit").select_for_update(of=("self",)))
    changes = []
    for entry in entries:
        before = snapshot(entry, ENTRY_AUDIT_FIELDS)
        entry.plan, entry.plan_indicator = plan, plan_indicator
        changes.append(Change(obj=entry, action=AuditAction.UPDATE, unit_path=entry.unit.path,
                              before=before, after=snapshot(entry, ENTRY_AUDIT_FIELDS)))
    ListEntry.objects.bulk_update(entries, ["plan", "plan_indicator"])
    entries_record(actor=actor, changes=changes,
                   note=_("Counted under %(item)s") % {"item": plan_indicator.indicator.code})
    return len(entries)


def _values_open(actor: Any, plan: AssessmentPlan, unit: Unit) -> bool:
    """The rule of ``services.values_save``: reporters while the unit's submission is a draft
    or returned, the plan's administrators while scoring."""
    status = (Submission.objects.filter(plan=plan, unit=unit)
              .values_list("status", flat=True).first())
    if status is None:
        return False
    if plan.status == PlanStatus.COLLECTING and status in (SubmissionStatus.DRAFT,
                                                           SubmissionStatus.RETURNED):
        return True
    return plan.status == PlanStatus.SCORING and access.can_run(actor, plan)


@transaction.atomic
def value_evidence_add(*, actor: Any, plan: AssessmentPlan, unit: Unit,
                       plan_indicator: PlanIndicator, files: Sequence[Any]) -> list[Attachment]:
    """Attach evidence to a unit's figure for one indicator, while the figure may change."""
    if not (access.can_run(actor, plan) or _may_report(actor, unit)):
        raise PermissionDenied(_("You may not enter figures for this unit."))
    plan = AssessmentPlan.objects.select_related("owner").get(pk=plan.pk)
    if plan_indicator.plan_id != plan.pk:
        raise _fail("plan_indicator", _("Unknown indicator."))
    if not _values_open(actor, plan, unit):
        raise Conflict(_("These figures are not open for changes now."))
    checked = check_files(files)
    value, _created = IndicatorValue.objects.get_or_create(
        plan=plan, unit=unit, plan_indicator=plan_indicator)
    stored = [_store(actor, upload, extension, content_type, unit=unit, plan=plan, value=value)
              for upload, extension, content_type in checked]
    for attachment in stored:
        entry_record(actor=actor, obj=attachment, action=AuditAction.CREATE,
                     unit_path=unit.path,
                     after={"value": value.pk, "indicator": plan_indicator.indicator.code,
                            "name": attachment.original_name, "size": attachment.size})
    return stored


@transaction.atomic
def value_evidence_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove a figure's evidence file, while the figure may change."""
    attachment = Attachment.objects.select_related("unit", "plan__owner", "value").get(
        pk=attachment.pk)
    if attachment.value is None or attachment.plan is None:
        raise Conflict(_("Evidence of a list entry stays with the entry."))
    if not (access.can_run(actor, attachment.plan) or _may_report(actor, attachment.unit)):
        raise PermissionDenied(_("You may not enter figures for this unit."))
    if not _values_open(actor, attachment.plan, attachment.unit):
        raise Conflict(_("These figures are not open for changes now."))
    entry_record(actor=actor, obj=attachment, action=AuditAction.DELETE,
                 unit_path=attachment.unit.path,
                 before={"value": attachment.value_id, "name": attachment.original_name,
                         "size": attachment.size})
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------------------------
# Reads


def _visible(actor: Any, unit: Unit, plan: AssessmentPlan | None, *,
             personal: bool = False) -> bool:
    """Whether the actor reads an entry (or file) of ``unit``: in their scope, or of a plan
    they run. A cadre's (``personal``) is a personnel record: for organization departments."""
    reading = scope.manage_scope(actor) if personal else scope.read_scope(actor)
    return reading.contains(unit.path) or (plan is not None and access.can_run(actor, plan))


def entries(*, actor: Any, plan: AssessmentPlan | None = None, unit: Unit | None = None,
            kind: str | None = None, status: str | None = None) -> QuerySet[ListEntry]:
    """List entries the actor may see, newest first: all of a plan's for its administrators,
    those of the actor's subtree otherwise, and of cadres only where the actor administers
    the organization department."""
    rows = ListEntry.objects.select_related("unit", "person", "plan_indicator__indicator",
                                            "recorded_by", "reviewed_by", "tolerance")
    if plan is not None:
        rows = rows.filter(plan=plan)
    if plan is None or not access.can_run(actor, plan):
        rows = rows.filter(scope.read_scope(actor).q("unit__path")).filter(
            Q(person__isnull=True) | scope.manage_scope(actor).q("unit__path"))
    if unit is not None:
        rows = rows.filter(unit=unit)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.prefetch_related("evidence").order_by("-date", "-pk")


def entries_for_export(*, actor: Any, plan: AssessmentPlan, kind: str | None = None,
                       status: str | None = None) -> QuerySet[ListEntry]:
    """``entries`` with the number of evidence files as ``files``, for a flat export."""
    return entries(actor=actor, plan=plan, kind=kind, status=status).prefetch_related(
        None).annotate(files=Count("evidence"))


def entry_counts(*, actor: Any, plan: AssessmentPlan, unit: Unit | None = None
                 ) -> dict[tuple[str, str], int]:
    """{(kind, status): count} over the entries ``entries`` would show."""
    rows = entries(actor=actor, plan=plan, unit=unit).order_by().values_list(
        "kind", "status").annotate(n=Count("pk"))
    return {(kind, status): n for kind, status, n in rows}


def get_entry_in_scope(actor: Any, entry_id: Any) -> ListEntry:
    try:
        entry = ListEntry.objects.select_related("unit", "plan__owner", "plan__period").get(
            pk=scope.as_id(entry_id))
    except (ListEntry.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Entry not found.")) from None
    if not _visible(actor, entry.unit, entry.plan, personal=entry.person_id is not None):
        raise NotFound(_("Entry not found."))
    return entry


def get_attachment_in_scope(actor: Any, attachment_id: Any) -> Attachment:
    """An evidence file the actor may read: one of a unit in their scope, or of a plan they
    run; ``NotFound`` otherwise, so that ids reveal nothing."""
    try:
        attachment = Attachment.objects.select_related("unit", "plan__owner", "entry").get(
            pk=scope.as_id(attachment_id))
    except (Attachment.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("File not found.")) from None
    personal = attachment.entry is not None and attachment.entry.person_id is not None
    if not _visible(actor, attachment.unit, attachment.plan, personal=personal):
        raise NotFound(_("File not found."))
    return attachment


def value_evidence(*, actor: Any, plan: AssessmentPlan, unit: Unit
                   ) -> dict[int, list[Attachment]]:
    """A unit's figure evidence in a plan, by plan indicator id."""
    if not _visible(actor, unit, plan):
        raise NotFound(_("Unit not found."))
    found: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(plan=plan, unit=unit, value__isnull=False
                                                ).select_related("value"):
        found.setdefault(attachment.value.plan_indicator_id, []).append(attachment)
    return found


def list_items(plan: AssessmentPlan) -> list[PlanIndicator]:
    """The plan's bonus and deduction items that entries may count under."""
    return list(plan.plan_indicators.select_related("indicator").filter(
        rule_kind__in=(RuleKind.BONUS, RuleKind.DEDUCTION)))


# ---------------------------------------------------------------------------------------------
# Scoring


def count_into(plan: AssessmentPlan, unit_ids: np.ndarray,
               items: Sequence[PlanIndicator], matrix: np.ndarray, *,
               subject: str = "unit_id") -> np.ndarray:
    """Put into ``matrix`` (rows: the subjects of ``unit_ids``, unit or person ids as
    ``subject`` says, in the order the plan is scored; columns: ``items``) the number of each
    subject's confirmed entries under every list-sourced item, in place of any reported
    figure (0 where there is none). An entry judged a tolerated error (``ToleranceDecision``)
    counts for nothing. One grouped query; returns ``matrix``."""
    columns = {item.pk: j for j, item in enumerate(items)
               if scoring.from_lists(item.rule_kind, item.rule)}
    if not columns:
        return matrix
    matrix[:, list(columns.values())] = 0.0
    rows = list(ListEntry.objects.filter(
        plan=plan, status=EntryStatus.CONFIRMED, plan_indicator_id__in=list(columns),
        tolerance__isnull=True)
        .values_list(subject, "plan_indicator_id").annotate(n=Count("pk")).order_by())
    if not rows:
        return matrix
    found = np.array(rows, dtype=np.int64)
    row = scoring.positions(unit_ids, found[:, 0])
    known = row >= 0
    column = np.array([columns[int(i)] for i in found[:, 1]], dtype=np.int64)
    matrix[row[known], column[known]] = found[known, 2]
    return matrix
