"""Reads of the rectification pages (read only, always scoped): the task board with its
filters and counts, "my unit's tasks", the verification queue, the overdue and soon-due list
that the escalation works from, and the board's workbook.

The traffic light is derived (``schedule.traffic_light``); to filter and count by it in the
database, each light is also written as a condition on the state and the deadline here
(``light_q``), which a test holds equal to the pure function.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from pacesetter.exports.models import ExportJob
from pacesetter.exports.services import writer as export_writer
from pacesetter.orgs import scope
from pacesetter.orgs.models import PATH_SEPARATOR, Unit
from pacesetter.orgs.spreadsheets import cell_text, workbook_file
from pacesetter.supervision import access, lifecycle, schedule
from pacesetter.supervision.models import (
    Inspection,
    Rectification,
    RectificationEvent,
    RectificationSource,
    RectificationState,
)

S = RectificationState
#: The board's order of states: the lifecycle read from left to right.
STATE_ORDER = (S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED,
               S.REPORTED, S.UNDER_REVIEW, S.COMPLETED, S.CLOSED)
LIGHTS = (schedule.RED, schedule.YELLOW, schedule.GREEN, schedule.NONE)
LIGHT_LABELS = {
    schedule.RED: pgettext_lazy("traffic light", "Red: overdue"),
    schedule.YELLOW: pgettext_lazy("traffic light", "Yellow: due soon"),
    schedule.GREEN: pgettext_lazy("traffic light", "Green: on time"),
    schedule.NONE: pgettext_lazy("traffic light", "Off: not on the clock"),
}
LIGHT_COLORS = {schedule.RED: "#d32f2f", schedule.YELLOW: "#f9a825",
                schedule.GREEN: "#2e7d32", schedule.NONE: "#9e9e9e"}
ESCALATION_LABELS = {
    0: gettext_lazy("Not escalated"),
    1: gettext_lazy("Escalated to the unit's leaders"),
    2: gettext_lazy("Escalated to the department"),
}
#: What the supervising side does in the queue, by state.
QUEUE_STATES = (S.REPORTED, S.UNDER_REVIEW, S.COMPLETED, S.EXTENSION_REQUESTED)
#: How many units the board's unit filter offers.
UNIT_OPTIONS = 500
INSPECTION_OPTIONS = 200
MY_TASKS_SHOWN = 20


# ---------------------------------------------------------------------------------------------
# a task as the pages show it


@dataclass(frozen=True)
class TaskView:
    """A task with its derived light and days: ``days_left`` negative when overdue, ``None``
    once the light is off (the task is not assigned yet, or the unit has done its part)."""

    task: Rectification
    light: str
    days_left: int | None

    @property
    def overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS[self.light])

    @property
    def light_color(self) -> str:
        return LIGHT_COLORS[self.light]

    @property
    def escalation_label(self) -> str:
        return str(ESCALATION_LABELS.get(self.task.escalation, self.task.escalation))

    @property
    def late_flags(self) -> list[str]:
        return late_flags(self.task)


def view_of(task: Rectification, today: datetime.date) -> TaskView:
    open_ = task.state in lifecycle.OPEN
    return TaskView(task=task, light=schedule.traffic_light(task.deadline, today, not open_),
                    days_left=(task.deadline - today).days if open_ else None)


def late_flags(task: Rectification) -> list[str]:
    """逾期签收 / 逾期反馈 / 逾期办结, as they apply."""
    flags = [(task.accepted_late, _("Accepted late")), (task.reported_late, _("Reported late")),
             (task.completed_late, _("Completed late"))]
    return [label for flag, label in flags if flag]


def light_q(light: str, today: datetime.date) -> Q:
    """``schedule.traffic_light`` as a database condition."""
    open_ = Q(state__in=lifecycle.OPEN)
    warn = today + datetime.timedelta(days=schedule.WARN_DAYS)
    return {
        schedule.RED: open_ & Q(deadline__lt=today),
        schedule.YELLOW: open_ & Q(deadline__gte=today, deadline__lte=warn),
        schedule.GREEN: open_ & Q(deadline__gt=warn),
        schedule.NONE: ~open_,
    }[light]


# ---------------------------------------------------------------------------------------------
# the board


@dataclass(frozen=True)
class TaskFilters:
    """The board's filters; ``unit`` and ``inspection`` are already loaded within scope."""

    unit: Unit | None = None
    source: str = ""
    state: str = ""
    light: str = ""
    inspection: Inspection | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return self != TaskFilters()


