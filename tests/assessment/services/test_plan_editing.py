"""Editing a plan while it is a draft, and editing the indicator catalog it draws on."""

import datetime
from decimal import Decimal

import pytest

from pacesetter.assessment import services
from pacesetter.assessment.models import Indicator, PlanStatus, WeightMethod
from pacesetter.audit.models import AuditAction, AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed

AHP_THREE = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]


def _audits(obj, action):
    return AuditEntry.objects.filter(object_type=f"assessment.{obj._meta.model_name}",
                                     object_id=str(obj.pk), action=action)


# --- plan_update ---------------------------------------------------------------------------

def test_a_draft_plans_settings_change_and_the_change_is_audited(plan, province_admin):
    # given a draft plan without peer groups
    november = services.period_get(kind="month", day=datetime.date(2026, 11, 3))
    # when its settings change
    updated = services.plan_update(
        actor=province_admin, plan=plan, name=" 县级党建月度考核（修订） ", period=november,
        assessed_levels=[3, 3, 4], assessed_groups=["县(市)"], ranking_groups=["县(市)", "市辖区"],
        red_top_n=None, red_top_percent=Decimal(10), gray_below_score=Decimal(60))
    # then they are stored, cleaned, and the audit shows before and after
    plan.refresh_from_db()
    assert updated.pk == plan.pk
    assert (plan.name, plan.period, plan.assessed_levels) == ("县级党建月度考核（修订）", november,
                                                              [3, 4])
    assert {g.name for g in plan.ranking_groups.all()} == {"市辖区", "县(市)"}
    assert [g.name for g in plan.assessed_groups.all()] == ["县(市)"]
    assert (plan.red_top_n, plan.red_top_percent) == (None, Decimal(10))
    assert plan.black_bottom_n == 1  # not given, so unchanged
    entry = _audits(plan, AuditAction.UPDATE).latest("pk")
    assert entry.before["name"] == "县级党建月度考核"
    assert entry.after["name"] == "县级党建月度考核（修订）"
    assert entry.before["ranking_groups"] == [] and len(entry.after["ranking_groups"]) == 2


def test_a_plan_that_collects_data_can_no_longer_change(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(Conflict):
        services.plan_update(actor=province_admin, plan=plan, name="改名")
    plan.refresh_from_db()
    assert plan.name == "县级党建月度考核"


def test_only_the_owners_administrators_may_change_a_plan(plan, county_admin, reporter):
    for actor in (county_admin, reporter):
        with pytest.raises(PermissionDenied):
            services.plan_update(actor=actor, plan=plan, name="改名")
    plan.refresh_from_db()
    assert plan.name == "县级党建月度考核"


def test_bad_settings_are_refused_field_by_field(plan, province_admin):
    with pytest.raises(ValidationFailed) as refused:
        services.plan_update(actor=province_admin, plan=plan, red_top_percent=Decimal(120))
    assert [e["field"] for e in refused.value.extra["errors"]] == ["red_top_percent"]
    plan.refresh_from_db()
    assert plan.red_top_percent is None


def test_a_new_owner_must_reach_the_catalogs_of_the_plans_indicators(tree, province_admin,
                                                                      period):
    # given a county's plan using an indicator of the county's own catalog
    county_plan = services.plan_create(actor=province_admin, owner=tree.county_a, name="东营区考核",
                                       period=period)
    own = services.indicator_create(actor=province_admin, owner=tree.county_a, code="Q1",
                                    name="区级指标", rule_kind="normalize",
                                    rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=county_plan, indicator=own)
    # when the plan is moved to another city, whose plans cannot use the county's catalog
    with pytest.raises(ValidationFailed) as refused:
        services.plan_update(actor=province_admin, plan=county_plan, owner=tree.city2)
    # then it is refused, naming the indicator
    assert "Q1" in refused.value.message
    county_plan.refresh_from_db()
    assert county_plan.owner == tree.county_a
    # nor can it move up to the county's city: a city's plans draw on the catalogs of the city
    # and above it, not on those of the units below
    with pytest.raises(ValidationFailed):
        services.plan_update(actor=province_admin, plan=county_plan, owner=tree.city1)


def test_a_new_owner_must_be_one_the_actor_administers(plan, tree, county_admin, province_admin):
    county_plan = services.plan_create(actor=county_admin, owner=tree.county_a, name="东营区考核",
                                       period=plan.period)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=county_admin, plan=county_plan, owner=tree.county_b)
    county_plan.refresh_from_db()
    assert county_plan.owner == tree.county_a


