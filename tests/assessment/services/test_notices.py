"""The workflow tells whom it concerns: a return reaches the unit's reporters with the reason,
a submission reaches the plan owner's administrators, a publication reaches the reporters of
every assessed unit (in one insert, however many units)."""

import pytest
from django.urls import reverse

from pacesetter.assessment import services
from pacesetter.notifications.models import Notification
from pacesetter.orgs.models import Role, RoleGrant
from tests.assessment.conftest import figures
from tests.factories import UnitFactory, user_with_role


@pytest.fixture
def submitted(plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a, values=figures(90, 90))
    services.submission_submit(actor=reporter, plan=plan, unit=tree.county_a)
    return plan


def _received(kind):
    return set(Notification.objects.filter(kind=kind)
               .values_list("recipient__username", flat=True))


def test_a_submission_reaches_the_plan_owners_administrators(submitted, tree, county_admin):
    # given: the province admin runs the plan; the county admin is not the owner's
    # then
    assert _received("assessment.submitted") == {"province_admin"}
    notification = Notification.objects.get(kind="assessment.submitted")
    assert tree.county_a.name in notification.title
    assert notification.url == reverse("assessment:unit_values",
                                       args=[submitted.pk, tree.county_a.pk])


def test_a_return_reaches_the_units_reporters_with_the_reason(submitted, province_admin, tree,
                                                              outsider):
    # given: a second reporter of county A, and a reporter of county B
    user_with_role(Role.REPORTER, tree.county_a, username="reporter_a2")
    user_with_role(Role.REPORTER, tree.county_b, username="reporter_b")
    # when
    services.submission_review(actor=province_admin, plan=submitted, unit=tree.county_a,
                               approve=False, reason="请补充三会一课佐证材料")
    # then
    assert _received("assessment.returned") == {"reporter", "reporter_a2"}
    assert all("请补充三会一课佐证材料" in n.body
               for n in Notification.objects.filter(kind="assessment.returned"))


def test_an_approval_notifies_nobody(submitted, province_admin, tree):
    services.submission_review(actor=province_admin, plan=submitted, unit=tree.county_a,
                               approve=True)
    assert not Notification.objects.filter(kind="assessment.returned").exists()


def test_publishing_reaches_the_reporters_of_the_assessed_units_in_a_handful_of_queries(
        plan, province_admin, reporter, tree, django_assert_max_num_queries):
    # given: 40 more counties, each with a reporter; a city reporter (not assessed); a
    # reporter of two counties
    for n in range(40):
        user_with_role(Role.REPORTER, UnitFactory(code=f"3711{n:02d}9", parent=tree.city2))
    user_with_role(Role.REPORTER, tree.city1, username="city_reporter")
    two = user_with_role(Role.REPORTER, tree.county_b, username="two_counties")
    RoleGrant.objects.create(user=two, role=Role.REPORTER, unit=tree.county_a)
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    # when
    with django_assert_max_num_queries(16):
        services.plan_publish(actor=province_admin, plan=plan, note="十月通报")
    # then
    received = _received("assessment.published")
    assert len(received) == 42
    assert {"reporter", "two_counties"} <= received
    assert "city_reporter" not in received
    assert Notification.objects.filter(recipient__username="two_counties").count() == 1
    notification = Notification.objects.get(recipient=reporter)
    assert "十月通报" in notification.body
    assert notification.url == reverse("assessment:board", args=[plan.pk])