def filters_from(actor: Any, query: Mapping[str, str]) -> TaskFilters:
    """The board's filters from its query string (or an export's saved copy of it). A unit
    or an inspection outside the actor's scope is not found; any other value that means
    nothing is ignored."""
    unit_id, inspection_id = id_or_none(query.get("unit")), id_or_none(
        query.get("inspection"))
    source, state, light = (query.get("source", ""), query.get("state", ""),
                            query.get("light", ""))
    return TaskFilters(
        unit=scope.get_unit_in_scope(actor, unit_id) if unit_id else None,
        source=source if source in RectificationSource.values else "",
        state=state if state in S.values else "",
        light=light if light in LIGHTS else "",
        inspection=(access.get_inspection_in_scope(actor, inspection_id)
                    if inspection_id else None),
        text=query.get("q", "").strip()[:100])


def id_or_none(value: str | None) -> int | None:
    try:
        return scope.as_id(value) if value else None
    except (TypeError, ValueError):
        return None


def _state_rank() -> Case:
    return Case(*(When(state=state, then=Value(rank)) for rank, state in
                  enumerate(STATE_ORDER)), default=Value(len(STATE_ORDER)),
                output_field=IntegerField())


def tasks(*, actor: Any, filters: TaskFilters, today: datetime.date,
          states: Iterable[str] = ()) -> QuerySet[Rectification]:
    """The tasks the actor sees, filtered: ``unit`` the lead or an assisting unit in its
    subtree, ``text`` in the serial, the content or the source's details. Ordered by the
    lifecycle's order of states, then by deadline."""
    found = access.rectifications_in_scope(actor)
    if filters.unit is not None:
        path = filters.unit.path
        assisting = Rectification.assisting_units.through.objects.filter(
            rectification=OuterRef("pk"), unit__path__startswith=path)
        found = found.filter(Q(lead_unit__path__startswith=path) | Q(Exists(assisting)))
    if filters.source:
        found = found.filter(source=filters.source)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.light:
        found = found.filter(light_q(filters.light, today))
    if filters.inspection is not None:
        found = found.filter(finding__inspection=filters.inspection)
    text = filters.text.replace("\x00", "")
    if text:
        found = found.filter(Q(serial__icontains=text) | Q(content__icontains=text)
                             | Q(source_note__icontains=text))
    if states:
        found = found.filter(state__in=list(states))
    # prefetched, not joined: a page of 50 then costs four small reads, where joins made the
    # database join every task before sorting them (0.8 s of a 100,000-task board's 1.4 s)
    return (found.prefetch_related("owner", "lead_unit", "responsible", "finding__inspection")
            .annotate(state_rank=_state_rank()).order_by("state_rank", "deadline", "pk"))


def state_counts(found: QuerySet[Rectification]) -> list[tuple[str, str, int]]:
    """(state, label, count) of every state, in the lifecycle's order. One query."""
    counts = dict(found.order_by().values_list("state").annotate(n=Count("pk")))
    labels = dict(S.choices)
    return [(state, str(labels[state]), counts.get(state, 0)) for state in STATE_ORDER]


def light_counts(found: QuerySet[Rectification], today: datetime.date
                 ) -> list[tuple[str, str, str, int]]:
    """(light, label, color, count) of every light. One query."""
    counts = found.order_by().aggregate(**{
        light: Count("pk", filter=light_q(light, today)) for light in LIGHTS})
    return [(light, str(LIGHT_LABELS[light]), LIGHT_COLORS[light], counts[light])
            for light in LIGHTS]