def test_unknown_settings_are_a_programming_error(plan, province_admin):
    with pytest.raises(TypeError):
        services.plan_update(actor=province_admin, plan=plan, status=PlanStatus.PUBLISHED)


# --- plan_indicator_remove -----------------------------------------------------------------

def test_removing_an_indicator_drops_it_and_audits_it(plan, province_admin):
    a2 = Indicator.objects.get(code="A2")
    services.plan_indicator_remove(actor=province_admin, plan=plan, indicator=a2)
    assert set(plan.plan_indicators.values_list("indicator__code", flat=True)) == {
        "A1", "B1", "V1"}
    entry = AuditEntry.objects.filter(object_type="assessment.planindicator",
                                      action=AuditAction.DELETE).get()
    assert entry.before["indicator"] == "A2"
    assert entry.before["weight"] == "40.0000"


def test_removing_a_weighted_indicator_ends_an_ahp_derivation(plan, province_admin, tree):
    # given AHP weights over three indicators
    a3 = services.indicator_create(actor=province_admin, owner=tree.province, code="A3",
                                   name="党员教育覆盖率", rule_kind="normalize",
                                   rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=a3)
    services.plan_weights_from_ahp(actor=province_admin, plan=plan, codes=["A1", "A2", "A3"],
                                   pairwise=AHP_THREE)
    # when one of them is removed
    services.plan_indicator_remove(actor=province_admin, plan=plan, indicator=a3)
    # then the remaining weights are kept, but no longer claimed to come from AHP
    plan.refresh_from_db()
    assert (plan.weight_method, plan.weight_details) == (WeightMethod.MANUAL, {})
    assert sum(plan.plan_indicators.values_list("weight", flat=True)) < 100


def test_removing_a_bonus_item_keeps_the_derivation(plan, province_admin):
    services.plan_weights_from_ahp(actor=province_admin, plan=plan, codes=["A1", "A2"],
                                   pairwise=[[1, 2], [0.5, 1]])
    services.plan_indicator_remove(actor=province_admin, plan=plan,
                                   indicator=Indicator.objects.get(code="B1"))
    plan.refresh_from_db()
    assert plan.weight_method == WeightMethod.AHP


