"""The demo's supervision: seed 002's bottom 3 cities and 10 counties, 86 findings and 94
suggestions, tasks in every state, some overdue and escalated; loaded once."""

import pytest
from django.utils import timezone

from pacesetter.orgs import demo as orgs_demo
from pacesetter.supervision import demo, schedule, selectors
from pacesetter.supervision.models import Finding, Inspection, Rectification, RectificationState
from pacesetter.surveys import demo as surveys_demo


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            orgs_demo.load(townships_per_county=2, branches_per_township=2, people_per_unit=1)
            surveys_demo.load()
            counts = demo.load()
            yield counts
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_bottom_of_the_survey_is_inspected_with_86_findings_and_94_suggestions(loaded):
    assert loaded == {"findings": 86, "suggestions": 94, "rectifications": 89,
                      "recheck_verdicts": 12}
    inspection = Inspection.objects.get(title=demo.TITLE)
    groups = [t.figures["group"] for t in inspection.targets.all()]
    assert (groups.count("市地"), groups.count("县(市)")) == (3, 10)
    assert inspection.source["kind"] == "survey"
    from pacesetter.orgs.models import User

    figures = selectors.inspection_figures(actor=User.objects.get(username="sheng"),
                                           inspection=inspection)
    assert figures.summary().startswith("指出问题 86 个，提出整改建议 94 条")


@pytest.mark.django_db
def test_tasks_are_in_every_state_some_overdue_and_escalated(loaded):
    states = set(Rectification.objects.values_list("state", flat=True))
    assert states == set(RectificationState.values)
    today = timezone.localdate()
    lights = {schedule.traffic_light(t.deadline, today, t.state not in {
        "assigned", "accepted", "in_progress", "extension_requested"})
        for t in Rectification.objects.all()}
    assert {"red", "green", "none"} <= lights
    assert Rectification.objects.filter(escalation__gte=1).count() >= demo.OVERDUE
    assert Rectification.objects.filter(events__step="return").distinct().count() == 3
    assert Finding.objects.filter(evidence__isnull=False).distinct().count() == 10


@pytest.mark.django_db
def test_a_recheck_is_under_way_with_rectifications_that_hold_and_two_reopened(loaded):
    from pacesetter.orgs.models import User

    recheck = Inspection.objects.get(title=demo.RECHECK_TITLE)
    items = selectors.recheck_items(actor=User.objects.get(username="sheng"), recheck=recheck)
    figures = selectors.recheck_figures(items)
    assert (figures.holds, figures.reopened, figures.awaiting) == (10, 2, 4)
    reopened = [i.task for i in items if i.verdict and i.verdict.verdict == "reopened"]
    assert {t.state for t in reopened} == {"in_progress"}
    assert all(t.events.filter(step="reopen").exists() for t in reopened)


@pytest.mark.django_db
def test_a_second_load_adds_nothing(loaded):
    assert demo.load() == {"findings": 0, "suggestions": 0, "rectifications": 0,
                           "recheck_verdicts": 0}
    assert Finding.objects.count() == 86
