"""Tolerance decisions (容错认定, "三个区分开来"): a confirmed negative entry judged a good-faith
error made while trying is recorded once, by those who confirm the unit's entries, and from
then on counts under no deduction when the plan is scored again."""

import datetime
from decimal import Decimal

import pytest

from pacesetter.assessment import records, services
from pacesetter.assessment.models import EntryKind, EntryStatus, ToleranceDecision
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs.models import Role
from tests.assessment.conftest import figures
from tests.factories import user_with_role

DAY = datetime.date(2026, 10, 12)
REASON = "推行村级议事新机制中程序不完备，出于公心、未谋私利，属改革探索中的失误"
APPROVER = "县委常委会 2026-05-12"


@pytest.fixture
def city_admin(tree):
    return user_with_role(Role.ORG_ADMIN, tree.city1, username="city_admin")


def negative(actor, plan, unit, *, code="N1", text="村级议事程序不规范"):
    return records.list_entry_create(
        actor=actor, unit=unit, plan=plan, kind=EntryKind.NEGATIVE, date=DAY, text=text,
        plan_indicator=plan.plan_indicators.get(indicator__code=code) if code else None)


def decide(actor, entry, reason=REASON, approver=APPROVER):
    return services.tolerance_decide(actor=actor, entry=entry, reason=reason,
                                     approver=approver)


def test_a_tolerated_entry_counts_under_no_deduction_once_scored_again(
        list_plan, province_admin, city_admin, reporter, tree):
    # given: county A's figures worth 100, and one negative entry it reported, confirmed
    services.values_save(actor=province_admin, plan=list_plan, unit=tree.county_a,
                         values=figures(100, 96))
    entry = negative(reporter, list_plan, tree.county_a)
    records.list_entry_review(actor=city_admin, entry=entry, confirm=True)
    before = services.plan_score(actor=province_admin, plan=list_plan)
    scored = before.results.get(unit=tree.county_a)
    assert (scored.deduction, scored.total) == (Decimal(2), Decimal(98))
    # when the city judges it a good-faith error of reform, and the plan is scored again
    decision = decide(city_admin, entry)
    after = services.plan_score(actor=province_admin, plan=list_plan)
    # then the deduction is gone, and the entry is still on the negative list, confirmed
    rescored = after.results.get(unit=tree.county_a)
    assert (rescored.deduction, rescored.total) == (Decimal(0), Decimal(100))
    codes = list(after.weights)
    assert rescored.breakdown["raw"][codes.index("N1")] == 0.0
    entry.refresh_from_db()
    assert (entry.kind, entry.status, entry.tolerance) == (
        EntryKind.NEGATIVE, EntryStatus.CONFIRMED, decision)
    assert (decision.reason, decision.approver, decision.decided_by) == (
        REASON, APPROVER, city_admin)


def test_only_the_tolerated_entry_stops_counting(list_plan, province_admin, tree):
    """Two negative entries under the deduction item: tolerating one leaves the other."""
    services.values_save(actor=province_admin, plan=list_plan, unit=tree.county_a,
                         values=figures(100, 96))
    first = negative(province_admin, list_plan, tree.county_a, text="问题一")
    negative(province_admin, list_plan, tree.county_a, text="问题二")
    decide(province_admin, first)
    version = services.plan_score(actor=province_admin, plan=list_plan)
    assert version.results.get(unit=tree.county_a).deduction == Decimal(2)


def test_the_decision_is_audited(list_plan, province_admin, tree):
    entry = negative(province_admin, list_plan, tree.county_a)
    decision = decide(province_admin, entry)
    audit = AuditEntry.objects.get(object_type="assessment.tolerancedecision",
                                   object_id=str(decision.pk))
    assert (audit.actor, audit.action, audit.unit_path) == (province_admin, "create",
                                                            tree.county_a.path)
    assert audit.after == {"entry": entry.pk, "person": None, "text": entry.text,
                           "reason": REASON, "approver": APPROVER}


@pytest.mark.parametrize("state", ["achievement", "reported", "rejected"])
def test_only_a_confirmed_negative_entry_can_be_tolerated(list_plan, province_admin, reporter,
                                                          tree, state):
    if state == "achievement":
        entry = records.list_entry_create(
            actor=province_admin, unit=tree.county_a, plan=list_plan,
            kind=EntryKind.ACHIEVEMENT, date=DAY, text="获评先进")
    else:
        entry = negative(reporter, list_plan, tree.county_a)
        if state == "rejected":
            records.list_entry_review(actor=province_admin, entry=entry, confirm=False,
                                      reason="不属实")
    audited = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        decide(province_admin, entry)
    assert not ToleranceDecision.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_a_decision_is_made_once_and_never_changed(list_plan, province_admin, city_admin,
                                                   tree):
    entry = negative(province_admin, list_plan, tree.county_a)
    decide(province_admin, entry)
    with pytest.raises(Conflict):
        decide(city_admin, entry, reason="另一个理由", approver="市委组织部")
    decision = ToleranceDecision.objects.get()
    assert (decision.reason, decision.approver, decision.decided_by) == (
        REASON, APPROVER, province_admin)


@pytest.mark.parametrize("who", ["reporter", "county_admin", "outsider"])
def test_only_those_who_confirm_the_units_entries_decide(list_plan, province_admin, tree,
                                                         request, who):
    """A unit's own reporter or administrator does not absolve it; nor does a neighbour."""
    entry = negative(province_admin, list_plan, tree.county_a)
    with pytest.raises(PermissionDenied):
        decide(request.getfixturevalue(who), entry)
    assert not ToleranceDecision.objects.exists()


def test_a_decision_needs_a_reason_and_an_approver(list_plan, province_admin, tree):
    entry = negative(province_admin, list_plan, tree.county_a)
    with pytest.raises(ValidationFailed) as refused:
        decide(province_admin, entry, reason="  ", approver="")
    assert {e["field"] for e in refused.value.extra["errors"]} == {"reason", "approver"}
    with pytest.raises(ValidationFailed) as refused:
        decide(province_admin, entry, reason="x" * 2001, approver="y" * 201)
    assert {e["field"] for e in refused.value.extra["errors"]} == {"reason", "approver"}
    assert not ToleranceDecision.objects.exists()


def test_an_entry_of_a_published_plan_is_not_decided_on(list_plan, province_admin, tree):
    """Published results never change: a correction reopens the plan first."""
    entry = negative(province_admin, list_plan, tree.county_a)
    services.plan_score(actor=province_admin, plan=list_plan)
    services.plan_publish(actor=province_admin, plan=list_plan)
    with pytest.raises(Conflict):
        decide(province_admin, entry)
    assert not ToleranceDecision.objects.exists()


def test_a_cadres_entry_is_decided_by_organization_departments_over_the_unit(
        province_admin, city_admin, county_admin, cadres, tree):
    entry = records.list_entry_create(
        actor=province_admin, unit=tree.county_a, person=cadres["sec_a"],
        kind=EntryKind.NEGATIVE, date=DAY, text="信访积案化解不力")
    inspector = user_with_role(Role.INSPECTOR, tree.province, username="inspector")
    for denied in (county_admin, inspector):
        with pytest.raises(PermissionDenied):
            decide(denied, entry)
    decision = decide(city_admin, entry)
    assert decision.entry.person == cadres["sec_a"]
    assert AuditEntry.objects.get(object_type="assessment.tolerancedecision").after[
        "person"] == cadres["sec_a"].pk