def test_indicators_stay_once_the_plan_collects(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    with pytest.raises(Conflict):
        services.plan_indicator_remove(actor=province_admin, plan=plan,
                                       indicator=Indicator.objects.get(code="A2"))
    assert plan.plan_indicators.count() == 4


def test_removing_an_unused_indicator_is_refused(plan, province_admin, tree):
    unused = services.indicator_create(actor=province_admin, owner=tree.province, code="Z9",
                                       name="未用", rule_kind="veto", rule={"at_least": 1})
    with pytest.raises(ValidationFailed):
        services.plan_indicator_remove(actor=province_admin, plan=plan, indicator=unused)


def test_only_the_owners_administrators_remove_indicators(plan, county_admin):
    with pytest.raises(PermissionDenied):
        services.plan_indicator_remove(actor=county_admin, plan=plan,
                                       indicator=Indicator.objects.get(code="A2"))
    assert plan.plan_indicators.count() == 4


# --- indicator_update ----------------------------------------------------------------------

def test_editing_an_indicators_rule_changes_no_plan(plan, province_admin):
    # given a plan that copied A2's bands
    a2 = Indicator.objects.get(code="A2")
    copied = plan.plan_indicators.get(indicator=a2).rule
    # when the catalog's rule and name change
    services.indicator_update(actor=province_admin, indicator=a2, name="群众满意度（测评）",
                              rule_kind="target", rule={"target": 95})
    # then the catalog has them, audited, and the plan keeps its copy
    a2.refresh_from_db()
    assert (a2.name, a2.rule_kind, a2.rule) == ("群众满意度（测评）", "target",
                                                {"target": 95.0, "cap": 1.0})
    assert plan.plan_indicators.get(indicator=a2).rule == copied
    entry = _audits(a2, AuditAction.UPDATE).get()
    assert entry.before["rule_kind"] == "bands" and entry.after["rule_kind"] == "target"


def test_what_scoring_reads_from_the_catalog_is_frozen_once_a_plan_collects(plan,
                                                                            province_admin):
    # given a plan collecting data with A1
    services.plan_open(actor=province_admin, plan=plan)
    a1 = Indicator.objects.get(code="A1")
    # when its code and direction would change, it is refused, naming both fields
    with pytest.raises(Conflict) as refused:
        services.indicator_update(actor=province_admin, indicator=a1, code="A1x", direction=-1)
    assert sorted(e["field"] for e in refused.value.extra["errors"]) == ["code", "direction"]
    a1.refresh_from_db()
    assert (a1.code, a1.direction) == ("A1", 1)
    # but its name, and the same values given again, are fine
    services.indicator_update(actor=province_admin, indicator=a1, name="三会一课", code="A1",
                              max_value=Decimal(100))
    a1.refresh_from_db()
    assert a1.name == "三会一课"


def test_draft_plans_do_not_freeze_an_indicator(plan, province_admin):
    a1 = Indicator.objects.get(code="A1")
    services.indicator_update(actor=province_admin, indicator=a1, code="A1x", direction=-1)
    a1.refresh_from_db()
    assert (a1.code, a1.direction) == ("A1x", -1)


def test_a_bad_rule_is_refused_with_the_rules_message(plan, province_admin):
    a2 = Indicator.objects.get(code="A2")
    with pytest.raises(ValidationFailed) as refused:
        services.indicator_update(actor=province_admin, indicator=a2, rule={"bands": []})
    assert refused.value.extra["errors"][0]["field"] == "rule"
    a2.refresh_from_db()
    assert a2.rule["bands"]


def test_a_duplicate_code_is_refused(plan, province_admin):
    with pytest.raises(ValidationFailed):
        services.indicator_update(actor=province_admin, indicator=Indicator.objects.get(
            code="A2"), code="A1")


def test_categories_nest_only_within_their_catalog_and_never_in_themselves(tree,
                                                                           province_admin):
    top = services.indicator_create(actor=province_admin, owner=tree.province, code="K",
                                    name="基层组织", is_category=True)
    inner = services.indicator_create(actor=province_admin, owner=tree.province, code="K1",
                                      name="组织生活", is_category=True, parent=top)
    county = services.indicator_create(actor=province_admin, owner=tree.county_a, code="C",
                                       name="区级类别", is_category=True)
    with pytest.raises(ValidationFailed):
        services.indicator_update(actor=province_admin, indicator=top, parent=inner)
    with pytest.raises(ValidationFailed):
        services.indicator_update(actor=province_admin, indicator=inner, parent=county)
    with pytest.raises(ValidationFailed):
        services.indicator_update(actor=province_admin, indicator=top, rule_kind="veto",
                                  rule={"at_least": 1})
    top.refresh_from_db()
    assert top.parent is None and top.rule_kind == ""


def test_only_administrators_of_the_catalogs_unit_edit_it(plan, county_admin, outsider):
    a1 = Indicator.objects.get(code="A1")
    for actor in (county_admin, outsider):
        with pytest.raises(PermissionDenied):
            services.indicator_update(actor=actor, indicator=a1, name="改名")
    a1.refresh_from_db()
    assert a1.name == "三会一课落实率"
