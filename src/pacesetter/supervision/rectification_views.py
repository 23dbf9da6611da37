"""The rectification pages (督办事项): the task board with its filters and workbook, a task's
page with its history and the steps open to the visitor, the registration of tasks from other
sources than a finding, the supervisors' verification queue, and the overdue and soon-due list
the escalation works from.

Thin: they parse, call a selector (``boards``, ``access``) or a service, render. A refusal is
shown on the page it came from, in the user's language; a success flashes a message and
redirects (post/redirect/get). Outside the visitor's scope everything is "not found".
"""

from __future__ import annotations

import datetime
import mimetypes
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pacesetter.errors import ApplicationError, NotFound, PermissionDenied
from pacesetter.exports import services as export_services
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.pagination import page_of
from pacesetter.supervision import access, boards, lifecycle, schedule, services
from pacesetter.supervision import forms as supervision_forms
from pacesetter.supervision.models import (
    Evidence,
    FeedbackCadence,
    Rectification,
    RectificationSource,
    RectificationState,
)
from pacesetter.userinput import is_image

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What the evidence picker offers: photos (the camera on a phone), PDF and Office files.
FILE_ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt"
#: Where a quick action returns to (the ``back`` field of a step), by name.
BACK_TO = {"queue": "supervision:rectification_queue", "due": "supervision:rectification_due",
           "board": "supervision:rectifications"}
SEPARATORS = re.compile(r"[,，、;；\n]+")
PERSON_LABEL = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]+)[）)]\s*$")
HISTORY_SHOWN = 200
BACKWARD_STEPS = frozenset({"request_extension", "decline_extension", "return", "reopen"})


def _inspection_url(inspection_id: int) -> str:
    """The inspection's page, once the inspection pages are there."""
    try:
        return reverse("supervision:inspection", args=[inspection_id])
    except NoReverseMatch:
        return ""


# --- the board ----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> boards.TaskFilters:
    return boards.filters_from(request.user, request.GET)


@dataclass(frozen=True)
class StateGroup:
    state: str
    label: str
    views: list[boards.TaskView]


def _grouped(views: list[boards.TaskView]) -> list[StateGroup]:
    """The page's tasks grouped by state (they come ordered by state)."""
    groups: list[StateGroup] = []
    for view in views:
        if not groups or groups[-1].state != view.task.state:
            groups.append(StateGroup(view.task.state, view.task.get_state_display(), []))
        groups[-1].views.append(view)
    return groups


def _with_chosen(options: list[tuple[int, str]], unit: Unit | None) -> list[tuple[int, str]]:
    """The unit filter's options, with the chosen unit even if no task names it (a unit
    typed into the address)."""
    if unit is None or any(pk == unit.pk for pk, _label in options):
        return options
    return [(unit.pk, unit.name), *options]


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """督办事项: the tasks the visitor sees, filtered, grouped by state, each with its serial,
    content, lead unit, deadline, days left or overdue, light and escalation; the visitor's
    own unit's open tasks first."""
    user, today = request.user, timezone.localdate()
    filters = _filters(request)
    found = boards.tasks(actor=user, filters=filters, today=today)
    page, query = page_of(request, found)
    views = [boards.view_of(task, today) for task in page.object_list]
    mine = boards.my_unit_tasks(actor=user)
    return render(request, "supervision/rectification_board.html", {
        "groups": _grouped(views), "page_obj": page, "query_without_page": query,
        "filters": filters, "filter_query": request.GET.urlencode(),
        "states": boards.state_counts(found), "lights": boards.light_counts(found, today),
        "sources": RectificationSource.choices,
        "units": _with_chosen(boards.unit_options(actor=user), filters.unit),
        "inspections": boards.inspection_options(actor=user),
        "mine": [boards.view_of(task, today) for task in mine[:boards.MY_TASKS_SHOWN]],
        "mine_count": mine.count(),
        "can_supervise": not scope.inspect_scope(user).is_empty,
        "tab": "board",
    })


