"""In-app notifications, and the reminders sent to units (kept to throttle them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.models import Unit


class Notification(models.Model):
    """A message to one user. ``kind`` names its source (``assessment.reminder``, ...);
    ``unit_path`` places it in the hierarchy, for scoped reading and audit."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    unit_path = models.CharField(_("unit path"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True),
                         name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A reminder sent to a unit about ``topic`` (e.g. ``assessment.plan:12``, a plan's data
    collection): when, by whom, and how many people it reached. The latest one per topic and
    unit is the "last reminded at" of completeness views and the base of the throttle."""

    topic = models.CharField(_("topic"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["topic", "unit", "-sent_at"], name="reminder_latest")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.unit_id} · {self.sent_at:%Y-%m-%d %H:%M}"
