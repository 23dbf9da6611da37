"""The findings workbook of an inspection team, recorded all or none.

Each row is read against the inspection (its target units by code or name, the organizer's
categories, the checklist's numbers, the severities, a date, the leading cadre a finding is
attributed to among the unit's people, as the pages resolve a typed name: ``forms.Resolver``)
and then against the rules of a finding (``services.finding_problems``); every bad row is
named by its Excel row number and column, and nothing is recorded unless every row is good.
The recording itself is ``services.findings_record``.
"""

from __future__ import annotations

import datetime
import re
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs import selectors as org_selectors
from pacesetter.supervision import access, forms, services, spreadsheets
from pacesetter.supervision.models import (
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    InspectionTarget,
)
from pacesetter.supervision.services import FindingData

#: Where a suggestion ends and the next begins in one cell.
SUGGESTION_SEPARATORS = re.compile(r"[\n\r；;]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
#: The service's field names, as the sheet's columns.
COLUMN_OF = {"unit": "unit_code", "checklist_item": "item", "files": "description"}


class _Lookup:
    """The inspection's targets, categories, checklist and the people of its target units
    (those the actor sees), loaded once."""

    def __init__(self, actor: Any, inspection: Inspection) -> None:
        targets = InspectionTarget.objects.filter(inspection=inspection).select_related("unit")
        self.by_code = {t.unit.code: t.unit for t in targets}
        self.by_name: dict[str, list[Any]] = {}
        for target in targets:
            self.by_name.setdefault(target.unit.name, []).append(target.unit)
        self.target_ids = {unit.pk for unit in self.by_code.values()}
        self.categories = {c.name: c for c in FindingCategory.objects.filter(
            owner_id=inspection.owner_id, is_active=True)}
        self.items = {i.code: i for i in inspection.checklist.all()}
        self.severities = spreadsheets.severity_aliases()
        self.resolver = forms.Resolver(actor=actor, owner=inspection.owner)
        self.people: dict[int, list[Any]] = {}
        for person in org_selectors.person_list(actor=actor).filter(
                unit_id__in=self.target_ids, is_active=True):
            self.people.setdefault(person.unit_id, []).append(person)


def findings_import(*, actor: Any, inspection: Inspection, source: IO[bytes]
                    ) -> list[Finding]:
    """Record the findings of the workbook ``source``, all or none; ``ValidationFailed``
    names every bad row (``row`` is the Excel row number, ``column`` the column's header)."""
    if not access.can_supervise(actor, inspection.owner.path):
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    if inspection.state == InspectionState.CONCLUDED:
        raise Conflict(_("The inspection is concluded: it records no more findings."))
    rows = spreadsheets.read_finding_rows(source)
    if not rows:
        raise ValidationFailed(_("The workbook has no findings below its header row."))
    lookup = _Lookup(actor, inspection)
    parsed: list[tuple[int, FindingData]] = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        data, problems = _finding_of(row, lookup)
        if data is not None:
            for key, message in services.finding_problems(
                    inspection, data, lookup.target_ids).items():
                problems.setdefault(COLUMN_OF.get(key, key), message)
            parsed.append((row.number, data))
        errors.extend(_error(row.number, column, message) for column, message in problems.items())
    if errors:
        raise ValidationFailed(_("Please correct the rows below: nothing was recorded."),
                               extra={"errors": errors})
    try:
        return services.findings_record(actor=actor, inspection=inspection,
                                        rows=[(data, []) for _number, data in parsed])
    except ValidationFailed as refused:  # a rule checked only when recording
        numbers = [number for number, _data in parsed]
        raise ValidationFailed(refused.message, extra={"errors": [
            _error(numbers[e["row"] - 1] if e.get("row") else 0,
                   COLUMN_OF.get(e.get("field", ""), e.get("field", "")), e["message"])
            for e in refused.extra.get("errors", [])]}) from None


def _error(number: int, column: str, message: str) -> dict[str, Any]:
    label = spreadsheets.column_label(column) if column in dict(spreadsheets.COLUMNS) else ""
    return {"row": number, "field": column, "column": label, "message": str(message)}


def _finding_of(row: spreadsheets.FindingRow, lookup: _Lookup
                ) -> tuple[FindingData | None, dict[str, str]]:
    """The row as a finding, or what is wrong with it by column."""
    problems: dict[str, str] = {}
    unit = _unit(row, lookup, problems)
    category = None
    if row.category:
        category = lookup.categories.get(row.category)
        if category is None:
            problems["category"] = _("“%(name)s” is not in the organizer's list of "
                                     "categories.") % {"name": row.category}
    item = None
    if row.item:
        item = lookup.items.get(row.item)
        if item is None:
            problems["item"] = _("No item numbered “%(code)s” in this inspection's "
                                 "checklist.") % {"code": row.item}
    severity = lookup.severities.get(row.severity.strip().lower())
    if severity is None:
        problems["severity"] = (_("Write the severity: minor, moderate or serious.")
                                if not row.severity else
                                _("“%(value)s” is not a severity: write minor, moderate or "
                                  "serious.") % {"value": row.severity})
    deadline = None
    try:
        deadline = _date(row.deadline)
    except ValueError:
        problems["deadline"] = _("“%(value)s” is not a date: write it as 2026-06-30.") % {
            "value": row.deadline}
    if not row.description:
        problems["description"] = _("Describe the problem.")
    person = None
    if unit is not None:
        try:
            person = lookup.resolver.person_among(row.person, lookup.people.get(unit.pk, []),
                                                  unit=unit)
        except LookupError as missing:
            problems["person"] = str(missing)
    if unit is None or severity is None:
        return None, problems
    return FindingData(
        unit=unit, description=row.description, severity=severity, category=category,
        checklist_item=item, deadline=deadline, person=person,
        suggestions=[s.strip() for s in SUGGESTION_SEPARATORS.split(row.suggestions)
                     if s.strip()]), problems


def _unit(row: spreadsheets.FindingRow, lookup: _Lookup, problems: dict[str, str]) -> Any:
    if row.unit_code:
        unit = lookup.by_code.get(row.unit_code)
        if unit is None:
            problems["unit_code"] = _("“%(code)s” is not the code of a unit this inspection "
                                      "visits.") % {"code": row.unit_code}
        return unit
    named = lookup.by_name.get(row.unit_name, [])
    if len(named) == 1:
        return named[0]
    problems["unit_code"] = (_("Give the unit's code.") if not row.unit_name else
                             _("“%(name)s” is not a unit this inspection visits: give its "
                               "code.") % {"name": row.unit_name})
    return None


def _date(value: Any) -> datetime.date | None:
    """A deadline cell: a date, a datetime, Excel's day number, or text in a usual format."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        if not 0 < value < 2958466:  # 9999-12-31
            raise ValueError(value)
        return from_excel(value).date()
    text = str(value).strip().split(" ", 1)[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)
