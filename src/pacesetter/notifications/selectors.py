"""Reads of notifications: a user only ever reads their own."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, QuerySet

from pacesetter.notifications.models import Notification, Reminder

UNREAD_LIMIT = 100


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: Any, limit: int = UNREAD_LIMIT) -> int:
    """How many of the user's notifications are unread, counting no further than ``limit``
    (a badge shows "99+"; counting a long backlog on every page would not be cheap)."""
    return (Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
            [:limit].count())


def reminders_last(*, topic: str, unit_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """When each of ``unit_ids`` was last reminded about ``topic`` (units never reminded are
    left out); one grouped query."""
    return dict(Reminder.objects.filter(topic=topic, unit_id__in=list(unit_ids)).order_by()
                .values("unit_id").annotate(last=Max("sent_at")).values_list("unit_id", "last"))


def reminded_since(*, topic: str, unit_ids: Iterable[int] | None,
                   since: datetime.datetime) -> set[int]:
    """The units (of ``unit_ids``, or all) reminded about ``topic`` at or after ``since``."""
    rows = Reminder.objects.filter(topic=topic, sent_at__gte=since)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return set(rows.order_by().values_list("unit_id", flat=True).distinct())