@login_required
@require_http_methods(["GET", "POST"])
def board_xlsx(request: HttpRequest) -> HttpResponse:
    """The board's list as filtered, every column, in a workbook: at once up to
    ``boards.DIRECT_EXPORT_ROWS`` tasks; beyond, a page offers to write it in the background
    (a province's 100,000 tasks take a minute or two)."""
    today = timezone.localdate()
    filters = _filters(request)
    found = boards.tasks(actor=request.user, filters=filters, today=today)
    rows = found.count()
    title = export_services.file_title(_("Rectifications %(day)s") % {"day": f"{today:%Y-%m-%d}"})
    if rows <= boards.DIRECT_EXPORT_ROWS:
        return FileResponse(boards.tasks_workbook(found, today), as_attachment=True,
                            content_type=XLSX, filename=f"{title}.xlsx")
    if request.method == "POST":
        job = export_services.export_request(
            actor=request.user, kind="supervision.rectifications",
            params={"filters": {key: request.GET[key] for key in FILTER_KEYS
                                if request.GET.get(key)}, "today": today.isoformat()},
            title=title, unit_path=_export_path(request.user, filters), rows_total=rows)
        return redirect("exports:detail", export_id=job.pk)
    return render(request, "supervision/rectification_export.html", {
        "rows": rows, "filter_query": request.GET.urlencode(), "tab": "board"})


FILTER_KEYS = ("unit", "source", "state", "light", "inspection", "q")


def _export_path(user: Any, filters: boards.TaskFilters) -> str:
    """Where the export's audit entry belongs: the unit filtered on, or the user's widest
    unit."""
    if filters.unit is not None:
        return filters.unit.path
    paths = scope.read_scope(user).paths
    return min(paths, key=len) if paths else ""


# --- a task's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepChoice:
    """A step offered on the task page, with what was typed and what was refused."""

    step: lifecycle.Step
    error: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    note: str = ""
    deadline: str = ""

    @property
    def needs_form(self) -> bool:
        return (self.step.note_required or self.step.evidence_required
                or self.step.name == "request_extension")

    @property
    def asks_date(self) -> bool:
        return self.step.name == "request_extension"

    @property
    def offers_deadline(self) -> bool:
        """The step sends the task back with a new deadline, which may be given."""
        return self.step.name in services.NEW_DEADLINE_STEPS

    @property
    def forward(self) -> bool:
        """The step moves the task on (shown as the main button), not back or aside."""
        return self.step.name not in BACKWARD_STEPS


@dataclass(frozen=True)
class EventView:
    event: Any
    step_label: str
    to_label: str
    photos: list[Evidence]
    files: list[Evidence]


#: The steps' labels as written in ``lifecycle``, spelled out so that ``makemessages`` finds
#: them (``lifecycle._step`` passes them through a variable); the history's first step too.
STEP_LABELS = {
    "register": pgettext_lazy("rectification step", "Register"),
    "assign": pgettext_lazy("rectification step", "Assign"),
    "accept": pgettext_lazy("rectification step", "Accept"),
    "start": pgettext_lazy("rectification step", "Start"),
    "request_extension": pgettext_lazy("rectification step", "Request an extension"),
    "approve_extension": pgettext_lazy("rectification step", "Approve the extension"),
    "decline_extension": pgettext_lazy("rectification step", "Decline the extension"),
    "report": pgettext_lazy("rectification step", "Report the rectification"),
    "review": pgettext_lazy("rectification step", "Take up for review"),
    "return": pgettext_lazy("rectification step", "Return for more work"),
    "complete": pgettext_lazy("rectification step", "Complete"),
    "close": pgettext_lazy("rectification step", "Verify and close out"),
    "reopen": pgettext_lazy("rectification step", "Reopen"),
}


