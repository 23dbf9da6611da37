"""The battle map (挂图作战): its colors, and the Gantt chart's data, shared by the page, the
board and the printed wall chart so that a project is the same color everywhere.

A project's bar runs from its start to its deadline; where one is missing, the first (or
last) milestone's due date stands in, and failing that the portfolio's year bounds it. The bar
is colored by the project's derived health, each milestone's diamond by the milestone's state.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from pacesetter.projects import schedule
from pacesetter.projects.models import Portfolio, ProjectState
from pacesetter.projects.selectors import MilestoneView, ProjectRow

#: The bar (and the board card's edge) of a project, by its health.
HEALTH_COLORS = {schedule.OVERDUE: "#d32f2f", schedule.AT_RISK: "#f57c00",
                 schedule.ON_TRACK: "#1976d2", schedule.DONE: "#9e9e9e"}
#: The same, light: the wall chart's timeline cells, on which a milestone's ◆ still shows.
HEALTH_TINTS = {schedule.OVERDUE: "#ffcdd2", schedule.AT_RISK: "#ffe0b2",
                schedule.ON_TRACK: "#bbdefb", schedule.DONE: "#e0e0e0"}
#: A milestone's diamond, by its state.
MILESTONE_COLORS = {schedule.OVERDUE: "#d32f2f", schedule.AT_RISK: "#f57c00",
                    schedule.NOT_DUE: "#1976d2", schedule.DONE: "#2e7d32"}
HEALTH_LABELS = {schedule.OVERDUE: _("Overdue"), schedule.AT_RISK: _("At risk"),
                 schedule.ON_TRACK: _("On track"), schedule.DONE: _("Done")}
MILESTONE_LABELS = {schedule.OVERDUE: _("Overdue"), schedule.AT_RISK: _("At risk"),
                    schedule.NOT_DUE: _("Not due"), schedule.DONE: _("Done")}
#: Milestone states, the most urgent first: a wall-chart cell holding several shows the first.
MILESTONE_URGENCY = (schedule.OVERDUE, schedule.AT_RISK, schedule.NOT_DUE, schedule.DONE)

#: A terminated project's bar and tag: its health is "done" (nothing is chased on it any
#: more), but it was stopped, not completed, and says so.
TERMINATED = ProjectState.TERMINATED.value
STATUS_COLORS = {**HEALTH_COLORS, TERMINATED: "#616161"}
STATUS_TINTS = {**HEALTH_TINTS, TERMINATED: "#bdbdbd"}
STATUS_LABELS = {**HEALTH_LABELS, TERMINATED: ProjectState.TERMINATED.label}


def status(row: ProjectRow) -> str:
    """What a project's bar, card and tag show: its health, or ``terminated``."""
    return TERMINATED if row.project.state == ProjectState.TERMINATED else row.health


def status_label(row: ProjectRow) -> Any:
    return STATUS_LABELS[status(row)]


def status_color(row: ProjectRow) -> str:
    return STATUS_COLORS[status(row)]


def span(row: ProjectRow, year: int) -> tuple[datetime.date, datetime.date]:
    """The bar of a project: its start and its deadline, or what stands in for them."""
    project = row.project
    dues = sorted(view.milestone.due_on for view in row.milestones)
    start = project.starts_on or (dues[0] if dues else datetime.date(year, 1, 1))
    end = project.deadline or (dues[-1] if dues else datetime.date(year, 12, 31))
    start = min([start, *dues[:1]])
    end = max([end, *dues[-1:]])
    return (start, end) if start <= end else (end, start)


def next_milestone(row: ProjectRow) -> MilestoneView | None:
    """The first milestone not done, by due date."""
    pending = [view for view in row.milestones if view.state != schedule.DONE]
    return min(pending, key=lambda view: view.milestone.due_on) if pending else None


def label(row: ProjectRow) -> str:
    project = row.project
    return f"{project.code} {project.title}" if project.code else project.title


def chart_data(rows: Iterable[ProjectRow], portfolio: Portfolio, today: datetime.date,
               url_of: Callable[[ProjectRow], str]) -> dict[str, Any]:
    """What the page's Gantt chart draws, as JSON: one entry per project in the table's order,
    the time axis' bounds (the portfolio's year, widened to the bars), today, and the texts
    of the tooltips, already translated."""
    entries = []
    first, last = datetime.date(portfolio.year, 1, 1), datetime.date(portfolio.year, 12, 31)
    # translated once, not once a project (or a milestone): at province scale that was most
    # of the page's time
    statuses = {key: str(text) for key, text in STATUS_LABELS.items()}
    milestone_labels = {key: str(text) for key, text in MILESTONE_LABELS.items()}
    states = {key: str(text) for key, text in ProjectState.choices}
    for row in rows:
        start, end = span(row, portfolio.year)
        first, last = min(first, start), max(last, end)
        project = row.project
        entries.append({
            "id": project.pk, "label": label(row), "url": url_of(row),
            "start": start.isoformat(), "end": end.isoformat(), "health": status(row),
            "health_label": statuses[status(row)], "color": status_color(row),
            "percent": row.percent, "state": states[project.state],
            "lead": project.lead_unit.name if project.lead_unit else "",
            "late": row.report_late,
            "milestones": [{
                "title": view.milestone.title, "due": view.milestone.due_on.isoformat(),
                "state": view.state, "state_label": milestone_labels[view.state],
                "color": MILESTONE_COLORS[view.state], "percent": view.milestone.percent,
            } for view in row.milestones],
        })
    return {
        "rows": entries, "from": first.isoformat(), "to": last.isoformat(),
        "today": today.isoformat(),
        "texts": {"today": str(_("Today")), "start": str(_("Start")),
                  "deadline": str(_("Deadline")), "complete": str(_("Complete")),
                  "lead": str(_("Lead unit")), "state": str(_("State")),
                  "due": str(_("Due")), "late": str(_("Progress report late"))},
    }
