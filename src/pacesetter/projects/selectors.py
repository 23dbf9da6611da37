"""Every read of projects, filtered by the caller's scope (``access``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from pacesetter.projects import access, lifecycle, schedule
from pacesetter.projects.models import Milestone, Project
from pacesetter.projects.schedule import MilestoneFacts


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    state: str


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    health: str
    percent: int
    milestones: list[MilestoneView]
    report_late: bool
    next_report_due: datetime.date | None
    roles: set[str]
    steps: list[lifecycle.Step]


def facts(milestone: Milestone) -> MilestoneFacts:
    return MilestoneFacts(due_on=milestone.due_on, percent=milestone.percent,
                          done_on=milestone.done_on)


def project_overview(*, actor: Any, project: Project,
                     today: datetime.date | None = None) -> ProjectOverview:
    """A project as its page shows it: derived health and completion, each milestone's
    state, whether the owner is late with the cadence's report, and the steps open to the
    actor."""
    today = today or timezone.localdate()
    portfolio = project.portfolio
    milestones = list(project.milestones.all())
    known = [facts(m) for m in milestones]
    last = project.updates.order_by("-reported_at").values_list("reported_at", flat=True).first()
    last_day = timezone.localdate(last) if last else None
    running = project.state in lifecycle.RUNNING
    roles = access.roles_on(actor, project)
    return ProjectOverview(
        project=project,
        health=schedule.project_health(known, today, portfolio.at_risk_days,
                                       project.deadline),
        percent=schedule.percent_complete(known),
        milestones=[MilestoneView(m, schedule.milestone_state(f, today,
                                                              portfolio.at_risk_days))
                    for m, f in zip(milestones, known, strict=True)],
        report_late=running and schedule.report_late(last_day, project.starts_on,
                                                     portfolio.cadence, today),
        next_report_due=schedule.report_due(last_day, project.starts_on,
                                            portfolio.cadence) if running else None,
        roles=roles,
        steps=lifecycle.steps_from(project.state, roles),
    )
