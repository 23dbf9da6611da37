"""A plan whose subjects are people: the leading cadres holding given positions in the assessed
units, ranked among the holders of the same position, through the same workflow as units."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pacesetter.assessment import access, records, selectors, services
from pacesetter.assessment.models import (
    EntryKind,
    IndicatorValue,
    PlanUnit,
    SubjectKind,
    Submission,
    UnitResult,
)
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import NotFound, PermissionDenied, ValidationFailed
from tests.assessment.conftest import cadre_figures


def test_a_cadre_plan_needs_the_positions_it_assesses(tree, province_admin, period):
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(actor=province_admin, owner=tree.province, name="干部考核",
                             period=period, subject_kind=SubjectKind.CADRE)
    assert "assessed_positions" in str(caught.value.extra)


def test_opening_assesses_each_holder_of_the_positions_ranked_with_their_peers(
        cadre_plan, province_admin, cadres):
    assert cadre_plan.assessed_positions == ["县委书记", "县长"]
    assert services.plan_open(actor=province_admin, plan=cadre_plan) == 4
    rows = {(r.person.name, r.unit.name, r.ranking_group)
            for r in PlanUnit.objects.filter(plan=cadre_plan).select_related("person", "unit")}
    assert rows == {("周书记", "东营区", "县委书记"), ("吴县长", "东营区", "县长"),
                    ("郑书记", "河口区", "县委书记"), ("王县长", "河口区", "县长")}
    assert Submission.objects.filter(plan=cadre_plan, person__isnull=False).count() == 4


def test_a_cadre_is_scored_ranked_in_their_position_and_listed(
        cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    figures = {"sec_a": (90, 80), "sec_b": (70, 60), "head_a": (60, 60), "head_b": (95, 99)}
    for key, (g1, p1) in figures.items():
        person = cadres[key]
        services.values_save(actor=province_admin, plan=cadre_plan, unit=person.unit,
                             person=person, values=cadre_figures(g1, p1))
        services.submission_submit(actor=province_admin, plan=cadre_plan, unit=person.unit,
                                   person=person)
    records.list_entry_create(
        actor=province_admin, unit=cadres["sec_b"].unit, person=cadres["sec_b"],
        kind=EntryKind.ACHIEVEMENT, date=datetime.date(2026, 10, 3), text="带队抗洪抢险",
        plan=cadre_plan, plan_indicator=cadre_plan.plan_indicators.get(indicator__code="J1"))
    version = services.plan_score(actor=province_admin, plan=cadre_plan)
    results = {r.person.name: r for r in
               selectors.results(actor=province_admin, version=version)}
    assert {name: (r.ranking_group, r.group_rank, r.list_mark) for name, r in results.items()} \
        == {"周书记": ("县委书记", 1, "red"), "郑书记": ("县委书记", 2, "black"),
            "王县长": ("县长", 1, "red"), "吴县长": ("县长", 2, "black")}
    assert results["郑书记"].bonus == Decimal(1)
    assert results["周书记"].unit.name == results["吴县长"].unit.name == "东营区"


def test_a_cadres_figures_are_theirs_alone(cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    sec, head = cadres["sec_a"], cadres["head_a"]
    services.values_save(actor=province_admin, plan=cadre_plan, unit=sec.unit, person=sec,
                         values=cadre_figures(90, 80))
    services.values_save(actor=province_admin, plan=cadre_plan, unit=head.unit, person=head,
                         values=cadre_figures(50, 40))
    stored = {(v.person.name, v.plan_indicator.indicator.code): v.value
              for v in IndicatorValue.objects.filter(plan=cadre_plan).select_related(
                  "person", "plan_indicator__indicator")}
    assert stored[("周书记", "G1")] == 90 and stored[("吴县长", "G1")] == 50
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(plan=cadre_plan, unit=sec.unit, person=sec,
                                      plan_indicator=cadre_plan.plan_indicators.first(),
                                      value=1)


def test_many_cadres_figures_are_saved_at_once_or_none_with_the_bad_row_named(
        cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    people = [cadres[key] for key in ("sec_a", "head_a", "sec_b", "head_b")]
    figures = [(p.unit, p, cadre_figures(90 - n, 80)) for n, p in enumerate(people)]
    with pytest.raises(ValidationFailed) as failed, translation.override("en"):
        services.values_save_many(actor=province_admin, plan=cadre_plan, figures=[
            *figures[:3], (people[3].unit, people[3], {"ZZ": (Decimal(1), "")})])
    assert failed.value.extra["errors"] == [
        {"field": "ZZ", "message": "Unknown indicator.", "row": 4}]
    assert not IndicatorValue.objects.filter(plan=cadre_plan).exists()

    def queries_to_save(subjects):
        with CaptureQueriesContext(connection) as captured:
            services.values_save_many(actor=province_admin, plan=cadre_plan, figures=subjects)
        return len(captured)

    assert queries_to_save(figures[:2]) == queries_to_save(figures[2:])  # not one per cadre
    stored = dict(IndicatorValue.objects.filter(
        plan=cadre_plan, plan_indicator__indicator__code="G1").values_list("person", "value"))
    assert stored == {p.pk: Decimal(90 - n) for n, p in enumerate(people)}
    assert AuditEntry.objects.filter(object_type="assessment.submission",
                                     note__contains=cadre_plan.name).count() == 4


def test_one_row_per_unit_still_holds_for_unit_plans(plan, province_admin, tree):
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanUnit.objects.create(plan=plan, unit=tree.county_a)


def test_a_person_not_assessed_has_no_figures(cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    deputy = cadres["deputy_a"]
    with pytest.raises(ValidationFailed):
        services.values_save(actor=province_admin, plan=cadre_plan, unit=deputy.unit,
                             person=deputy, values=cadre_figures(1, 1))
    with pytest.raises(NotFound):
        services.submission_submit(actor=province_admin, plan=cadre_plan, unit=deputy.unit,
                                   person=deputy)


def test_only_the_organizer_enters_a_cadres_figures(cadre_plan, province_admin, reporter,
                                                    county_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    sec = cadres["sec_a"]
    for actor in (reporter, county_admin):
        with pytest.raises(PermissionDenied):
            services.values_save(actor=actor, plan=cadre_plan, unit=sec.unit, person=sec,
                                 values=cadre_figures(90, 80))


def test_a_cadre_plan_is_read_only_by_organization_departments_over_the_cadre(
        cadre_plan, province_admin, county_admin, reporter, outsider, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    for key in ("sec_a", "head_a", "sec_b", "head_b"):
        person = cadres[key]
        services.values_save(actor=province_admin, plan=cadre_plan, unit=person.unit,
                             person=person, values=cadre_figures(50, 50))
    services.plan_score(actor=province_admin, plan=cadre_plan)
    version = services.plan_publish(actor=province_admin, plan=cadre_plan)
    assert not access.plans_in_scope(reporter).filter(pk=cadre_plan.pk).exists()
    assert access.plans_in_scope(county_admin).filter(pk=cadre_plan.pk).exists()
    seen = {r.person.name for r in selectors.results(actor=county_admin, version=version)}
    assert seen == {"周书记", "吴县长"}
    with pytest.raises(NotFound):
        selectors.unit_result(actor=county_admin, plan=cadre_plan,
                              person_id=cadres["sec_b"].pk)
    own = selectors.unit_result(actor=outsider, plan=cadre_plan, person_id=cadres["sec_b"].pk)
    assert own.person == cadres["sec_b"]


def test_a_correction_compares_each_cadre_with_their_own_earlier_result(
        cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    for key, (g1, p1) in {"sec_a": (90, 80), "sec_b": (70, 60), "head_a": (60, 60),
                          "head_b": (95, 99)}.items():
        person = cadres[key]
        services.values_save(actor=province_admin, plan=cadre_plan, unit=person.unit,
                             person=person, values=cadre_figures(g1, p1))
    services.plan_score(actor=province_admin, plan=cadre_plan)
    first = services.plan_publish(actor=province_admin, plan=cadre_plan)
    services.plan_correct(actor=province_admin, plan=cadre_plan, reason="数据更正")
    sec_b = cadres["sec_b"]
    services.values_save(actor=province_admin, plan=cadre_plan, unit=sec_b.unit, person=sec_b,
                         values=cadre_figures(99, 99))
    second = services.plan_score(actor=province_admin, plan=cadre_plan)
    moved = UnitResult.objects.get(version=second, person=sec_b)
    assert (moved.group_rank, moved.rank_change) == (1, 1)
    diff = selectors.version_diff(actor=province_admin, plan=cadre_plan,
                                  before=first.number, after=second.number)
    # min–max over all cadres: the new best moves everyone but the one at the minimum
    assert {r.person.name for r in diff.changed} == {"周书记", "郑书记", "王县长"}


def test_a_cadres_list_entry_is_read_only_by_organization_departments(
        tree, province_admin, county_admin, reporter, cadres):
    sec = cadres["sec_a"]
    entry = records.list_entry_create(
        actor=province_admin, unit=sec.unit, person=sec, kind=EntryKind.NEGATIVE,
        date=datetime.date(2026, 9, 1), text="信访件办理超期")
    records.list_entry_create(actor=province_admin, unit=tree.county_a,
                              kind=EntryKind.ACHIEVEMENT, date=datetime.date(2026, 9, 2),
                              text="获评先进基层党组织")
    assert [e.text for e in records.entries(actor=reporter)] == ["获评先进基层党组织"]
    assert {e.text for e in records.entries(actor=county_admin)} == {"信访件办理超期",
                                                                     "获评先进基层党组织"}
    with pytest.raises(NotFound):
        records.get_entry_in_scope(reporter, entry.pk)
    assert records.get_entry_in_scope(county_admin, entry.pk) == entry


def test_only_organization_departments_add_to_a_cadres_list(tree, reporter, cadres):
    sec = cadres["sec_a"]
    with pytest.raises(PermissionDenied):
        records.list_entry_create(actor=reporter, unit=sec.unit, person=sec,
                                  kind=EntryKind.ACHIEVEMENT, date=datetime.date(2026, 9, 1),
                                  text="自报实绩")


def test_a_cadres_entry_belongs_to_their_own_unit(tree, province_admin, cadres):
    with pytest.raises(ValidationFailed) as caught:
        records.list_entry_create(actor=province_admin, unit=tree.county_b,
                                  person=cadres["sec_a"], kind=EntryKind.ACHIEVEMENT,
                                  date=datetime.date(2026, 9, 1), text="错位记录")
    assert caught.value.extra["errors"][0]["field"] == "person"
