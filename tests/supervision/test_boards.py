"""The rectification pages' reads: the traffic light written as a database condition agrees
with the clock's pure function, and the steps' labels the pages spell out agree with the
lifecycle."""

import pytest

from pacesetter.supervision import boards, lifecycle, schedule
from pacesetter.supervision.models import Rectification, RectificationState
from pacesetter.supervision.rectification_views import STEP_LABELS
from tests.supervision.conftest import TODAY, days

OFFSETS = [-8, -1, 0, 1, schedule.WARN_DAYS, schedule.WARN_DAYS + 1, 60]


@pytest.mark.parametrize("state", list(RectificationState.values))
def test_the_light_in_the_database_is_the_clocks_light(task, state):
    # given the same task at each deadline around today and the warning days, in this state
    Rectification.objects.filter(pk=task.pk).update(state=state)
    for offset in OFFSETS:
        Rectification.objects.filter(pk=task.pk).update(deadline=days(offset))
        expected = schedule.traffic_light(days(offset), TODAY,
                                          state not in lifecycle.OPEN)
        # then exactly the light the clock gives matches it in the database
        matching = [light for light in boards.LIGHTS
                    if Rectification.objects.filter(boards.light_q(light, TODAY),
                                                    pk=task.pk).exists()]
        assert matching == [expected], (state, offset)


def test_the_pages_spell_out_every_steps_label():
    assert set(STEP_LABELS) == {*lifecycle.STEPS, "register"}
    for name, step in lifecycle.STEPS.items():
        assert str(STEP_LABELS[name]) == str(step.label)