def _history(task: Rectification) -> list[EventView]:
    labels = dict(RectificationState.choices)
    events = task.events.select_related("actor").prefetch_related("evidence")[:HISTORY_SHOWN]
    views = []
    for event in events:
        step = lifecycle.STEPS.get(event.step)
        evidence = list(event.evidence.all())
        views.append(EventView(
            event=event,
            step_label=str(STEP_LABELS.get(event.step) or (step.label if step else event.step)),
            to_label=str(labels.get(event.to_state, event.to_state)),
            photos=[e for e in evidence if is_image(e.name)],
            files=[e for e in evidence if not is_image(e.name)]))
    return views


def _task_page(request: HttpRequest, task: Rectification, *, status: int = 200,
               refused: StepChoice | None = None, page_error: str = "") -> HttpResponse:
    """The task page; ``refused`` is the step whose form comes back with its problems."""
    user, today = request.user, timezone.localdate()
    roles = access.roles_on(user, task)
    steps = [refused if refused and refused.step.name == s.name else StepChoice(s)
             for s in lifecycle.steps_from(task.state, roles)]
    if refused and refused not in steps and not page_error:
        # a step not open to the visitor (the other side's, or the state moved on)
        page_error = refused.error
    finding = task.finding
    finding_evidence = list(finding.evidence.all()) if finding else []
    return render(request, "supervision/rectification.html", {
        "task": task, "view": boards.view_of(task, today), "today": today,
        "assisting_units": list(task.assisting_units.all()),
        "finding": finding,
        "suggestions": list(finding.suggestions.all()) if finding else [],
        "finding_photos": [e for e in finding_evidence if is_image(e.name)],
        "finding_files": [e for e in finding_evidence if not is_image(e.name)],
        "inspection_url": _inspection_url(finding.inspection_id) if finding else "",
        "history": _history(task), "steps": steps, "page_error": page_error,
        "side": next(iter(roles), ""), "file_accept": FILE_ACCEPT,
        "escalation_label": boards.ESCALATION_LABELS.get(task.escalation, task.escalation),
    }, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, rectification_id: int) -> HttpResponse:
    """A task: what is to be rectified and where it comes from (the finding with its
    suggestions and photos), the units, the deadline with its light, the lateness flags and
    the escalation, the history step by step, and the steps open to the visitor."""
    return _task_page(request, access.get_rectification_in_scope(request.user,
                                                                 rectification_id))


def _back(request: HttpRequest, task: Rectification) -> HttpResponse:
    name = BACK_TO.get(request.POST.get("back", ""))
    return redirect(name) if name else redirect("supervision:rectification", task.pk)


@login_required
@require_POST
def step(request: HttpRequest, rectification_id: int) -> HttpResponse:
    """A lifecycle step: a note where it needs one, a date to ask an extension for, evidence
    (photos, PDF, Office files) to report with. Refused: the page again, with the reason."""
    task = access.get_rectification_in_scope(request.user, rectification_id)
    name = request.POST.get("step", "")[:32]
    note, deadline = request.POST.get("note", ""), request.POST.get("deadline", "")[:10]
    found = lifecycle.STEPS.get(name)
    if found is not None and deadline.strip() and supervision_forms.date_or_none(
            deadline) is None:
        choice = StepChoice(found, error=str(supervision_forms.BAD_DATE),
                            field_errors={"deadline": str(supervision_forms.BAD_DATE)},
                            note=note, deadline=deadline)
        return _task_page(request, task, status=422, refused=choice)
    try:
        moved = services.rectification_step(
            actor=request.user, rectification=task, step=name, note=note,
            deadline=supervision_forms.date_or_none(deadline),
            files=request.FILES.getlist("files"))
    except NotFound:
        raise
    except ApplicationError as error:
        if found is None:
            return _task_page(request, task, status=error.status_code, page_error=error.message)
        choice = StepChoice(found, error=error.message,
                            field_errors=dict(p for p in supervision_forms.refusal_problems(error)
                                              if p[0]),
                            note=note, deadline=deadline)
        return _task_page(request, task, status=error.status_code, refused=choice)
    messages.success(request, _("“%(step)s” is done: %(serial)s is now “%(state)s”.") % {
        "step": lifecycle.STEPS[name].label, "serial": moved.serial,
        "state": moved.get_state_display()})
    return _back(request, moved)


