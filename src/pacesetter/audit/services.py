"""Writing the audit log. Call these inside the transaction of the change they record."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from pacesetter.audit.models import AuditAction, AuditEntry
from pacesetter.bulk import bulk_insert

SYSTEM_ACTOR_NAME = "system"


def snapshot(obj: models.Model, fields: Sequence[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` on ``obj``: foreign keys by id, many-to-many as lists."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(o) for o in getattr(obj, name).all())
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        else:
            values[name] = _json_safe(getattr(obj, name))
    return values


def _json_safe(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


@dataclass(frozen=True)
class Change:
    """One change to record; ``unit_path`` places it in the hierarchy for scoped reading."""

    obj: models.Model
    action: AuditAction
    unit_path: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None:
        return {"actor": None, "actor_name": SYSTEM_ACTOR_NAME}
    return {"actor": actor, "actor_name": actor.get_username()}


def _entry(change: Change, actor_fields: dict[str, Any], note: str) -> AuditEntry:
    meta = change.obj._meta
    return AuditEntry(
        **actor_fields,
        action=change.action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(change.obj.pk),
        object_repr=str(change.obj)[:300],
        unit_path=change.unit_path,
        before=change.before,
        after=change.after,
        note=note[:300],
    )


def entry_record(
    *,
    actor: Any,
    obj: models.Model,
    action: AuditAction,
    unit_path: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry | None:
    """Record one change; an update that changed nothing is not recorded and returns None."""
    if action == AuditAction.UPDATE and before == after:
        return None
    change = Change(obj=obj, action=action, unit_path=unit_path, before=before, after=after)
    entry = _entry(change, _actor_fields(actor), note)
    entry.save()
    return entry


def entries_record(*, actor: Any, changes: Iterable[Change], note: str = "") -> int:
    """Record many changes with one bulk insert; returns how many were written."""
    actor_fields = _actor_fields(actor)
    entries = [
        _entry(change, actor_fields, note)
        for change in changes
        if not (change.action == AuditAction.UPDATE and change.before == change.after)
    ]
    bulk_insert(AuditEntry, entries)
    return len(entries)
