"""Reading the audit log, within the reader's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import PermissionDenied
from pacesetter.orgs import scope


def entry_list(
    *,
    actor: Any,
    unit_path: str = "",
    actor_name: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries of the actor's managed subtrees, newest first, with the given filters.

    Only administrators read the log; ``date_to`` includes that whole day (local time).
    """
    if not scope.is_manager(actor):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    entries = AuditEntry.objects.filter(scope.manage_scope(actor).q("unit_path"))
    if unit_path:
        entries = entries.filter(unit_path__startswith=unit_path)
    if actor_name:
        entries = entries.filter(actor_name=actor_name)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if date_from:
        entries = entries.filter(at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return entries.order_by("-at", "-pk")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def object_types() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct())
