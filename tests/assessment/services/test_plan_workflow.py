"""A plan from draft to a corrected second version, as the organization department runs it."""

from decimal import Decimal

import pytest

from pacesetter.assessment import access, selectors, services
from pacesetter.assessment.models import (
    PlanStatus,
    PublishedIsImmutable,
    ResultVersion,
    SubmissionStatus,
    UnitResult,
)
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs.models import Role
from tests.assessment.conftest import figures
from tests.factories import UnitFactory, user_with_role


def test_opening_assesses_the_counties_of_the_owners_subtree(plan, province_admin, tree):
    assert services.plan_open(actor=province_admin, plan=plan) == 2
    assert set(plan.plan_units.values_list("unit__code", flat=True)) == {"370502", "370503"}
    assert plan.submissions.filter(status=SubmissionStatus.DRAFT).count() == 2
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COLLECTING


def test_weights_must_sum_to_100(plan, province_admin):
    with pytest.raises(ValidationFailed):
        services.plan_weights_set(actor=province_admin, plan=plan,
                                  weights={"A1": Decimal(60), "A2": Decimal(30)})


def test_the_full_cycle_with_a_correction(plan, province_admin, reporter, tree):
    # given an open plan, figures reported by the county's reporter and by the department
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a,
                         values=figures(100, 96, b1=5))
    services.submission_submit(actor=reporter, plan=plan, unit=tree.county_a)
    services.submission_review(actor=province_admin, plan=plan, unit=tree.county_a, approve=True)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(80, 91))
    # when scored and published
    version1 = services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan, note="十月")
    # then A: 0.6·100 + 0.4·100 + min(5, 3) = 103; B: 0.6·0 + 0.4·80 = 32
    results = {r.unit.code: r for r in version1.results.select_related("unit")}
    assert results["370502"].total == Decimal("103")
    assert results["370503"].total == Decimal("32")
    assert (results["370502"].rank, results["370502"].list_mark) == (1, "red")
    assert results["370503"].list_mark == "black"
    codes = [item.indicator.code for item in selectors.scored_items(version=version1)]
    breakdown = results["370502"].breakdown
    assert (breakdown["raw"][codes.index("A2")], breakdown["points"][codes.index("A2")]) == (
        96.0, 100.0)
    # when a figure is corrected and version 2 published
    services.plan_correct(actor=province_admin, plan=plan, reason="河口区满意度录入有误")
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values={"A2": (Decimal(97), "复核后")})
    version2 = services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    # then version 1 is unchanged, version 2 shows the change against it
    assert version2.number == 2
    assert UnitResult.objects.get(version=version1, unit=tree.county_b).total == Decimal("32")
    corrected = UnitResult.objects.get(version=version2, unit=tree.county_b)
    assert corrected.total == Decimal("40")
    assert corrected.total_change == Decimal("8")
    assert list(plan.versions.filter(is_published=True).values_list("number", flat=True)) == [
        2, 1]
    assert AuditEntry.objects.filter(object_type="assessment.assessmentplan").count() >= 6


