"""Saving many units' figures for a plan at once: all of them or none, every bad entry named.

The Excel upload (``spreadsheets.py``) and the bulk API both come here; nothing in this module
knows about HTTP or workbooks. Who may change what follows ``services.values_save``: reporters
and administrators for the units in their scope while the unit's submission is a draft or was
returned and the plan is collecting; the plan's administrators for every assessed unit, and
also during scoring (a correction). A submitted or approved unit's figures may be sent again
unchanged, so a whole-plan file can be re-uploaded; only a change to them is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.assessment import access
from pacesetter.assessment.models import (
    AssessmentPlan,
    IndicatorValue,
    PlanIndicator,
    PlanStatus,
    Submission,
    SubmissionStatus,
)
from pacesetter.assessment.services import value_problem
from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record
from pacesetter.bulk import bulk_insert
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit

VALUE_LIMIT = Decimal(10) ** 13
"""The largest magnitude accepted, as on the data-entry form (the column holds 14 digits)."""
PRECISION = Decimal("0.0001")
NOTE_MAX = IndicatorValue._meta.get_field("comment").max_length
QUERY_CHUNK = 5000
UPDATE_BATCH = 1000
OPEN_FOR_REPORTERS = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

RawValue = Decimal | int | float | str | None


@dataclass(frozen=True, slots=True)
class ValueEntry:
    """One figure to store: ``value`` is a number, text to read as one, or None for no value;
    ``comment`` None keeps the stored note. ``where`` names the entry in error messages
    (e.g. "Row 5, column C"); ``unit_where``, when given, names where the unit is given, so a
    unit's problem is reported once for all the entries that share it."""

    unit_code: str
    indicator_code: str
    value: RawValue
    comment: str | None = None
    where: str = ""
    unit_where: str = ""


@dataclass(frozen=True, slots=True)
class _Unit:
    pk: int
    code: str
    name: str
    path: str


@dataclass(frozen=True, slots=True)
class _Stored:
    pk: int
    value: Decimal | None
    comment: str


def reporting_scope(actor: Any, plan: AssessmentPlan) -> scope.Scope:
    """The subtrees whose assessed units the actor may enter the plan's figures for: all of
    them for the plan's administrators; the subtrees of their reporter and administrator
    grants for everyone else."""
    if access.can_run(actor, plan):
        return scope.Scope(everything=True, paths=())
    return scope.report_scope(actor)


def require_reporting(actor: Any, plan: AssessmentPlan) -> scope.Scope:
    """``reporting_scope``, refusing an actor who may enter figures for no unit at all, and
    a plan of leading cadres: its rows are people, which a unit code does not name."""
    if plan.of_people:
        raise Conflict(_("A cadre's figures are entered on the cadre's page or through the "
                         "API, not by workbook."))
    reporting = reporting_scope(actor, plan)
    if reporting.is_empty:
        raise PermissionDenied(_("You may not enter figures for this plan."))
    return reporting


