"""A plan's files: the figures template and its upload, and the xlsx exports (streamed)."""

from __future__ import annotations

from typing import IO, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pacesetter.assessment import access, imports, selectors, spreadsheets
from pacesetter.assessment.models import AssessmentPlan
from pacesetter.errors import Conflict, NotFound, ValidationFailed
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs.forms import UnitImportForm

PROBLEMS_SHOWN = 2000
DIRECT_EXPORT_ROWS = 5000  # about 4 s of openpyxl on this machine: beyond, a background job
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ValuesUploadForm(UnitImportForm):
    """The units import's file field and its checks (.xlsx, at most 20 MB)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("The plan's template, filled in.")


def _download(handle: IO[bytes], plan: AssessmentPlan, what: str) -> FileResponse:
    name = export_services.file_title(f"{plan.name} {plan.period.label} {what}")
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)


def _no_workbook_for_cadres(request: HttpRequest, plan: AssessmentPlan) -> HttpResponse:
    messages.error(request, _("A cadre's figures are entered on the cadre's page or through "
                              "the API, not by workbook."))
    return redirect("assessment:plan_detail", plan.pk)


@login_required
@require_GET
def values_template(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_in_scope(request.user, plan_id)
    if plan.of_people:
        return _no_workbook_for_cadres(request, plan)
    return _download(spreadsheets.template_file(actor=request.user, plan=plan), plan,
                     _("figures"))


@login_required
@require_http_methods(["GET", "POST"])
def values_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload the filled template: all of it is saved, or nothing and every problem listed."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    if plan.of_people:
        return _no_workbook_for_cadres(request, plan)
    imports.require_reporting(request.user, plan)
    form = ValuesUploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            written = spreadsheets.values_upload(
                actor=request.user, plan=plan, source=upload,
                note=_("Upload of %(file)s") % {"file": upload.name})
        except (ValidationFailed, Conflict) as error:
            problems = error.extra.get("errors", [])
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved: %(count)d values changed.") % {"count": written})
            return redirect("assessment:values_upload", plan.pk)
    return render(request, "assessment/values_upload.html", {
        "plan": plan, "form": form, "problems": problems[:PROBLEMS_SHOWN],
        "more": max(len(problems) - PROBLEMS_SHOWN, 0)})


@login_required
@require_http_methods(["GET", "POST"])
def results_export(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The results of ``?version=N`` (by default the one the board shows), every row the
    board shows the user: streamed at once up to ``DIRECT_EXPORT_ROWS``; beyond, a page
    offers to write the file in the background (a province's 250,000 rows take minutes)."""
    plan = access.get_plan_in_scope(request.user, plan_id)
    number = request.GET.get("version")
    try:
        wanted = scope.as_id(number) if number else None
    except ValueError:
        raise NotFound(_("No result has been published yet.")) from None
    version = selectors.result_version(actor=request.user, plan=plan, number=wanted)
    what = _("results v%(number)d") % {"number": version.number}
    rows = selectors.results(actor=request.user, version=version).count()
    if rows <= DIRECT_EXPORT_ROWS:
        return _download(spreadsheets.results_file(actor=request.user, plan=plan,
                                                   version=version), plan, what)
    if request.method == "POST":
        job = export_services.export_request(
            actor=request.user, kind="assessment.results",
            params={"plan": plan.pk, "version": version.number, "version_id": version.pk},
            title=f"{plan.name} {plan.period.label} {what}", unit_path=plan.owner.path,
            rows_total=rows)
        return redirect("exports:detail", job.pk)
    return render(request, "assessment/export_background.html", {
        "plan": plan, "version": version, "rows": rows})


@login_required
@require_GET
def submissions_export(request: HttpRequest, plan_id: int) -> FileResponse:
    plan = access.get_plan_in_scope(request.user, plan_id)
    return _download(spreadsheets.submissions_file(actor=request.user, plan=plan), plan,
                     _("reporting"))
