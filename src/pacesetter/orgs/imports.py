"""Importing units from a workbook: validate every row, then apply all of it or nothing.

The file is authoritative for the units it names (matched by code): new codes are created,
changed names, kinds, parents and peer groups are updated, and a changed parent moves the unit
with its subtree. A file that matches the database writes nothing, so re-importing is a no-op.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, snapshot
from pacesetter.bulk import bulk_insert
from pacesetter.errors import ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.models import UNIT_CODE_PATTERN, Unit
from pacesetter.orgs.services import (
    UNIT_AUDIT_FIELDS,
    child_path,
    peer_groups_ensure,
    split_group_names,
    subtree_move,
)
from pacesetter.orgs.spreadsheets import UnitRow, column_label, kind_aliases

CODE_RE = re.compile(UNIT_CODE_PATTERN)
NAME_MAX = Unit._meta.get_field("name").max_length
GROUP_NAME_MAX = 100
QUERY_CHUNK = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.moved)


@dataclass
class _Plan:
    rows: list[UnitRow]
    kinds: dict[str, str]
    groups: dict[str, list[str]]
    coordinates: dict[str, tuple[Decimal | None, Decimal | None]]
    existing: dict[str, Unit]
    depth: dict[str, int] = field(default_factory=dict)


def _in_chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + QUERY_CHUNK] for i in range(0, len(items), QUERY_CHUNK)]


def _units_by_code(codes: set[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in _in_chunks(sorted(codes)):
        found.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))
    return found


def _coordinate(raw: str, limit: int) -> Decimal | None:
    """The coordinate in ``raw`` rounded to 6 places, None if empty; ValueError if out of range."""
    if not raw:
        return None
    try:
        value = Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError(raw) from None
    if not -limit <= value <= limit:
        raise ValueError(raw)
    return value


def _check_cells(rows: list[UnitRow], errors: list[RowError]) -> tuple[dict, dict, dict]:
    aliases = kind_aliases()
    kinds: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    coordinates: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        def bad(column: str, message: str, row: UnitRow = row) -> None:
            errors.append(RowError(row.number, column_label(column), message))

        if not row.code:
            bad("code", _("The code is empty."))
        elif not CODE_RE.match(row.code):
            bad("code", _("Use 1 to 32 letters, digits, - or _."))
        elif row.code in first_row:
            bad("code", _("Duplicate code: already on row %(row)d.") % {"row": first_row[row.code]})
        else:
            first_row[row.code] = row.number
        if not row.name:
            bad("name", _("The name is empty."))
        elif len(row.name) > NAME_MAX:
            bad("name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
        kind = aliases.get(row.kind.strip().lower().replace("（", "(").replace("）", ")"))
        if kind is None:
            bad("kind", _("Unknown kind “%(kind)s”.") % {"kind": row.kind})
        else:
            kinds[row.code] = kind
        names = split_group_names(row.groups)
        if any(len(name) > GROUP_NAME_MAX for name in names):
            bad("groups", _("A group name is longer than %(max)d characters.")
                % {"max": GROUP_NAME_MAX})
        groups[row.code] = names
        if row.parent_code and row.parent_code == row.code:
            bad("parent_code", _("A unit cannot be its own parent."))
        coordinates[row.code] = (None, None)
        try:
            longitude = _coordinate(row.longitude, 180)
        except ValueError:
            bad("longitude", _("Enter a longitude between -180 and 180."))
            continue
        try:
            coordinates[row.code] = (longitude, _coordinate(row.latitude, 90))
        except ValueError:
            bad("latitude", _("Enter a latitude between -90 and 90."))
    return kinds, groups, coordinates


def _check_parents_and_scope(
    actor: Any, plan: _Plan, parents: dict[str, Unit], errors: list[RowError]
) -> None:
    manage = scope.manage_scope(actor)
    in_file = {row.code for row in plan.rows}
    for row in plan.rows:
        existing = plan.existing.get(row.code)
        if existing is not None and not manage.contains(existing.path):
            errors.append(RowError(row.number, column_label("code"),
                                   _("This code belongs to a unit outside your scope.")))
        if not row.parent_code:
            if not manage.everything or (existing is not None and existing.parent_id):
                errors.append(RowError(row.number, column_label("parent_code"),
                                       _("The parent code is empty.")))
            continue
        if row.parent_code in in_file:
            continue
        parent = parents.get(row.parent_code)
        if parent is None or not manage.contains(parent.path):
            errors.append(RowError(
                row.number, column_label("parent_code"),
                _("Unknown parent code “%(code)s”: it is neither in this file nor among "
                  "the units you manage.") % {"code": row.parent_code},
            ))


def _check_cycles(plan: _Plan, parents: dict[str, Unit], errors: list[RowError]) -> None:
    """Walk each row's final chain of parents (the file's parent for a row of the file, the
    stored parent otherwise) to find loops, and give every row its depth: the number of rows of
    the file above it, so that applying rows by depth puts every parent in place first."""
    by_code = {row.code: row for row in plan.rows if row.code}
    stored = {**parents, **plan.existing}

    def final_parent(code: str) -> str:
        if code in by_code:
            return by_code[code].parent_code
        unit = stored.get(code)
        return unit.ancestor_codes[-1] if unit is not None and unit.ancestor_codes else ""

    for row in by_code.values():
        depth, visited, current = 0, {row.code}, final_parent(row.code)
        while current:
            if current == row.code:
                errors.append(RowError(row.number, column_label("parent_code"),
                                       _("The parent chain loops back to this unit.")))
                break
            if current in visited:
                break
            visited.add(current)
            depth += current in by_code
            current = final_parent(current)
        plan.depth[row.code] = depth


def units_import_plan(*, actor: Any, rows: list[UnitRow]) -> _Plan:
    """Validate the rows; raise ``ValidationFailed`` naming every bad row, or return the plan."""
    errors: list[RowError] = []
    if not rows:
        raise ValidationFailed(_("The file has no unit rows."))
    kinds, groups, coordinates = _check_cells(rows, errors)
    codes = {row.code for row in rows if row.code}
    parent_codes = {row.parent_code for row in rows if row.parent_code} - codes
    existing = _units_by_code(codes)
    parents = _units_by_code(parent_codes)
    plan = _Plan(rows=rows, kinds=kinds, groups=groups, coordinates=coordinates,
                 existing=existing)
    _check_parents_and_scope(actor, plan, parents, errors)
    ancestor_codes = {c for u in [*existing.values(), *parents.values()] for c in u.ancestor_codes}
    parents.update(_units_by_code(ancestor_codes - set(parents) - codes))
    _check_cycles(plan, parents, errors)
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ValidationFailed(
            ngettext("Nothing was imported: %(count)d problem in the file.",
                     "Nothing was imported: %(count)d problems in the file.",
                     len(errors)) % {"count": len(errors)},
            extra={"errors": [e.as_dict() for e in errors]},
        )
    return plan


@transaction.atomic
def units_import(*, actor: Any, rows: list[UnitRow], note: str = "") -> ImportResult:
    """Apply a validated file level by level (parents before children), all or nothing."""
    plan = units_import_plan(actor=actor, rows=rows)
    result = ImportResult()
    changes: list[Change] = []
    by_depth: dict[int, list[UnitRow]] = defaultdict(list)
    for row in rows:
        by_depth[plan.depth[row.code]].append(row)
    group_objects = peer_groups_ensure({n for names in plan.groups.values() for n in names})
    current_groups = _current_group_names(list(plan.existing.values()))
    for depth in sorted(by_depth):
        level_rows = by_depth[depth]
        parents = _units_by_code({r.parent_code for r in level_rows if r.parent_code})
        created = _create_level(plan, level_rows, parents, group_objects, changes)
        result.created += len(created)
        updating = [r for r in level_rows if r.code not in created]
        _update_level(plan, updating, parents, group_objects, current_groups, result, changes)
    entries_record(actor=actor, changes=changes, note=note)
    return result


def _current_group_names(units: list[Unit]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    through = Unit.peer_groups.through
    ids = [u.pk for u in units]
    for chunk in _in_chunks(ids):
        for unit_id, name in through.objects.filter(unit_id__in=chunk).values_list(
            "unit_id", "peergroup__name"
        ):
            names[unit_id].append(name)
    return {k: sorted(v) for k, v in names.items()}


def _create_level(plan, rows, parents, group_objects, changes) -> set[str]:
    """Create the rows of one depth that are new; returns their codes."""
    new_units: list[Unit] = []
    for row in rows:
        if row.code in plan.existing:
            continue
        parent = parents.get(row.parent_code) if row.parent_code else None
        longitude, latitude = plan.coordinates[row.code]
        new_units.append(Unit(
            code=row.code, name=row.name, kind=plan.kinds[row.code], parent=parent,
            level=parent.level + 1 if parent else 1, path=child_path(parent, row.code),
            longitude=longitude, latitude=latitude,
        ))
    if not new_units:
        return set()
    bulk_insert(Unit, new_units)
    created = _units_by_code({u.code for u in new_units})
    through = Unit.peer_groups.through
    bulk_insert(through, [through(unit_id=created[code].pk, peergroup_id=group_objects[name].pk)
                          for code in created for name in plan.groups[code]])
    for unit in created.values():
        plan.existing[unit.code] = unit
        after = snapshot(unit, UNIT_AUDIT_FIELDS[:-1])
        after["peer_groups"] = plan.groups[unit.code]
        changes.append(Change(obj=unit, action=AuditAction.CREATE, unit_path=unit.path,
                              after=after))
    return set(created)


def _update_level(plan, rows, parents, group_objects, current_groups, result, changes) -> None:
    """Apply the rows of one depth whose units exist; unchanged rows cost no write."""
    changed_fields: list[Unit] = []
    regrouped: list[Unit] = []
    now = timezone.now()
    for row in rows:
        unit = plan.existing[row.code]
        current_parent = unit.ancestor_codes[-1] if unit.ancestor_codes else ""
        moving = current_parent != row.parent_code
        wanted = (row.name, plan.kinds[row.code], *plan.coordinates[row.code])
        fields_changed = (unit.name, unit.kind, unit.longitude, unit.latitude) != wanted
        groups_changed = current_groups.get(unit.pk, []) != plan.groups[row.code]
        if not (moving or fields_changed or groups_changed):
            result.unchanged += 1
            continue
        before = snapshot(unit, UNIT_AUDIT_FIELDS[:-1])
        before["peer_groups"] = current_groups.get(unit.pk, [])
        if moving:
            _move_to(unit, parents[row.parent_code])
            result.moved += 1
        if fields_changed:
            unit.name, unit.kind, unit.longitude, unit.latitude = wanted
            unit.updated_at = now
            changed_fields.append(unit)
        if groups_changed:
            regrouped.append(unit)
        after = snapshot(unit, UNIT_AUDIT_FIELDS[:-1])
        after["peer_groups"] = plan.groups[row.code]
        changes.append(Change(obj=unit, action=AuditAction.UPDATE, unit_path=unit.path,
                              before=before, after=after))
        result.updated += 1
    Unit.objects.bulk_update(
        changed_fields, ["name", "kind", "longitude", "latitude", "updated_at"], batch_size=2000
    )
    _replace_groups(plan, regrouped, group_objects)


def _replace_groups(plan: _Plan, units: list[Unit], group_objects: dict[str, Any]) -> None:
    """Give ``units`` the peer groups the file lists: one delete and one insert per chunk."""
    through = Unit.peer_groups.through
    ids = [u.pk for u in units]
    for chunk in _in_chunks(ids):
        through.objects.filter(unit_id__in=chunk).delete()
    bulk_insert(through, [through(unit_id=u.pk, peergroup_id=group_objects[name].pk)
                          for u in units for name in plan.groups[u.code]])


def _move_to(unit: Unit, new_parent: Unit) -> None:
    """Move ``unit`` under ``new_parent``; its stored path is re-read first, since a move of an
    ancestor earlier in this import may have rewritten it."""
    unit.refresh_from_db(fields=["path", "level", "parent"])
    subtree_move(unit, new_parent)
    unit.refresh_from_db(fields=["path", "level", "parent"])
