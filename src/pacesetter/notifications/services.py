"""Writing notifications: in bulk, with an email after commit when a mail server is set."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.bulk import bulk_insert
from pacesetter.errors import NotFound
from pacesetter.notifications.models import Notification, Reminder
from pacesetter.orgs import scope

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One notification to write: to whom, what, where it leads."""

    recipient_id: int
    title: str
    kind: str
    body: str = ""
    url: str = ""
    unit_path: str = ""


def _user_id(recipient: Any) -> int:
    return recipient if isinstance(recipient, int) else recipient.pk


def notify(*, recipients: Iterable[Any], title: str, body: str = "", url: str = "",
           kind: str, unit_path: str = "") -> int:
    """Send the same notification to each of ``recipients`` (users or user ids, each once).
    Returns how many were written."""
    ids = dict.fromkeys(_user_id(r) for r in recipients)
    return notify_each([Message(recipient_id=i, title=title, body=body, url=url, kind=kind,
                                unit_path=unit_path) for i in ids])


@transaction.atomic
def notify_each(messages: Iterable[Message]) -> int:
    """Write many notifications with one bulk insert; when ``EMAIL_HOST`` is set, email each
    recipient who has an address once the transaction commits."""
    now = timezone.now()
    rows = [Notification(recipient_id=m.recipient_id, kind=m.kind, title=m.title[:200],
                         body=m.body, url=m.url[:500], unit_path=m.unit_path, created_at=now)
            for m in messages]
    bulk_insert(Notification, rows)
    if rows and settings.EMAIL_HOST:
        _email_after_commit(rows)
    return len(rows)


def _email_after_commit(rows: list[Notification]) -> None:
    addresses = dict(get_user_model().objects.filter(
        pk__in={r.recipient_id for r in rows}, is_active=True).exclude(email="")
        .values_list("pk", "email"))
    emails = [(" ".join(r.title.split()), _email_text(r), addresses[r.recipient_id])
              for r in rows if r.recipient_id in addresses]
    if emails:
        transaction.on_commit(partial(emails_send, emails))


def _email_text(row: Notification) -> str:
    parts = [row.body] if row.body else []
    if row.url:
        parts.append(_("Open in Pacesetter: %(url)s") % {"url": row.url})
    return "\n\n".join(parts)


def emails_send(emails: list[tuple[str, str, str]]) -> int:
    """Send (subject, text, address) emails over one connection. A failing mail server is
    logged, never raised: the notifications are already stored and shown in the app."""
    try:
        connection = mail.get_connection()
        return connection.send_messages([
            mail.EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address],
                              connection=connection)
            for subject, text, address in emails]) or 0
    except Exception:
        logger.exception("sending %d notification emails failed", len(emails))
        return 0


def notification_read(*, user: Any, notification_id: Any) -> Notification:
    """Mark one of the user's own notifications read; anyone else's is not found."""
    try:
        notification = Notification.objects.get(pk=scope.as_id(notification_id),
                                                 recipient=user)
    except (Notification.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Notification not found.")) from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: Any) -> int:
    """Mark all the user's unread notifications read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())


def reminders_record(*, actor: Any, topic: str, recipients_by_unit: Mapping[int, int]) -> int:
    """Keep that each unit was reminded about ``topic`` now, and how many people it reached."""
    now = timezone.now()
    bulk_insert(Reminder, [Reminder(topic=topic, unit_id=unit_id, sent_at=now, sent_by=actor,
                                    recipients=count)
                           for unit_id, count in recipients_by_unit.items()])
    return len(recipients_by_unit)