@login_required
@require_GET
def evidence(request: HttpRequest, rectification_id: int, evidence_id: int) -> FileResponse:
    """A photo or file of the task (a report's evidence) or of its finding, to those who see
    the task: photos shown in the page, other files downloaded."""
    task = access.get_rectification_in_scope(request.user, rectification_id)
    found = Evidence.objects.filter(pk=evidence_id, rectification=task).first()
    if found is None and task.finding_id:
        found = Evidence.objects.filter(pk=evidence_id, finding_id=task.finding_id).first()
    if found is None:
        raise NotFound(_("File not found."))
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("File not found.")) from None
    image = is_image(found.name)
    content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not image, filename=found.name,
                            content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600" if image else "private, no-store"
    return response


# --- registering a task from another source ---------------------------------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    """A task from a leader's instruction, a meeting decision, a higher-level assignment or a
    public complaint. The rules are ``services.rectification_register``'s; units and the
    person are typed and resolved here within the visitor's scope."""

    owner = forms.TypedChoiceField(label=gettext_lazy("Supervised by"), coerce=int)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=[
        (value, label) for value, label in RectificationSource.choices
        if value != RectificationSource.FINDING])
    source_note = forms.CharField(
        label=gettext_lazy("Source details"), max_length=300, required=False,
        help_text=gettext_lazy("E.g. the instruction's number and date, or the meeting."))
    content = forms.CharField(label=gettext_lazy("What is to be rectified"),
                              widget=forms.Textarea(attrs={"rows": 4}))
    lead_unit = forms.CharField(label=gettext_lazy("Lead unit"), max_length=240,
                                help_text=gettext_lazy("A unit's code or its name."))
    assisting_units = forms.CharField(
        label=gettext_lazy("Assisting units"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Codes or names, separated by commas, 、 or new lines."))
    responsible = forms.CharField(
        label=gettext_lazy("Person responsible"), max_length=240, required=False,
        help_text=gettext_lazy("A name, or name（unit） when several share it."))
    measures = forms.CharField(label=gettext_lazy("Measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=_date_input())
    feedback_cadence = forms.ChoiceField(label=gettext_lazy("Feedback"),
                                         choices=FeedbackCadence.choices)

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners

    def show_refusal(self, error: ApplicationError) -> None:
        for name, message in supervision_forms.refusal_problems(error):
            self.add_error(name if name in self.fields else None, message)


def _owners(user: Any) -> list[tuple[int, str]]:
    """The units the visitor supervises (administers or inspects): the outermost of them."""
    supervise = scope.inspect_scope(user)
    units = (Unit.objects.filter(parent__isnull=True) if supervise.everything
             else Unit.objects.filter(path__in=supervise.paths))
    return list(units.order_by("path").values_list("pk", "name")[:200])


def _resolve(form: RegisterForm, resolver: supervision_forms.Resolver) -> dict[str, Any] | None:
    """The units and the person typed on the form, or ``None`` with the problems on it."""
    data = form.cleaned_data
    resolved: dict[str, Any] = {"assisting_units": []}
    try:
        resolved["lead_unit"] = resolver.unit(data["lead_unit"])
    except LookupError as missing:
        form.add_error("lead_unit", str(missing))
    for text in SEPARATORS.split(data["assisting_units"]):
        if text.strip():
            try:
                resolved["assisting_units"].append(resolver.unit(text))
            except LookupError as missing:
                form.add_error("assisting_units", str(missing))
    resolved["assisting_units"] = list(dict.fromkeys(resolved["assisting_units"]))
    try:
        resolved["responsible"] = resolver.person(data["responsible"])
    except LookupError as missing:
        form.add_error("responsible", str(missing))
    return None if form.errors else resolved


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """登记督办事项: a supervisor registers a task from another source than a finding."""
    user = request.user
    owners = _owners(user)
    if not owners:
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    chosen = boards.id_or_none(request.POST.get("owner"))
    if chosen and chosen not in {pk for pk, _name in owners}:
        # a unit further down the supervised subtree may organize; one outside is not found
        unit = scope.get_unit_in_scope(user, chosen)
        owners.append((unit.pk, unit.name))
    form = RegisterForm(request.POST or None, owners=owners, initial={
        "owner": owners[0][0], "feedback_cadence": FeedbackCadence.NONE,
        "deadline": timezone.localdate() + datetime.timedelta(days=30)})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            owner = scope.get_unit_in_scope(user, form.cleaned_data["owner"])
            resolved = _resolve(form, supervision_forms.Resolver(
                actor=user, owner=owner, missing_unit=supervision_forms.MISSING_UNDER_SUPERVISOR,
                ambiguous_person=supervision_forms.AMBIGUOUS_WRITE_UNIT))
            if resolved is not None:
                data = form.cleaned_data
                try:
                    task = services.rectification_register(
                        actor=user, owner=owner, source=data["source"],
                        content=data["content"], source_note=data["source_note"],
                        deadline=data["deadline"], measures=data["measures"],
                        feedback_cadence=data["feedback_cadence"], **resolved)
                except NotFound:
                    raise
                except ApplicationError as error:
                    form.show_refusal(error)
                    status = error.status_code
                else:
                    messages.success(request, _("%(serial)s is registered; assign it to the "
                                                "unit when ready.") % {"serial": task.serial})
                    return redirect("supervision:rectification", task.pk)
    return render(request, "supervision/rectification_form.html",
                  {"form": form, "tab": "new", "can_supervise": True}, status=status)


# --- the verification queue and the due list ---------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    view: boards.TaskView
    steps: list[lifecycle.Step]


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """待核验: what the supervising side must do, oldest first: take up reports, return or
    complete what is under review, close out what is completed, decide extension requests;
    each with its quick actions."""
    user, today = request.user, timezone.localdate()
    if scope.inspect_scope(user).is_empty:
        raise PermissionDenied(str(access.SUPERVISE_DENIED))
    state = request.GET.get("state", "")
    state = state if state in boards.QUEUE_STATES else ""
    page, query = page_of(request, boards.queue(actor=user, state=state))
    items = [QueueItem(boards.view_of(task, today),
                       lifecycle.steps_from(task.state, {lifecycle.SUPERVISOR}))
             for task in page.object_list]
    counts = boards.queue_counts(actor=user)
    labels = dict(RectificationState.choices)
    return render(request, "supervision/rectification_queue.html", {
        "items": items, "page_obj": page, "query_without_page": query, "state": state,
        "tabs": [(s, labels[s], counts[s]) for s in boards.QUEUE_STATES],
        "total": sum(counts.values()), "tab": "queue", "can_supervise": True,
    })


@login_required
@require_GET
def due(request: HttpRequest) -> HttpResponse:
    """督办: the open tasks overdue (red) or due soon (yellow), the most overdue first, with
    the escalation level reached, the level due today and when the next one falls due."""
    user, today = request.user, timezone.localdate()
    unit_id = boards.id_or_none(request.GET.get("unit"))
    unit = scope.get_unit_in_scope(user, unit_id) if unit_id else None
    light = request.GET.get("light", "")
    light = light if light in (schedule.RED, schedule.YELLOW) else ""
    found = boards.due(actor=user, today=today, unit=unit, light=light)
    page, query = page_of(request, found)
    return render(request, "supervision/rectification_due.html", {
        "items": [boards.due_view(task, today) for task in page.object_list],
        "page_obj": page, "query_without_page": query, "light": light, "unit": unit,
        "lights": [entry for entry in boards.light_counts(
            boards.due(actor=user, today=today, unit=unit), today)
            if entry[0] in (schedule.RED, schedule.YELLOW)],
        "units": _with_chosen(boards.unit_options(actor=user), unit),
        "warn_days": schedule.WARN_DAYS, "department_after": schedule.DEPARTMENT_AFTER_DAYS,
        "tab": "due", "can_supervise": not scope.inspect_scope(user).is_empty,
    })