def test_a_published_version_refuses_change(plan, province_admin, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    version = services.plan_publish(actor=province_admin, plan=plan)
    version.note = "tampered"
    with pytest.raises(PublishedIsImmutable):
        version.save()
    with pytest.raises(PublishedIsImmutable):
        version.delete()
    assert ResultVersion.objects.get(pk=version.pk).note == ""


def test_scoring_again_replaces_the_draft(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    again = services.plan_score(actor=province_admin, plan=plan)
    assert list(plan.versions.values_list("number", flat=True)) == [again.number]


def test_a_veto_puts_the_unit_last(plan, province_admin, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(100, 99, v1=1))
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(10, 50))
    version = services.plan_score(actor=province_admin, plan=plan)
    vetoed = version.results.get(unit=tree.county_a)
    assert (vetoed.vetoed, vetoed.rank, vetoed.list_mark) == (True, 2, "black")


def test_range_checks_name_each_bad_value_and_save_nothing(plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(ValidationFailed) as caught:
        services.values_save(actor=reporter, plan=plan, unit=tree.county_a,
                             values=figures(120, 90, b1=1.5, v1=2))
    assert {e["field"] for e in caught.value.extra["errors"]} == {"A1", "B1", "V1"}
    assert not plan.values.exists()


def test_submitting_needs_every_value(plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a,
                         values={"A1": (Decimal(90), "")})
    with pytest.raises(ValidationFailed):
        services.submission_submit(actor=reporter, plan=plan, unit=tree.county_a)


def test_submitted_figures_are_locked_until_returned(plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a, values=figures(90, 90))
    services.submission_submit(actor=reporter, plan=plan, unit=tree.county_a)
    with pytest.raises(Conflict):
        services.values_save(actor=reporter, plan=plan, unit=tree.county_a,
                             values=figures(99, 99))
    with pytest.raises(ValidationFailed):
        services.submission_review(actor=province_admin, plan=plan, unit=tree.county_a,
                                   approve=False)
    services.submission_review(actor=province_admin, plan=plan, unit=tree.county_a,
                               approve=False, reason="满意度需附佐证")
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a, values=figures(99, 99))


def test_reporters_enter_figures_for_their_own_unit_only(plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(PermissionDenied):
        services.values_save(actor=reporter, plan=plan, unit=tree.county_b,
                             values=figures(1, 1))


def test_only_the_owners_administrators_run_the_plan(plan, county_admin):
    with pytest.raises(PermissionDenied):
        services.plan_open(actor=county_admin, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_score(actor=county_admin, plan=plan)


def test_assessed_units_and_owners_see_the_plan_others_do_not(plan, province_admin, reporter,
                                                              tree):
    services.plan_open(actor=province_admin, plan=plan)
    city2_admin = user_with_role(Role.ORG_ADMIN, tree.city2)
    assert list(access.plans_in_scope(reporter)) == [plan]
    assert list(access.plans_in_scope(city2_admin)) == []


def test_ahp_weights_with_the_consistency_check(plan, province_admin):
    result = services.plan_weights_from_ahp(actor=province_admin, plan=plan, codes=["A1", "A2"],
                                            pairwise=[[1, 3], [1 / 3, 1]])
    weights = dict(plan.plan_indicators.values_list("indicator__code", "weight"))
    assert (weights["A1"], weights["A2"]) == (Decimal("75"), Decimal("25"))
    assert result.cr == 0
    plan.refresh_from_db()
    assert plan.weight_method == "ahp" and plan.weight_details["ri_table"] == "saaty"


def test_inconsistent_ahp_judgments_need_a_reason(tree, province_admin, period):
    plan = services.plan_create(actor=province_admin, owner=tree.province, name="三项",
                                period=period)
    for code in ("X", "Y", "Z"):
        indicator = services.indicator_create(actor=province_admin, owner=tree.province,
                                              code=code, name=code, rule_kind="normalize",
                                              rule={"method": "minmax"})
        services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    circular = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(ValidationFailed):
        services.plan_weights_from_ahp(actor=province_admin, plan=plan, codes=["X", "Y", "Z"],
                                       pairwise=circular)
    result = services.plan_weights_from_ahp(actor=province_admin, plan=plan,
                                            codes=["X", "Y", "Z"], pairwise=circular,
                                            override_reason="专家意见分歧，先行试用")
    assert result.cr >= 0.1
    plan.refresh_from_db()
    assert plan.weight_details["override_reason"] == "专家意见分歧，先行试用"
    assert sum(plan.plan_indicators.values_list("weight", flat=True)) == Decimal(100)


def test_scoring_40_units_costs_no_query_per_unit(plan, province_admin, tree,
                                                 django_assert_max_num_queries):
    """18 queries at most, whatever the number of units (one fewer on PostgreSQL)."""
    for _ in range(38):
        UnitFactory(parent=tree.city2)
    services.plan_open(actor=province_admin, plan=plan)
    assert plan.plan_units.count() == 40
    with django_assert_max_num_queries(18):
        services.plan_score(actor=province_admin, plan=plan)


def test_the_database_refuses_to_change_a_published_result(plan, province_admin):
    from django.db import DatabaseError, connection, transaction

    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    version = services.plan_publish(actor=province_admin, plan=plan)
    with pytest.raises(DatabaseError), transaction.atomic():
        ResultVersion.objects.filter(pk=version.pk).update(note="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        UnitResult.objects.filter(version=version).update(total=Decimal(999))
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            UnitResult.objects.filter(version=version).delete()
    assert not UnitResult.objects.filter(total=Decimal(999)).exists()
    assert ResultVersion.objects.get(pk=version.pk).note == ""


def test_opening_takes_the_assessed_groups_and_the_first_ranking_group(tree, province_admin,
                                                                     period):
    # given counties in peer groups: A in 市辖区 and 县(市), B in 县(市) only, C in none, and an
    # inactive county D in 县(市)
    from pacesetter.orgs.services import peer_groups_ensure

    groups = peer_groups_ensure(["市辖区", "县(市)", "其他"])
    county_c = UnitFactory(code="371102", parent=tree.city2)
    county_d = UnitFactory(code="371103", parent=tree.city2, is_active=False)
    tree.county_a.peer_groups.set([groups["市辖区"], groups["县(市)"]])
    tree.county_b.peer_groups.set([groups["县(市)"], groups["其他"]])
    county_d.peer_groups.set([groups["县(市)"]])
    plan = services.plan_create(actor=province_admin, owner=tree.province, name="分组考核",
                                period=period, assessed_levels=[3],
                                assessed_groups=["县(市)", "市辖区"],
                                ranking_groups=["县(市)", "市辖区"])
    indicator = services.indicator_create(actor=province_admin, owner=tree.province, code="G1",
                                          name="g", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator,
                                weight=100)
    # when
    count = services.plan_open(actor=province_admin, plan=plan)
    # then A and B are assessed (once each), C (no group) and D (inactive) are not
    assert count == 2
    assert dict(plan.plan_units.values_list("unit__code", "ranking_group")) == {
        "370502": "县(市)", "370503": "县(市)"}
    assert sorted(plan.submissions.values_list("unit__code", "status")) == [
        ("370502", "draft"), ("370503", "draft")]
    assert not plan.plan_units.filter(unit=county_c).exists()


def test_a_statement_touching_one_published_result_changes_nothing(plan, province_admin):
    """Re-scoring replaces a draft's results, but one statement reaching a published result
    is refused as a whole, drafts included."""
    from django.db import DatabaseError, transaction

    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    services.plan_correct(actor=province_admin, plan=plan, reason="复核")
    draft = services.plan_score(actor=province_admin, plan=plan)
    before = UnitResult.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        UnitResult.objects.filter(version__plan=plan).update(total=Decimal(1))
    assert not UnitResult.objects.filter(total=Decimal(1)).exists()
    UnitResult.objects.filter(version=draft).delete()
    assert UnitResult.objects.count() == before - 2


def test_results_roll_up_to_every_area_above_the_assessed_units(plan, province_admin, tree):
    # given counties A and B of city 1 scoring 103 (red) and 32, a county of city 2 at 0 (black)
    from pacesetter.assessment.models import AreaResult

    county_c = UnitFactory(code="371102", parent=tree.city2)
    township = UnitFactory(code="371102001", parent=county_c, kind="township")
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(100, 96, b1=5))
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(80, 91))
    # when
    version = services.plan_score(actor=province_admin, plan=plan)
    # then each area holds the count, mean total and list counts of the counties below it
    areas = {a.unit.code: (a.units, a.mean_total, a.red, a.gray, a.black)
             for a in AreaResult.objects.filter(version=version).select_related("unit")}
    assert areas == {
        "370000": (3, Decimal("45"), 1, 0, 1),
        "370500": (2, Decimal("67.5"), 1, 0, 0),
        "371100": (1, Decimal("0"), 0, 0, 1),
    }
    assert not AreaResult.objects.filter(unit=township).exists()
    # and scoring again replaces the draft's areas
    services.plan_score(actor=province_admin, plan=plan)
    assert AreaResult.objects.count() == 3


def test_an_inspectors_wider_view_gives_no_right_to_report(plan, province_admin, tree):
    """Reporter of county A and inspector of the whole city: figures only for county A, by
    form, by bulk upload, and no list entries for county B."""
    from pacesetter.assessment import imports, records

    both = user_with_role(Role.REPORTER, tree.county_a)
    both.role_grants.create(role=Role.INSPECTOR, unit=tree.city1)
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(PermissionDenied):
        services.values_save(actor=both, plan=plan, unit=tree.county_b, values=figures(1, 1))
    with pytest.raises(ValidationFailed):
        imports.values_upsert(actor=both, plan=plan, entries=[
            imports.ValueEntry(unit_code="370503", indicator_code="A1", value="1")])
    assert not records.may_add(both, tree.county_b, plan)
    assert records.may_add(both, tree.county_a, plan)
    services.values_save(actor=both, plan=plan, unit=tree.county_a, values=figures(1, 1))
    assert not plan.values.filter(unit=tree.county_b).exists()


def test_an_explicit_list_assesses_exactly_those_units(tree, province_admin, period):
    # given a plan listing county B and the township by code, whatever its levels say
    plan = services.plan_create(actor=province_admin, owner=tree.province, name="点名考核",
                                period=period, assessed_levels=[3],
                                assessed_unit_codes=["370503", "370502001", "370503"])
    indicator = services.indicator_create(actor=province_admin, owner=tree.province, code="E1",
                                          name="e", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator,
                                weight=100)
    # when
    assert services.plan_open(actor=province_admin, plan=plan) == 2
    # then
    assert sorted(plan.plan_units.values_list("unit__code", flat=True)) == [
        "370502001", "370503"]


def test_an_explicit_list_names_every_unit_it_cannot_take(tree, county_admin, period):
    with pytest.raises(ValidationFailed) as error:
        services.plan_create(actor=county_admin, owner=tree.county_a, name="x", period=period,
                             assessed_unit_codes=["370502001", "370503", "999"])
    assert "370503" in error.value.message and "999" in error.value.message
    assert "370502001" not in error.value.message


def test_a_figure_not_reported_is_stored_as_none_and_its_points_as_zero(plan, province_admin,
                                                                        tree):
    # given county A reported A1 only, county B nothing
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values={"A1": (Decimal("87.5"), "")})
    # when
    version = services.plan_score(actor=province_admin, plan=plan)
    # then the stored lists keep "not reported" apart from 0, on either database
    codes = [item.indicator.code for item in selectors.scored_items(version=version)]
    a = UnitResult.objects.get(version=version, unit=tree.county_a)
    b = UnitResult.objects.get(version=version, unit=tree.county_b)
    assert a.raw_values == [87.5 if code == "A1" else None for code in codes]
    assert b.raw_values == [None] * len(codes)
    assert len(a.points) == len(codes) and a.points[codes.index("A2")] == 0.0
    assert a.total_change is None and a.rank_change is None


def test_a_unit_or_version_that_results_name_cannot_be_deleted(plan, province_admin, tree):
    """Results carry no foreign-key constraint (their checks cost seconds per province-wide
    version): Django refuses such deletes, and on PostgreSQL so does the database."""
    from django.db import DatabaseError, connection, transaction
    from django.db.models import ProtectedError

    from pacesetter.orgs.models import Unit

    services.plan_open(actor=province_admin, plan=plan)
    version = services.plan_score(actor=province_admin, plan=plan)
    with pytest.raises(ProtectedError), transaction.atomic():
        Unit.objects.filter(pk=tree.county_a.pk).delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="results"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("DELETE FROM assessment_planunit WHERE unit_id = %s",
                           [tree.county_a.pk])
            cursor.execute("DELETE FROM orgs_unit WHERE id = %s", [tree.county_a.pk])
        with pytest.raises(DatabaseError, match="results"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("DELETE FROM assessment_arearesult WHERE version_id = %s",
                           [version.pk])
            cursor.execute("DELETE FROM assessment_resultversion WHERE id = %s", [version.pk])
    assert Unit.objects.filter(pk=tree.county_a.pk).exists()
    assert version.results.count() == 2
    # a draft deleted through Django takes its results with it
    version.delete()
    assert not UnitResult.objects.filter(version_id=version.pk).exists()