def parse_value(raw: RawValue) -> Decimal | None:
    """``raw`` as the stored decimal (rounded half up to 4 places), None if empty; ValueError
    for anything that is not a finite number within ±10¹³."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        number = Decimal(int(raw))
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(raw) from None
    else:
        raise ValueError(raw)
    if not number.is_finite() or abs(number) > VALUE_LIMIT:
        raise ValueError(raw)
    return number.quantize(PRECISION, rounding=ROUND_HALF_UP)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), QUERY_CHUNK):
        yield items[start:start + QUERY_CHUNK]


def _units(codes: set[str]) -> dict[str, _Unit]:
    found: dict[str, _Unit] = {}
    for chunk in _chunks(sorted(codes)):
        for pk, code, name, path in Unit.objects.filter(code__in=chunk).values_list(
                "pk", "code", "name", "path"):
            found[code] = _Unit(pk, code, name, path)
    return found


def _submissions(plan: AssessmentPlan, unit_ids: list[int]) -> dict[int, tuple[int, str]]:
    """(submission id, status) by unit, rows locked so no submit races the write."""
    found: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(unit_ids):
        for unit_id, pk, status in Submission.objects.select_for_update().filter(
                plan=plan, unit_id__in=chunk).values_list("unit_id", "pk", "status"):
            found[unit_id] = (pk, status)
    return found


def _stored(plan: AssessmentPlan, unit_ids: list[int]) -> dict[tuple[int, int], _Stored]:
    found: dict[tuple[int, int], _Stored] = {}
    for chunk in _chunks(unit_ids):
        for unit_id, item_id, pk, value, comment in IndicatorValue.objects.filter(
                plan=plan, unit_id__in=chunk).values_list(
                "unit_id", "plan_indicator_id", "pk", "value", "comment"):
            found[(unit_id, item_id)] = _Stored(pk, value, comment)
    return found


class _Problems:
    """The errors found so far; a unit's problem once per place the unit is named."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self._unit_places: set[tuple[str, str]] = set()

    def add(self, entry: ValueEntry, message: str, *, where: str | None = None) -> None:
        self.items.append({"where": where or entry.where or
                           f"{entry.unit_code} · {entry.indicator_code}",
                           "unit": entry.unit_code, "indicator": entry.indicator_code,
                           "message": message})

    def add_unit(self, entry: ValueEntry, message: str) -> None:
        place = entry.unit_where or entry.where
        if place and (entry.unit_code, place) in self._unit_places:
            return
        self._unit_places.add((entry.unit_code, place))
        self.add(entry, message, where=place)


def _unit_problem(entry: ValueEntry, unit: _Unit | None, reporting: scope.Scope,
                  submission: tuple[int, str] | None) -> str:
    if not entry.unit_code.strip():
        return _("The unit code is empty.")
    if unit is None or not reporting.contains(unit.path):
        # one message for both, so that an upload cannot probe which codes exist elsewhere
        return _("Unknown unit “%(code)s”, or not one you report for.") % {
            "code": entry.unit_code}
    if submission is None:
        return _("Unit %(code)s is not assessed by this plan.") % {"code": entry.unit_code}
    return ""


def _open_statuses(actor: Any, plan: AssessmentPlan) -> tuple[str, ...]:
    """The submission statuses whose figures the actor may change now (see the module)."""
    if plan.status == PlanStatus.COLLECTING:
        return OPEN_FOR_REPORTERS
    if plan.status == PlanStatus.SCORING and access.can_run(actor, plan):
        return tuple(SubmissionStatus.values)
    raise Conflict(_("These figures are not open for changes now."))


