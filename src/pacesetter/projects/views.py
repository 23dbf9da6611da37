"""Pages of a project: its page with the lifecycle steps, claims, follow-ups and recognition;
the new-project and edit pages; the progress report; the files. Thin: they parse, call a
selector or a service, render. A refusal is shown on the form it came from; a success flashes a
message and redirects (post/redirect/get)."""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.orgs import selectors as org_selectors
from pacesetter.projects import access, forms, lifecycle, schedule, selectors, services
from pacesetter.projects.models import (
    Attachment,
    Claim,
    ClaimState,
    FollowUp,
    Grade,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectState,
)
from pacesetter.userinput import is_image

LOOKUP_LIMIT = 20
SHOWN_UPDATES = 50


def _refusal(error: ApplicationError) -> ApplicationError:
    """A service's refusal to show on a form; not-found and not-allowed go to their pages."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    return error


def _back_to(project: Project) -> HttpResponse:
    return redirect("projects:project", project_id=project.pk)


# --- the project page ------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineMark:
    view: selectors.MilestoneView
    left: float  # percent of the timeline's width


@dataclass(frozen=True)
class Timeline:
    marks: list[TimelineMark]
    start: datetime.date
    end: datetime.date
    today: float | None


def _timeline(overview: selectors.ProjectOverview, today: datetime.date) -> Timeline | None:
    """The milestones placed by due date between the project's start (or first milestone) and
    its deadline (or last milestone)."""
    views = overview.milestones
    if not views:
        return None
    project = overview.project
    dates = [v.milestone.due_on for v in views]
    dates += [d for d in (project.starts_on, project.deadline) if d is not None]
    start, end = min(dates), max(dates)
    span = max((end - start).days, 1)

    def left(day: datetime.date) -> float:
        return round(100 * (day - start).days / span, 2)

    return Timeline(marks=[TimelineMark(v, left(v.milestone.due_on)) for v in views],
                    start=start, end=end,
                    today=left(today) if start <= today <= end else None)


@dataclass(frozen=True)
class StepChoice:
    step: lifecycle.Step
    error: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def needs_form(self) -> bool:
        return self.step.note_required or self.step.name == "accept"


@dataclass(frozen=True)
class UpdateView:
    """A progress report as the timeline shows it: the milestones it moved, its photos (as
    thumbnails) and its other files."""

    update: ProgressUpdate
    percents: list[tuple[str, int]]
    photos: list[Attachment]
    files: list[Attachment]


def _update_views(project: Project, titles: dict[str, str]) -> list[UpdateView]:
    updates = project.updates.select_related("author").prefetch_related("attachments")
    views = []
    for update in updates[:SHOWN_UPDATES]:
        attachments = list(update.attachments.all())
        views.append(UpdateView(
            update=update,
            percents=[(titles.get(key, _("(a milestone since removed)")), value)
                      for key, value in update.percents.items()],
            photos=[a for a in attachments if is_image(a.name)],
            files=[a for a in attachments if not is_image(a.name)]))
    return views


def reply_form(follow_up: FollowUp, data: Any = None) -> forms.ReplyForm:
    """A follow-up's reply form, its field ids distinct from the other follow-ups'."""
    return forms.ReplyForm(data, auto_id=f"id_fu{follow_up.pk}_%s")


def _follow_up_initial(overview: selectors.ProjectOverview) -> dict[str, Any]:
    """A follow-up's reason written for the first overdue (or at-risk) milestone, or for the
    late report, so that the organizer only has to send it."""
    for wanted in (schedule.OVERDUE, schedule.AT_RISK):
        for view in overview.milestones:
            if view.state == wanted:
                milestone = view.milestone
                text = (_("Milestone “%(title)s” was due on %(due)s and is not done: say why "
                          "and speed it up.") if wanted == schedule.OVERDUE else
                        _("Milestone “%(title)s” is due on %(due)s with no progress yet: "
                          "report what has been done."))
                return {"milestone": milestone,
                        "reason": text % {"title": milestone.title,
                                          "due": f"{milestone.due_on:%Y-%m-%d}"}}
    if overview.report_late and overview.next_report_due:
        return {"reason": _("The progress report due on %(due)s has not arrived: report "
                            "now.") % {"due": f"{overview.next_report_due:%Y-%m-%d}"}}
    return {}


def _project_page(request: HttpRequest, project: Project, *, status: int = 200,
                  **bound: Any) -> HttpResponse:
    """The project page; ``bound`` holds the forms being corrected (and the step refused)."""
    user = request.user
    today = timezone.localdate()
    overview = selectors.project_overview(actor=user, project=project, today=today)
    roles = overview.roles
    organizer, lead = lifecycle.ORGANIZER in roles, lifecycle.LEAD in roles
    finished = project.state in lifecycle.FINISHED
    refused_step = bound.get("step_choice")
    steps = [refused_step if refused_step and refused_step.step.name == s.name
             else StepChoice(s) for s in overview.steps]
    # a step no longer offered (the state moved on meanwhile) says why above the page
    page_error = (refused_step.error if refused_step and refused_step not in steps else "")
    claim_units = (selectors.units_acting_under(actor=user, portfolio=project.portfolio)
                   if project.state == ProjectState.LISTED else [])
    claims = selectors.project_claims(actor=user, project=project, roles=roles)
    decision_errors = bound.get("decision_errors", {})
    follow_ups = list(project.follow_ups.select_related("milestone", "raised_by",
                                                        "replied_by")[:SHOWN_UPDATES])
    reply_forms = bound.get("reply_forms", {})
    titles = {str(v.milestone.pk): v.milestone.title for v in overview.milestones}
    return render(request, "projects/project.html", {
        "o": overview, "project": project, "timeline": _timeline(overview, today),
        "updates": _update_views(project, titles),
        "grades": Grade.choices,
        "verdict": selectors.panel_verdict(project)
        if project.state == ProjectState.AWAITING_ACCEPTANCE else None,
        "co_units": project.co_units.all(),
        "steps": steps,
        "can_edit": not finished and (organizer or (
            lead and project.state in lifecycle.EDITABLE_BY_LEAD)),
        "can_report": lead and project.state in lifecycle.RUNNING,
        "can_follow_up": organizer and not finished,
        "can_reply": lead,
        "organizer": organizer,
        "claims": [(c, decision_errors.get(c.pk, "")) for c in claims],
        "can_decide": organizer and project.state in (
            ProjectState.LISTED, ProjectState.APPROVED, ProjectState.IN_PROGRESS),
        "claim_form": bound.get("claim_form") or (
            forms.ClaimForm(units=claim_units) if claim_units else None),
        "follow_up_form": bound.get("follow_up_form") or forms.FollowUpForm(
            project=project, initial=_follow_up_initial(overview)
            if project.state in lifecycle.RUNNING else {}),
        "follow_ups": [(f, reply_forms.get(f.pk) or reply_form(f)) for f in follow_ups],
        "recognize_form": bound.get("recognize_form") or forms.RecognizeForm(initial={
            "outstanding": project.outstanding,
            "replication_case": project.replication_case}),
        "page_error": page_error,
    }, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    """A project: its plan, milestones on a timeline and in a table with their derived state,
    progress reports with their photos and files, follow-ups, claims, and the actions open to
    the visitor."""
    return _project_page(request, access.get_project_in_scope(request.user, project_id))


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int) -> HttpResponse:
    """A lifecycle step (submit, approve, return with a note, accept with a grade…)."""
    project = access.get_project_in_scope(request.user, project_id)
    form = forms.StepForm(request.POST)
    form.is_valid()
    data = {"step": "", "note": "", "grade": "", **form.cleaned_data}
    try:
        moved = services.project_step(actor=request.user, project=project, step=data["step"],
                                      note=data["note"], grade=data["grade"])
    except ApplicationError as error:
        refused = _refusal(error)
        step = lifecycle.STEPS.get(data["step"])
        if step is None:
            messages.error(request, refused.message)
            return _back_to(project)
        field_errors = dict(forms.refusal_problems(refused))
        choice = StepChoice(step, error=refused.message, field_errors=field_errors,
                            note=data["note"])
        return _project_page(request, project, status=refused.status_code,
                             step_choice=choice)
    messages.success(request, _("“%(step)s” is done: the project is now “%(state)s”.")
                     % {"step": lifecycle.STEPS[data["step"]].label,
                        "state": moved.get_state_display()})
    return _back_to(project)


@login_required
@require_POST
def project_recognize(request: HttpRequest, project_id: int) -> HttpResponse:
    """Mark a landmark achievement (标志性成果) or a case for replication (复制推广案例)."""
    project = access.get_project_in_scope(request.user, project_id)
    form = forms.RecognizeForm(request.POST)
    form.is_valid()
    services.project_recognize(actor=request.user, project=project,
                               outstanding=form.cleaned_data["outstanding"],
                               replication_case=form.cleaned_data["replication_case"])
    messages.success(request, _("The recognition is saved."))
    return _back_to(project)


# --- claims (认项) ---------------------------------------------------------------------------

@login_required
@require_POST
def claim_apply(request: HttpRequest, project_id: int) -> HttpResponse:
    """A unit's administrator claims a project open for claims, with a plan."""
    project = access.get_project_in_scope(request.user, project_id)
    units = selectors.units_acting_under(actor=request.user, portfolio=project.portfolio)
    if not units:
        raise PermissionDenied(_("You may claim projects only for units you administer."))
    form = forms.ClaimForm(request.POST, units=units)
    if form.is_valid():
        try:
            claim = services.claim_apply(actor=request.user, project=project,
                                         unit=form.cleaned_data["unit"],
                                         plan=form.cleaned_data["plan"])
        except ApplicationError as error:
            forms.show_refusal(form, _refusal(error))
        else:
            messages.success(request, _("%(unit)s has claimed the project; the organizer "
                                        "will decide.") % {"unit": claim.unit.name})
            return _back_to(project)
    return _project_page(request, project, status=422, claim_form=form)


