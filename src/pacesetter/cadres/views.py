"""Pages of the cadre assessment: the overview, an appraisal's set-up and panels, the
responsibility index's bands and follow-ups, the candidate list, and a cadre's profile (each
read audited), with its exports watermarked with the reader's name and the time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.cadres import documents, forms, selectors, services
from pacesetter.cadres.models import (
    Appraisal,
    AppraisalStatus,
    FollowUpStatus,
    IndexRule,
    Rater,
    Source,
)
from pacesetter.errors import ApplicationError, NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person
from pacesetter.surveys import selectors as survey_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors_into(form: Any, error: ApplicationError) -> None:
    for item in error.extra.get("errors", []):
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item["message"])
    if not error.extra.get("errors"):
        form.add_error(None, error.message)


def _require_personnel(request: HttpRequest) -> None:
    if scope.manage_scope(request.user).is_empty:
        raise NotFound(_("Not found."))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The plans of cadres in scope, with their appraisal and index, and what needs doing."""
    _require_personnel(request)
    plans = list(assessment_selectors.cadre_plans(actor=request.user))
    appraisals = {a.plan_id: a for a in Appraisal.objects.filter(
        plan__in=plans)}
    rules = set(IndexRule.objects.filter(plan__in=plans).values_list("plan_id", flat=True))
    rows = [{"plan": p, "appraisal": appraisals.get(p.pk), "index": p.pk in rules,
             "runs": assessment_selectors.can_run(actor=request.user, plan=p)} for p in plans]
    return render(request, "cadres/home.html", {
        "rows": rows, "open_follow_ups": selectors.open_follow_up_count(actor=request.user),
        "candidates": len(selectors.candidates(actor=request.user))})


def _appraisal_form(request: HttpRequest, plan: Any, appraisal: Any) -> forms.AppraisalForm:
    codes = [code for code, rule in assessment_selectors.plan_codes(plan=plan).items()
             if rule in services.SOURCE_RULES]
    initial: dict[str, Any] = {}
    if appraisal is not None:
        initial = {"dimensions": forms.dimensions_text(appraisal.dimensions),
                   "grades": forms.grades_text(appraisal.grades),
                   "quota_rounding": appraisal.quota_rounding,
                   "drop_highest": appraisal.drop_highest, "drop_lowest": appraisal.drop_lowest,
                   "survey": appraisal.survey_id, "unit_plan": appraisal.unit_plan_id,
                   **{f"source_{s}": c for s, c in appraisal.sources.items()}}
    else:
        model = Appraisal()
        initial = {"dimensions": forms.dimensions_text(model.dimensions),
                   "grades": forms.grades_text(model.grades)}
    unit_plans = assessment_selectors.plan_list(actor=request.user).exclude(
        subject_kind="cadre")
    return forms.AppraisalForm(request.POST if request.method == "POST" else None,
                               initial=initial, codes=codes,
                               surveys=survey_selectors.campaign_list(actor=request.user),
                               unit_plans=unit_plans)