def my_unit_tasks(*, actor: Any) -> QuerySet[Rectification]:
    """The open tasks the actor's own unit does (they hold the unit's part, ``roles_on`` is
    ``unit``): led by a unit they administer or report for, supervised by someone else.
    Soonest deadline first."""
    report = scope.report_scope(actor)
    if report.is_empty:
        return Rectification.objects.none()
    inspect = scope.inspect_scope(actor)
    if inspect.everything:  # every task is theirs to supervise, none to do
        return Rectification.objects.none()
    found = access.rectifications_in_scope(actor).filter(state__in=lifecycle.OPEN)
    if not report.everything:
        found = found.filter(lead_unit__in=Unit.objects.filter(report.q("path")).values("pk"))
    if not inspect.is_empty:
        found = found.exclude(owner__in=Unit.objects.filter(inspect.q("path")).values("pk"))
    return (found
            .select_related("owner", "lead_unit", "responsible")
            .order_by("deadline", "pk"))


def unit_options(*, actor: Any) -> list[tuple[int, str]]:
    """(id, name indented by depth) of the units worth filtering on: the lead units of the
    tasks the actor sees and the units above them within scope, as a tree. Two queries."""
    leads = (access.rectifications_in_scope(actor).order_by()
             .values_list("lead_unit_id", flat=True).distinct()[:UNIT_OPTIONS])
    paths = set(Unit.objects.filter(pk__in=list(leads)).values_list("path", flat=True))
    wanted: set[str] = set()
    for path in paths:
        codes = path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        wanted.update(PATH_SEPARATOR + PATH_SEPARATOR.join(codes[:n]) + PATH_SEPARATOR
                      for n in range(1, len(codes) + 1))
    units = list(Unit.objects.filter(scope.read_scope(actor).q(), path__in=wanted)
                 .order_by("path").values_list("pk", "name", "level")[:UNIT_OPTIONS])
    top = min((level for _pk, _name, level in units), default=1)
    return [(pk, "\u3000" * (level - top) + name) for pk, name, level in units]


def inspection_options(*, actor: Any) -> list[Inspection]:
    return list(access.inspections_in_scope(actor).order_by("-starts_on", "-pk")
                .only("pk", "title", "starts_on")[:INSPECTION_OPTIONS])


# ---------------------------------------------------------------------------------------------
# the verification queue and the due list


def queue(*, actor: Any, state: str = "") -> QuerySet[Rectification]:
    """What the supervising side must act on, oldest first (by when the task reached its
    state): reported (take up), under review (return or complete), completed (close out),
    extension requested (approve or decline). Only the tasks the actor supervises."""
    supervise = scope.inspect_scope(actor)
    if supervise.is_empty:
        return Rectification.objects.none()
    since = (RectificationEvent.objects.filter(rectification=OuterRef("pk"))
             .order_by("-at", "-pk").values("at")[:1])
    found = (access.rectifications_in_scope(actor)
             .filter(supervise.q("owner__path"),
                     state__in=[state] if state in QUEUE_STATES else QUEUE_STATES))
    return (found.select_related("owner", "lead_unit", "responsible")
            .annotate(since=Subquery(since)).order_by("since", "pk"))


def queue_counts(*, actor: Any) -> dict[str, int]:
    supervise = scope.inspect_scope(actor)
    if supervise.is_empty:
        return dict.fromkeys(QUEUE_STATES, 0)
    counts = dict(access.rectifications_in_scope(actor)
                  .filter(supervise.q("owner__path"), state__in=QUEUE_STATES)
                  .order_by().values_list("state").annotate(n=Count("pk")))
    return {state: counts.get(state, 0) for state in QUEUE_STATES}


@dataclass(frozen=True)
class DueView:
    """An overdue or soon-due task as the escalation sees it: the level recorded, the level
    due today (``schedule.escalation_due``), and when the next level falls due."""

    view: TaskView
    level_due: int
    next_level_on: datetime.date | None

    @property
    def behind(self) -> bool:
        """The chase has not run since the task crossed a level."""
        return self.level_due > self.view.task.escalation


def due(*, actor: Any, today: datetime.date, unit: Unit | None = None,
        light: str = "") -> QuerySet[Rectification]:
    """The open tasks that are overdue (red) or due within the warning days (yellow), the
    most overdue first."""
    lights = [light] if light in (schedule.RED, schedule.YELLOW) else [schedule.RED,
                                                                         schedule.YELLOW]
    condition = Q()
    for name in lights:
        condition |= light_q(name, today)
    found = access.rectifications_in_scope(actor).filter(condition)
    if unit is not None:
        found = found.filter(lead_unit__path__startswith=unit.path)
    return found.select_related("owner", "lead_unit", "responsible").order_by("deadline", "pk")