def _visible_claim(request: HttpRequest, project: Project, claim_id: int) -> Claim:
    roles = access.roles_on(request.user, project)
    for claim in selectors.project_claims(actor=request.user, project=project, roles=roles):
        if claim.pk == claim_id:
            return claim
    raise NotFound(_("Claim not found."))


@login_required
@require_POST
def claim_decide(request: HttpRequest, project_id: int, claim_id: int) -> HttpResponse:
    """The organizer approves a claim (the first approved unit leads) or declines it."""
    project = access.get_project_in_scope(request.user, project_id)
    claim = _visible_claim(request, project, claim_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _project_page(request, project, status=422, decision_errors={
            claim.pk: _("Approve or decline the claim.")})
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = services.claim_decide(actor=request.user, claim=claim, approve=approve,
                                        note=form.cleaned_data["note"])
    except ApplicationError as error:
        refused = _refusal(error)
        return _project_page(request, project, status=refused.status_code,
                             decision_errors={claim.pk: refused.message})
    messages.success(request, (_("The claim of %(unit)s is approved.") if
                               decided.state == ClaimState.APPROVED else
                               _("The claim of %(unit)s is declined."))
                     % {"unit": claim.unit.name})
    return _back_to(project)


# --- progress and files ----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def progress_report(request: HttpRequest, project_id: int) -> HttpResponse:
    """The lead unit's progress report: text, percent per milestone, photos and files."""
    project = access.get_project_in_scope(request.user, project_id)
    if lifecycle.LEAD not in access.roles_on(request.user, project):
        raise PermissionDenied(str(access.LEAD_DENIED))
    if project.state not in lifecycle.RUNNING:
        messages.error(request, _("Progress is reported while a project runs."))
        return _back_to(project)
    milestones = list(project.milestones.all())
    form = forms.ProgressForm(request.POST or None, request.FILES or None,
                              milestones=milestones)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.progress_report(actor=request.user, project=project,
                                         text=form.cleaned_data["text"],
                                         percents=form.percents(),
                                         files=form.cleaned_data["files"])
            except ApplicationError as error:
                form.show_problems(_refusal(error))
            else:
                messages.success(request, _("The progress report is saved."))
                return _back_to(project)
        status = 422
    return render(request, "projects/project_report.html", {
        "project": project, "form": form}, status=status)


@login_required
@require_GET
def attachment_download(request: HttpRequest, project_id: int,
                        attachment_id: int) -> FileResponse:
    """A photo or file of a project, to those who see the project: photos shown in the page,
    other files downloaded."""
    project = access.get_project_in_scope(request.user, project_id)
    attachment = Attachment.objects.filter(project=project, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("File not found."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("File not found.")) from None
    image = is_image(attachment.name)
    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not image, filename=attachment.name,
                            content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600" if image else "private, no-store"
    return response


# --- follow-ups (督办) -------------------------------------------------------------------------

@login_required
@require_POST
def follow_up_raise(request: HttpRequest, project_id: int) -> HttpResponse:
    """The organizer chases the lead unit; the owner and the leader are notified."""
    project = access.get_project_in_scope(request.user, project_id)
    form = forms.FollowUpForm(request.POST, project=project)
    if form.is_valid():
        milestone: Milestone | None = form.cleaned_data["milestone"]
        try:
            services.follow_up_raise(actor=request.user, project=project,
                                     reason=form.cleaned_data["reason"], milestone=milestone)
        except ApplicationError as error:
            forms.show_refusal(form, _refusal(error))
        else:
            messages.success(request, _("The follow-up is sent to the owner and the leader."))
            return _back_to(project)
    return _project_page(request, project, status=422, follow_up_form=form)


@login_required
@require_POST
def follow_up_reply(request: HttpRequest, project_id: int, follow_up_id: int) -> HttpResponse:
    """The lead unit answers a follow-up."""
    project = access.get_project_in_scope(request.user, project_id)
    follow_up = FollowUp.objects.filter(project=project, pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound(_("Follow-up not found."))
    form = reply_form(follow_up, request.POST)
    form.is_valid()
    try:
        services.follow_up_reply(actor=request.user, follow_up=follow_up,
                                 reply=form.cleaned_data.get("reply", ""))
    except ApplicationError as error:
        refused = _refusal(error)
        forms.show_refusal(form, refused, lambda _name: "reply")
        return _project_page(request, project, status=refused.status_code,
                             reply_forms={follow_up.pk: form})
    messages.success(request, _("The reply is recorded."))
    return _back_to(project)


# --- the plan: new project, edit -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """A new project: the organizer's (for the list, or published for claims at once), or one
    a unit under the organizer proposes (it becomes the lead)."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    organizer = access.can_run(request.user, portfolio)
    proposing = ([] if organizer else
                 selectors.units_acting_under(actor=request.user, portfolio=portfolio))
    if not organizer and not proposing:
        raise PermissionDenied(_("Only the administrators of the organizer or of a unit "
                                 "under it create projects here."))
    options = {"organizer": organizer, "proposing_units": proposing, "creating": True}
    editor = (forms.PlanEditor.bound(request.POST, **options) if request.method == "POST"
              else forms.PlanEditor(form=forms.ProjectForm(**options)))
    if request.method == "POST":
        parsed = editor.read(actor=request.user, portfolio=portfolio)
        if parsed is not None:
            data, milestones = parsed
            publish = organizer and "publish" in request.POST
            try:
                with transaction.atomic():
                    project = services.project_create(
                        actor=request.user, portfolio=portfolio, data=data,
                        milestones=milestones,
                        proposed_by=None if organizer else
                        editor.form.cleaned_data["proposed_by"])
                    if publish:
                        services.project_step(actor=request.user, project=project, step="list")
            except ApplicationError as error:
                editor.show_problems(_refusal(error))
            else:
                messages.success(request, _("The project is published for claims.") if publish
                                 else _("The project is created as a draft."))
                return _back_to(project)
    return render(request, "projects/project_form.html", {
        "portfolio": portfolio, "editor": editor, "organizer": organizer, "project": None,
    }, status=422 if editor.has_errors else 200)


def _edit_refusal(project: Project, roles: set[str]) -> str | None:
    """Why the plan cannot be edited now (the services' own words), or ``None``."""
    if project.state in lifecycle.FINISHED:
        return str(services.FINISHED_REFUSED)
    if lifecycle.ORGANIZER in roles or (lifecycle.LEAD in roles and
                                        project.state in lifecycle.EDITABLE_BY_LEAD):
        return None
    return _("You may not change this project now.")


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """The plan and its milestones, changed together (both or neither): each row names the
    milestone it edits, which keeps its progress and follow-ups even when renamed."""
    project = access.get_project_in_scope(request.user, project_id)
    roles = access.roles_on(request.user, project)
    if not roles:
        raise PermissionDenied(_("You may not change this project now."))
    refusal = _edit_refusal(project, roles)
    if refusal and request.method == "GET":
        messages.error(request, refusal)
        return _back_to(project)
    options = {"organizer": lifecycle.ORGANIZER in roles, "creating": False}
    status = 422
    editor = (forms.PlanEditor.bound(request.POST, **options) if request.method == "POST"
              else forms.PlanEditor.for_project(project, **options))
    if request.method == "POST":
        parsed = editor.read(actor=request.user, portfolio=project.portfolio, project=project)
        if parsed is not None:
            data, milestones = parsed
            try:
                services.project_update(actor=request.user, project=project, data=data,
                                        milestones=milestones)
            except NotFound:
                raise
            except ApplicationError as refused:  # a state that refuses shows its reason
                editor.show_problems(refused)
                status = refused.status_code
            else:
                messages.success(request, _("The project is saved."))
                return _back_to(project)
    return render(request, "projects/project_form.html", {
        "portfolio": project.portfolio, "editor": editor,
        "organizer": lifecycle.ORGANIZER in roles, "project": project,
    }, status=status if editor.has_errors else 200)


# --- suggestions for the unit and person fields ----------------------------------------------

@login_required
@require_GET
def unit_options(request: HttpRequest, portfolio_id: int) -> JsonResponse:
    """Units under the portfolio's organizer that the user sees, matching ``q`` (code or name),
    as suggestions for a unit field."""
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    query = request.GET.get("q", "").strip()[:100]
    units = (org_selectors.unit_list(actor=request.user, under=portfolio.owner, search=query,
                                     active=True)[:LOOKUP_LIMIT] if query else [])
    return JsonResponse({"options": [forms.unit_label(u) for u in units]})


@login_required
@require_GET
def person_options(request: HttpRequest, portfolio_id: int) -> JsonResponse:
    """People the user sees, matching ``q``, as suggestions for the leader and owner fields."""
    access.get_portfolio_in_scope(request.user, portfolio_id)
    query = request.GET.get("q", "").strip()[:100]
    people = (org_selectors.person_list(actor=request.user, search=query).filter(
        is_active=True)[:LOOKUP_LIMIT] if query else [])
    return JsonResponse({"options": [forms.person_label(p) for p in people]})