@login_required
@require_http_methods(["GET", "POST"])
def appraisal(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Set up the appraisal (sources, dimensions, grades and quotas), follow the panels'
    ballots, and fill the sources into the plan."""
    plan, found = selectors.appraisal_in_scope(request.user, plan_id)
    form = _appraisal_form(request, plan, found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appraisal_save(
                actor=request.user, plan=plan, sources=form.sources(), survey=data["survey"],
                unit_plan=data["unit_plan"],
                dimensions=forms.parse_dimensions(data["dimensions"]),
                grades=forms.parse_grades(data["grades"]),
                quota_rounding=data["quota_rounding"], drop_highest=data["drop_highest"],
                drop_lowest=data["drop_lowest"])
        except ApplicationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:appraisal", plan.pk)
    context: dict[str, Any] = {"plan": plan, "appraisal": found, "form": form,
                               "raters_form": forms.RatersForm()}
    if found is not None:
        sources, rows = services.source_table(found)
        context.update(progress=selectors.panel_progress(found),
                       raters=selectors.raters(found), source_rows=rows,
                       source_heads=[(Source(s).label, found.sources[s]) for s in sources])
    return render(request, "cadres/appraisal.html", context)


@login_required
@require_POST
def appraisal_status(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, found = selectors.appraisal_in_scope(request.user, plan_id)
    if found is None:
        raise NotFound(_("Not found."))
    try:
        services.appraisal_status_set(actor=request.user, appraisal=found,
                                      status=request.POST.get("status", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rating is open.") if request.POST.get("status") ==
                         AppraisalStatus.RATING else _("Rating is closed."))
    return redirect("cadres:appraisal", plan.pk)


@login_required
@require_POST
def appraisal_fill(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, found = selectors.appraisal_in_scope(request.user, plan_id)
    if found is None:
        raise NotFound(_("Not found."))
    try:
        changed = services.appraisal_fill(actor=request.user, appraisal=found)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d figures written into the plan.")
                         % {"count": changed})
    return redirect("cadres:appraisal", plan.pk)


def _rater_person(unit: Any, name: str) -> Person | None:
    """The register's one active person of that name in the rated unit's subtree, if one."""
    found = list(Person.objects.filter(unit__path__startswith=unit.path, name=name,
                                       is_active=True)[:2])
    return found[0] if len(found) == 1 else None


@login_required
@require_POST
def raters_issue(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Issue a panel's codes, shown once as printable slips."""
    plan, found = selectors.appraisal_in_scope(request.user, plan_id)
    if found is None:
        raise NotFound(_("Not found."))
    form = forms.RatersForm(request.POST)
    issued: list[tuple[Rater, str]] = []
    if form.is_valid():
        try:
            unit = scope.get_unit_by_code_in_scope(request.user, form.cleaned_data["unit_code"],
                                                   for_write=True)
            names = [n.strip() for n in form.cleaned_data["names"].splitlines() if n.strip()]
            issued = services.raters_issue(
                actor=request.user, appraisal=found, role=form.cleaned_data["role"],
                rates_unit=unit, raters=[(n, _rater_person(unit, n)) for n in names])
        except ApplicationError as error:
            _errors_into(form, error)
    if not issued:
        return render(request, "cadres/raters_issue.html", {
            "plan": plan, "form": form}, status=400)
    return render(request, "cadres/raters_issue.html", {
        "plan": plan, "issued": issued,
        "link": request.build_absolute_uri(reverse("cadres:rate"))})


@login_required
@require_http_methods(["GET", "POST"])
def rater_conflicts(request: HttpRequest, rater_id: int) -> HttpResponse:
    """Declare the cadres a rater must not rate (回避)."""
    rater = Rater.objects.select_related("appraisal__plan", "rates_unit").filter(
        pk=rater_id).first()
    if rater is None or not assessment_selectors.can_run(actor=request.user,
                                                         plan=rater.appraisal.plan):
        raise NotFound(_("Not found."))
    cadre_ids = [s.person_id for s in assessment_selectors.plan_subjects(
        plan=rater.appraisal.plan).filter(unit__path__startswith=rater.rates_unit.path)]
    form = forms.ConflictsForm(request.POST or None, cadres=Person.objects.filter(
        pk__in=cadre_ids).select_related("unit").order_by("unit__path", "name"),
        initial={"people": list(rater.conflicts.all())})
    if request.method == "POST" and form.is_valid():
        try:
            services.conflicts_declare(actor=request.user, rater=rater,
                                       people=list(form.cleaned_data["people"]))
        except ApplicationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:appraisal", rater.appraisal.plan_id)
    return render(request, "cadres/conflicts.html", {"rater": rater, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def index_rule(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The bands of a plan's responsibility index, and the follow-ups they raised."""
    plan = assessment_selectors.plan_in_scope(actor=request.user, plan_id=plan_id,
                                              for_write=True)
    if not plan.of_people:
        raise NotFound(_("Assessment plan not found."))
    rule = IndexRule.objects.filter(plan=plan).first()
    form = forms.BandsForm(request.POST or None, initial={
        "bands": forms.bands_text(rule.bands) if rule else
        "|提醒谈话|组织部约谈提醒\n60|一般\n80|较好\n95|优先提拔|列入优先提拔使用人选|候选"})
    if request.method == "POST" and form.is_valid():
        try:
            services.index_rule_save(actor=request.user, plan=plan,
                                     bands=forms.parse_bands(form.cleaned_data["bands"]))
        except ApplicationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cadres:index_rule", plan.pk)
    rows = (selectors.follow_ups(actor=request.user).filter(rule=rule) if rule
            else selectors.follow_ups(actor=request.user).none())
    return render(request, "cadres/index_rule.html", {
        "plan": plan, "rule": rule, "form": form, "follow_ups": rows[:500]})


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    _require_personnel(request)
    status = request.GET.get("status", FollowUpStatus.OPEN)
    rows = selectors.follow_ups(actor=request.user, status=status or None)
    return render(request, "cadres/follow_ups.html", {
        "rows": rows[:500], "status": status, "statuses": FollowUpStatus.choices,
        "close_form": forms.CloseFollowUpForm()})


@login_required
@require_POST
def follow_up_close(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = selectors.follow_up_in_scope(request.user, follow_up_id)
    form = forms.CloseFollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done."))
    else:
        try:
            services.follow_up_close(actor=request.user, follow_up=follow_up,
                                     outcome=form.cleaned_data["outcome"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Closed."))
    return redirect(request.POST.get("next") or reverse("cadres:follow_ups"))


@login_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    """Candidates for selection: red lists and the index's candidate bands."""
    _require_personnel(request)
    return render(request, "cadres/candidates.html", {
        "rows": selectors.candidates(actor=request.user)})


@login_required
@require_GET
def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    """A cadre's profile; reading it is recorded in the audit log."""
    person = selectors.cadre_in_scope(request.user, person_id)
    services.record_read(actor=request.user, person=person, what=_("Profile viewed"))
    return render(request, "cadres/profile.html", {
        "person": person, "profile": selectors.profile(actor=request.user, person=person),
        "close_form": forms.CloseFollowUpForm()})


def _watermark(request: HttpRequest) -> str:
    return documents.watermark_text(request.user)


@login_required
@require_GET
def profile_export(request: HttpRequest, person_id: int) -> FileResponse:
    """The profile as a workbook, each sheet marked with who exported it and when."""
    person = selectors.cadre_in_scope(request.user, person_id)
    services.record_read(actor=request.user, person=person, what=_("Profile exported (xlsx)"))
    handle = documents.profile_workbook(selectors.profile(actor=request.user, person=person),
                                        _watermark(request))
    return FileResponse(handle, as_attachment=True, content_type=XLSX,
                        filename=f"{person.name}-{_('cadre profile')}.xlsx")


@login_required
@require_GET
def appraisal_sheet(request: HttpRequest, person_id: int) -> FileResponse:
    """The annual appraisal sheet (年度考核登记表) in Word, watermarked."""
    person = selectors.cadre_in_scope(request.user, person_id)
    services.record_read(actor=request.user, person=person,
                         what=_("Annual appraisal sheet exported (docx)"))
    handle = documents.appraisal_sheet(selectors.profile(actor=request.user, person=person),
                                       _watermark(request))
    return FileResponse(handle, as_attachment=True, content_type=DOCX,
                        filename=f"{person.name}-{_('annual appraisal sheet')}.docx")
