"""The clock of a rectification: traffic light, lateness, default deadline, escalation."""

import datetime

from pacesetter.supervision import schedule

D = datetime.date(2026, 11, 20)


def test_the_traffic_light_is_green_yellow_red_and_off_once_done():
    assert schedule.traffic_light(D + datetime.timedelta(days=8), D, False) == "green"
    assert schedule.traffic_light(D + datetime.timedelta(days=7), D, False) == "yellow"
    assert schedule.traffic_light(D, D, False) == "yellow"  # due today: not yet late
    assert schedule.traffic_light(D - datetime.timedelta(days=1), D, False) == "red"
    assert schedule.traffic_light(D - datetime.timedelta(days=30), D, True) == "none"


def test_the_default_deadline_follows_the_severity():
    assert schedule.default_deadline("serious", D) == D + datetime.timedelta(days=15)
    assert schedule.default_deadline("minor", D) == D + datetime.timedelta(days=60)
    assert schedule.default_deadline("minor", D, {"minor": 45}) == D + datetime.timedelta(
        days=45)


def test_acceptance_is_late_after_three_days():
    assert not schedule.accepted_late(D, D + datetime.timedelta(days=3))
    assert schedule.accepted_late(D, D + datetime.timedelta(days=4))


def test_escalation_rises_with_lateness_and_never_falls():
    assert schedule.escalation_due(D, D, True, 0) == 0
    assert schedule.escalation_due(D, D + datetime.timedelta(days=1), True, 0) == 1
    assert schedule.escalation_due(D, D + datetime.timedelta(days=7), True, 0) == 1
    assert schedule.escalation_due(D, D + datetime.timedelta(days=8), True, 0) == 2
    assert schedule.escalation_due(D, D, True, 2) == 2  # an extension does not undo it here
    assert schedule.escalation_due(D, D + datetime.timedelta(days=30), False, 1) == 1
    assert schedule.days_overdue(D, D - datetime.timedelta(days=3)) == 0
