"""The user's exports: a list, one export's progress (polled while it runs), its file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pacesetter.errors import NotFound
from pacesetter.exports import selectors
from pacesetter.exports.models import ExportStatus
from pacesetter.pagination import page_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    page, keep = page_of(request, selectors.export_list(actor=request.user))
    return render(request, "exports/export_list.html", {
        "page_obj": page, "query_without_page": keep})


@login_required
@require_GET
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    """The export's state; while it runs, the progress fragment asks again every 2 s."""
    job = selectors.export_get(actor=request.user, export_id=export_id)
    template = "exports/_progress.html" if request.headers.get("HX-Request") else \
        "exports/export_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    job = selectors.export_get(actor=request.user, export_id=export_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise NotFound(_("This export has no file yet."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"{job.title}.xlsx",
                        content_type=XLSX)