def due_view(task: Rectification, today: datetime.date) -> DueView:
    level = schedule.escalation_due(task.deadline, today, True, task.escalation)
    if level >= 2:
        next_on = None
    elif level == 1:
        next_on = task.deadline + datetime.timedelta(days=schedule.DEPARTMENT_AFTER_DAYS + 1)
    else:
        next_on = task.deadline + datetime.timedelta(days=1)
    return DueView(view=view_of(task, today), level_due=level, next_level_on=next_on)


# ---------------------------------------------------------------------------------------------
# the workbook

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
WIDTHS = (20, 14, 20, 48, 18, 24, 12, 12, 12, 16, 10, 10, 10, 22)


#: Rows a workbook is written for while the user waits; more are written in the background.
DIRECT_EXPORT_ROWS = 5000
#: Rows between two progress reports of a background export.
PROGRESS_EVERY = 2000


def tasks_workbook(found: QuerySet[Rectification], today: datetime.date,
                   progress: Callable[[int], None] | None = None) -> IO[bytes]:
    """The board's tasks as filtered, one row each, in a temporary file: read as plain rows in
    chunks, every label translated once (a province's 100,000 tasks are one read, not
    100,000 model instances). Text users typed is written as text (``cell_text``), never as a
    formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rectifications"))
    for column, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + column)].width = width
    sheet.freeze_panes = "A2"
    headers = [_("Serial number"), _("Source"), _("Source details"), _("Content"),
               _("Lead unit"), _("Assisting units"), _("Person responsible"), _("Deadline"),
               _("State"), _("Traffic light"), _("Accepted late"), _("Reported late"),
               _("Completed late"), _("Escalation")]
    sheet.append([cell_text(sheet, str(h), font=HEADER_FONT, fill=HEADER_FILL)
                  for h in headers])
    states = {key: str(label) for key, label in S.choices}
    sources = {key: str(label) for key, label in RectificationSource.choices}
    lights = {key: str(label) for key, label in LIGHT_LABELS.items()}
    levels = {key: str(label) for key, label in ESCALATION_LABELS.items()}
    flag = {True: _("Yes"), False: ""}
    assisting = _assisting_names(found)
    rows = found.values_list(
        "pk", "serial", "source", "source_note", "content", "lead_unit__name",
        "responsible__name", "deadline", "state", "accepted_late", "reported_late",
        "completed_late", "escalation").iterator(chunk_size=PROGRESS_EVERY)
    for written, (pk, serial, source, note, content, lead, responsible, deadline, state,
                  accepted_late, reported_late, completed_late, escalation) in enumerate(
            rows, start=1):
        light = schedule.traffic_light(deadline, today, state not in lifecycle.OPEN)
        sheet.append([
            serial, sources.get(source, source), cell_text(sheet, note),
            cell_text(sheet, content), cell_text(sheet, lead),
            cell_text(sheet, assisting.get(pk, "")), cell_text(sheet, responsible or ""),
            deadline, states.get(state, state), lights[light], flag[accepted_late],
            flag[reported_late], flag[completed_late], levels.get(escalation, escalation)])
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return workbook_file(workbook)


def _assisting_names(found: QuerySet[Rectification]) -> dict[int, str]:
    """The assisting units' names of the tasks found, by task: one query."""
    names: dict[int, list[str]] = {}
    through = Rectification.assisting_units.through.objects
    for task_id, name in (through.filter(rectification__in=found.order_by().values("pk"))
                          .order_by("rectification_id", "unit__path")
                          .values_list("rectification_id", "unit__name")):
        names.setdefault(task_id, []).append(name)
    return {task_id: "、".join(units) for task_id, units in names.items()}


@export_writer("supervision.rectifications")
def rectifications_export(job: ExportJob, progress: Callable[[int], None]) -> IO[bytes]:
    """A board export too large for a request, written in the background: the filters read
    again with the requester's scope as it is now, the lights as of the day it was asked."""
    filters = filters_from(job.requested_by, job.params.get("filters", {}))
    today = datetime.date.fromisoformat(job.params["today"])
    return tasks_workbook(tasks(actor=job.requested_by, filters=filters, today=today), today,
                          progress)
