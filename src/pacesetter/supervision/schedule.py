"""The clock of a rectification (pure): its traffic light, its lateness, its default deadline,
and how far its escalation has gone. No database, no Django: dates in, words out."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

GREEN = "green"
YELLOW = "yellow"
RED = "red"
NONE = "none"  # done by the unit: the light is off

#: Days a finding of each severity leaves for its rectification (the organizer may override).
DEFAULT_DAYS = {"serious": 15, "moderate": 30, "minor": 60}
#: Days a unit has to accept (签收) an assigned task before it is accepted late.
ACCEPT_WITHIN_DAYS = 3
#: Days before the deadline at which the light turns yellow.
WARN_DAYS = 7
#: Days overdue after which the department is told (before that, the unit's leader).
DEPARTMENT_AFTER_DAYS = 7


def default_deadline(severity: str, found_on: datetime.date,
                     days: Mapping[str, int] | None = None) -> datetime.date:
    """The deadline a finding's rectification gets unless one is set: ``found_on`` plus the
    days of its severity."""
    table = {**DEFAULT_DAYS, **(days or {})}
    return found_on + datetime.timedelta(days=table[severity])


def traffic_light(deadline: datetime.date, today: datetime.date, done: bool,
                  warn_days: int = WARN_DAYS) -> str:
    """Red when overdue, yellow when due within ``warn_days``, green otherwise; off once the
    unit has done its part."""
    if done:
        return NONE
    if deadline < today:
        return RED
    if (deadline - today).days <= warn_days:
        return YELLOW
    return GREEN


def days_overdue(deadline: datetime.date, today: datetime.date) -> int:
    return max((today - deadline).days, 0)


def accepted_late(assigned_on: datetime.date, accepted_on: datetime.date) -> bool:
    return (accepted_on - assigned_on).days > ACCEPT_WITHIN_DAYS


def escalation_due(deadline: datetime.date, today: datetime.date, open_: bool,
                   already: int) -> int:
    """The escalation level a task should now be at (never lower than ``already``): 1 once it
    is overdue (the unit's leader is told), 2 once it is overdue more than
    ``DEPARTMENT_AFTER_DAYS`` (the department is told); 0 while it is not overdue or is no
    longer the unit's to do."""
    if not open_:
        return already
    late = days_overdue(deadline, today)
    level = 2 if late > DEPARTMENT_AFTER_DAYS else 1 if late > 0 else 0
    return max(level, already)
