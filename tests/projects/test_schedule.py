"""A project's schedule health is derived from its milestones, never typed."""

import datetime

import pytest

from pacesetter.projects import schedule
from pacesetter.projects.schedule import MilestoneFacts

TODAY = datetime.date(2026, 6, 15)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(("facts", "expected"), [
    (MilestoneFacts(days(-3), 100), schedule.DONE),
    (MilestoneFacts(days(-3), 40, done_on=days(-5)), schedule.DONE),
    (MilestoneFacts(days(-1), 90), schedule.OVERDUE),
    (MilestoneFacts(days(0), 0), schedule.AT_RISK),
    (MilestoneFacts(days(14), 0), schedule.AT_RISK),
    (MilestoneFacts(days(15), 0), schedule.NOT_DUE),
    (MilestoneFacts(days(3), 10), schedule.NOT_DUE),
])
def test_a_milestone_state_follows_its_due_date_and_progress(facts, expected):
    assert schedule.milestone_state(facts, TODAY, at_risk_days=14) == expected


def test_a_project_is_done_only_when_every_milestone_is():
    done = MilestoneFacts(days(-10), 100)
    assert schedule.project_health([done, done], TODAY, 14) == schedule.DONE
    assert schedule.project_health([done, MilestoneFacts(days(30), 50)], TODAY,
                                   14) == schedule.ON_TRACK


def test_one_overdue_milestone_makes_the_project_overdue_before_any_risk():
    milestones = [MilestoneFacts(days(-1), 50), MilestoneFacts(days(2), 0)]
    assert schedule.project_health(milestones, TODAY, 14) == schedule.OVERDUE


def test_a_milestone_due_soon_without_progress_puts_the_project_at_risk():
    assert schedule.project_health([MilestoneFacts(days(5), 0)], TODAY, 14) == schedule.AT_RISK
    assert schedule.project_health([MilestoneFacts(days(5), 0)], TODAY, 3) == schedule.ON_TRACK


def test_a_project_past_its_deadline_is_overdue_even_without_milestones():
    assert schedule.project_health([], TODAY, 14, deadline=days(-1)) == schedule.OVERDUE
    assert schedule.project_health([], TODAY, 14, deadline=days(1)) == schedule.ON_TRACK


def test_completion_is_the_mean_of_the_milestones_percents():
    milestones = [MilestoneFacts(days(1), 100), MilestoneFacts(days(2), 50),
                  MilestoneFacts(days(3), 0, done_on=days(0))]
    assert schedule.percent_complete(milestones) == 83
    assert schedule.percent_complete([]) == 0


@pytest.mark.parametrize(("cadence", "last", "late"), [
    ("daily", days(-1), False), ("daily", days(-2), True),
    ("weekly", days(-7), False), ("weekly", days(-8), True),
    ("monthly", days(-30), False), ("monthly", days(-31), True),
])
def test_a_report_is_late_after_the_portfolio_cadence(cadence, last, late):
    assert schedule.report_late(last, None, cadence, TODAY) is late


def test_before_any_report_the_cadence_counts_from_the_start_and_not_before_it():
    assert schedule.report_late(None, days(-8), "weekly", TODAY) is True
    assert schedule.report_late(None, None, "weekly", TODAY) is False