@transaction.atomic
def values_upsert(*, actor: Any, plan: AssessmentPlan, entries: Sequence[ValueEntry],
                  note: str = "") -> int:
    """Store many units' figures for ``plan``; returns how many values were written.

    Nothing is written unless every entry is right; otherwise ``ValidationFailed`` names each
    bad one in ``extra["errors"]`` ({"where", "unit", "indicator", "message"}). An entry equal
    to what is stored writes nothing, so sending the same figures again is a no-op. Reads and
    writes are in bulk (chunks of 5,000 units); each changed unit gets one audit entry.
    """
    plan = AssessmentPlan.objects.select_related("owner", "period").get(pk=plan.pk)
    reporting = require_reporting(actor, plan)
    open_statuses = _open_statuses(actor, plan)
    items = {i.indicator.code: i for i in plan.plan_indicators.select_related("indicator")}
    units = _units({e.unit_code for e in entries if e.unit_code})
    reachable = sorted(u.pk for u in units.values() if reporting.contains(u.path))
    submissions = _submissions(plan, reachable)
    stored = _stored(plan, list(submissions))
    problems = _Problems()
    seen: dict[tuple[str, str], str] = {}
    created: list[IndicatorValue] = []
    changed: list[IndicatorValue] = []
    before: dict[int, dict[str, Any]] = defaultdict(dict)
    after: dict[int, dict[str, Any]] = defaultdict(dict)
    now = timezone.now()
    for entry in entries:
        unit = units.get(entry.unit_code)
        submission = submissions.get(unit.pk) if unit is not None else None
        if message := _unit_problem(entry, unit, reporting, submission):
            problems.add_unit(entry, message)
        item = items.get(entry.indicator_code)
        if item is None:
            problems.add(entry, _("Unknown indicator “%(code)s”.")
                         % {"code": entry.indicator_code})
        value, valid = _checked_value(entry, item, problems)
        if entry.comment is not None and len(entry.comment) > NOTE_MAX:
            problems.add(entry, _("The note is longer than %(max)d characters.")
                         % {"max": NOTE_MAX})
            valid = False
        key = (entry.unit_code, entry.indicator_code)
        if key in seen:
            problems.add(entry, _("This figure is also given at %(where)s.")
                         % {"where": seen[key]})
            continue
        seen[key] = entry.where
        if message or unit is None or submission is None or item is None or not valid:
            continue
        row = stored.get((unit.pk, item.pk))
        comment = entry.comment if entry.comment is not None else (row.comment if row else "")
        if row is None and value is None and not comment:
            continue
        if row is not None and (row.value, row.comment) == (value, comment):
            continue
        if submission[1] not in open_statuses:
            problems.add(entry, _("The figures of unit %(code)s are %(status)s and cannot be "
                                  "changed now.")
                         % {"code": unit.code,
                            "status": SubmissionStatus(submission[1]).label.lower()})
            continue
        if row is None:
            created.append(IndicatorValue(plan=plan, unit_id=unit.pk, plan_indicator=item,
                                          value=value, comment=comment))
        else:
            changed.append(IndicatorValue(pk=row.pk, value=value, comment=comment,
                                          updated_at=now))
            before[unit.pk][item.indicator.code] = _audited(row.value, row.comment)
        after[unit.pk][item.indicator.code] = _audited(value, comment)
    if problems.items:
        count = len(problems.items)
        raise ValidationFailed(
            ngettext("Nothing was saved: %(count)d problem in the figures.",
                     "Nothing was saved: %(count)d problems in the figures.", count)
            % {"count": count}, extra={"errors": problems.items})
    bulk_insert(IndicatorValue, created)
    IndicatorValue.objects.bulk_update(changed, ["value", "comment", "updated_at"],
                                       batch_size=UPDATE_BATCH)
    by_pk = {u.pk: u for u in units.values()}
    entries_record(actor=actor, note=note or _("Figures of %(plan)s") % {"plan": plan.name},
                   changes=[_change(plan, by_pk[unit_id], submissions[unit_id],
                                    before.get(unit_id, {}), values)
                            for unit_id, values in after.items()])
    return len(created) + len(changed)


def _checked_value(entry: ValueEntry, item: PlanIndicator | None,
                   problems: _Problems) -> tuple[Decimal | None, bool]:
    try:
        value = parse_value(entry.value)
    except ValueError:
        problems.add(entry, _("“%(value)s” is not a number within ±10¹³.")
                     % {"value": entry.value})
        return None, False
    if item is not None and (message := value_problem(item, value)):
        problems.add(entry, message)
        return value, False
    return value, True


def _audited(value: Decimal | None, comment: str) -> dict[str, str | None]:
    return {"value": None if value is None else str(value), "comment": comment}


def _change(plan: AssessmentPlan, unit: _Unit, submission: tuple[int, str],
            before: dict[str, Any], after: dict[str, Any]) -> Change:
    """The audit record of one unit's changed figures, on its submission; built from what was
    read already, so recording costs no query per unit."""
    record = Submission(pk=submission[0], plan_id=plan.pk, status=submission[1],
                        unit=Unit(pk=unit.pk, code=unit.code, name=unit.name, path=unit.path))
    return Change(obj=record, action=AuditAction.UPDATE, unit_path=unit.path,
                  before=before, after=after)
