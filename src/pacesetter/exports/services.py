"""Exports too large for a request: asked for in one, written by a background job (Celery;
inline when no broker is set), handed to their requester with a notification.

An app registers the function that writes each of its kinds (``writer``); the function gets
the job, reads with the requester's scope at the time it runs, reports the rows it has
written through ``progress``, and returns the file it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import entry_record
from pacesetter.errors import ApplicationError
from pacesetter.exports.models import ACTIVE_STATUSES, ExportJob, ExportStatus
from pacesetter.notifications.services import notify

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
Writer = Callable[[ExportJob, Progress], IO[bytes]]
_WRITERS: dict[str, Writer] = {}


def writer(kind: str) -> Callable[[Writer], Writer]:
    """Register the function that writes exports of ``kind`` (an app does it as it loads)."""
    def register(function: Writer) -> Writer:
        _WRITERS[kind] = function
        return function
    return register


@transaction.atomic
def export_request(*, actor: Any, kind: str, params: dict[str, Any], title: str,
                   unit_path: str, rows_total: int) -> ExportJob:
    """Queue an export; it starts once the asking transaction commits. The language of the
    request is kept, so the file speaks the requester's language. The same export asked for
    again while it is queued or running is that job, not a second one (a double click)."""
    if kind not in _WRITERS:
        raise ValueError(f"no writer for exports of {kind!r}")
    params = {**params, "language": translation.get_language()}
    for job in ExportJob.objects.select_for_update().filter(
            requested_by=actor, kind=kind, status__in=ACTIVE_STATUSES):
        if job.params == params and not job.is_stalled:
            return job
    job = ExportJob.objects.create(kind=kind, params=params, title=file_title(title),
                                   requested_by=actor, unit_path=unit_path,
                                   rows_total=rows_total)
    entry_record(actor=actor, obj=job, action=AuditAction.CREATE, unit_path=unit_path,
                 after={"kind": kind, "title": job.title, "params": params})
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(export_id: int) -> None:
    """Hand the job to the queue; a broker that refuses it fails the job, with a message."""
    from pacesetter.exports import tasks

    try:
        tasks.export_run.delay(export_id)
    except Exception as error:  # the broker's own errors, whatever its client raises
        _failed(ExportJob.objects.get(pk=export_id), error)


def file_title(title: str) -> str:
    """``title`` fit to name a file on any system: no path or wildcard characters."""
    for character in '/\\:*?"<>|':
        title = title.replace(character, "-")
    return title.strip()[:150] or "export"


def export_run(*, export_id: int) -> None:
    """Write the export, once: a job already taken (a message delivered twice) is left alone.
    A failure is kept on the job with a message for its requester, and no file on it."""
    taken = ExportJob.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now())
    if not taken:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=export_id)

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    with translation.override(job.params.get("language")):
        try:
            with _WRITERS[job.kind](job, progress) as handle:
                job.file.save(f"{job.title}.xlsx", File(handle), save=False)
            job.status, job.finished_at = ExportStatus.DONE, timezone.now()
            job.size = job.file.size
            job.save(update_fields=["status", "finished_at", "size", "file"])
            notify(recipients=[job.requested_by_id], kind="export.done",
                   title=_("Export ready: %(title)s") % {"title": job.title},
                   url=reverse("exports:detail", args=[job.pk]), unit_path=job.unit_path)
        except Exception as error:  # any failure is the job's, told to its requester
            _failed(job, error)


def _failed(job: ExportJob, error: Exception) -> None:
    if isinstance(error, ApplicationError):
        message = str(error.message)
    else:
        logger.exception("export %s failed", job.pk)
        message = _("The export failed. Try again; if it fails again, tell your administrator.")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, finished_at=timezone.now(), error=message[:500])
    notify(recipients=[job.requested_by_id], kind="export.failed",
           title=_("Export failed: %(title)s") % {"title": job.title}, body=message,
           url=reverse("exports:detail", args=[job.pk]), unit_path=job.unit_path)
