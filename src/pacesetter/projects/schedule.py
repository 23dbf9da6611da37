"""A project's schedule health, derived from its milestones and never typed by hand.

Pure functions over plain values (no database), shared by the project page, the battle map,
the board and the late-report check.

- A milestone is **done** when it reached 100% (or has a completion date); **overdue** when
  not done and its due date has passed; **at risk** when not done, due within the portfolio's
  ``at_risk_days``, and still without progress (0%); otherwise **not due**.
- A project is **done** when all its milestones are done (and it has some); **overdue** when
  one is overdue, or when the project's own deadline has passed unfinished; **at risk** when
  one is at risk; otherwise **on track**. A project with no milestones yet is on track until
  its deadline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

NOT_DUE = "not_due"
AT_RISK = "at_risk"
OVERDUE = "overdue"
DONE = "done"
ON_TRACK = "on_track"

#: Project health, worst first: the order of the board's columns and of "sort by urgency".
HEALTH_ORDER = (OVERDUE, AT_RISK, ON_TRACK, DONE)


@dataclass(frozen=True)
class MilestoneFacts:
    due_on: datetime.date
    percent: int
    done_on: datetime.date | None = None


def milestone_state(milestone: MilestoneFacts, today: datetime.date, at_risk_days: int) -> str:
    if milestone.percent >= 100 or milestone.done_on is not None:
        return DONE
    if milestone.due_on < today:
        return OVERDUE
    if milestone.percent == 0 and (milestone.due_on - today).days <= at_risk_days:
        return AT_RISK
    return NOT_DUE


def project_health(milestones: Iterable[MilestoneFacts], today: datetime.date,
                   at_risk_days: int, deadline: datetime.date | None = None) -> str:
    states = [milestone_state(m, today, at_risk_days) for m in milestones]
    if states and all(state == DONE for state in states):
        return DONE
    if OVERDUE in states or (deadline is not None and deadline < today):
        return OVERDUE
    if AT_RISK in states:
        return AT_RISK
    return ON_TRACK


def percent_complete(milestones: Iterable[MilestoneFacts]) -> int:
    """The project's completion: the mean of its milestones' percents (0 with none)."""
    percents = [100 if m.done_on is not None else min(m.percent, 100) for m in milestones]
    return round(sum(percents) / len(percents)) if percents else 0


def report_due(last_report: datetime.date | None, started: datetime.date | None,
               cadence: str) -> datetime.date | None:
    """The date the next progress report was due by: a day, a week or a month (30 days)
    after the last one, or after the project started; ``None`` before it starts."""
    since = last_report or started
    if since is None:
        return None
    days = {"daily": 1, "weekly": 7, "monthly": 30}[cadence]
    return since + datetime.timedelta(days=days)


def report_late(last_report: datetime.date | None, started: datetime.date | None,
                cadence: str, today: datetime.date) -> bool:
    """Whether the owner is late with the cadence's progress report."""
    due = report_due(last_report, started, cadence)
    return due is not None and due < today
