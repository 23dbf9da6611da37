"""Exports too large for a web request, written by a background job into a file."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)
STALLED_AFTER = datetime.timedelta(minutes=30)


class ExportJob(models.Model):
    """One export asked for by a user: what (``kind`` and its ``params``, read by the function
    the owning app registered for the kind), how far it has got, and the file it wrote. Only
    its requester sees it; the export itself reads with the requester's scope when it runs."""

    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(_("unit path"), max_length=500, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_stalled(self) -> bool:
        """Queued or running for longer than any export takes: its worker died with it (a
        restart, a request killed by its timeout when no broker is set) and it will not end."""
        return self.status in ACTIVE_STATUSES and (
            timezone.now() - (self.started_at or self.created_at) > STALLED_AFTER)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES and not self.is_stalled
