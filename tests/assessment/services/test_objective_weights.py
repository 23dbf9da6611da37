"""CRITIC and entropy weights come from the figures of the previous plan of the series."""

import datetime
from decimal import Decimal

import numpy as np
import pytest

from pacesetter import engine
from pacesetter.assessment import services
from pacesetter.assessment.models import Indicator
from pacesetter.errors import PermissionDenied, ValidationFailed
from tests.factories import UnitFactory

FIGURES = {  # unit → (A1 三会一课落实率, A2 群众满意度)
    "370502": (98, 91), "370503": (80, 97), "X1": (90, 85), "X2": (70, 99), "X3": (85, 88),
}


@pytest.fixture
def october_collected(plan, province_admin, tree):
    """The October plan of the series, scored, with both scored figures from five counties
    and one more county that reported only A1."""
    for code in ("X1", "X2", "X3", "X4"):
        UnitFactory(code=code, parent=tree.city2)
    services.plan_open(actor=province_admin, plan=plan)
    for unit in plan.plan_units.select_related("unit"):
        code = unit.unit.code
        a1, a2 = FIGURES.get(code, (60, None))
        services.values_save(actor=province_admin, plan=plan, unit=unit.unit, values={
            "A1": (Decimal(a1), ""), "A2": (None if a2 is None else Decimal(a2), "")})
    services.plan_score(actor=province_admin, plan=plan)
    return plan


@pytest.fixture
def november_draft(tree, province_admin):
    period = services.period_get(kind="month", day=datetime.date(2026, 11, 15))
    plan = services.plan_create(actor=province_admin, owner=tree.province, name="县级党建月度考核",
                                period=period, series="县级党建", assessed_levels=[3])
    for code in ("A1", "A2"):
        services.plan_indicator_set(actor=province_admin, plan=plan,
                                    indicator=Indicator.objects.get(code=code))
    return plan


def previous_matrix():
    return np.array([FIGURES[c] for c in sorted(FIGURES)], dtype=float)


def test_critic_weights_are_the_engines_over_the_complete_previous_figures(
        october_collected, november_draft, province_admin):
    # when
    weights = services.plan_weights_from_data(actor=province_admin, plan=november_draft,
                                              method="critic")
    # then the weights are CRITIC's over the five complete units, in percent, summing to 100
    expected = engine.critic_weights(previous_matrix(), [1, 1]) * 100
    assert [float(weights[c]) for c in ("A1", "A2")] == pytest.approx(expected, abs=1e-4)
    assert sum(weights.values()) == Decimal(100)
    stored = dict(november_draft.plan_indicators.values_list("indicator__code", "weight"))
    assert stored == weights
    november_draft.refresh_from_db()
    assert november_draft.weight_method == "critic"
    assert november_draft.weight_details["source_plan"] == october_collected.pk
    assert november_draft.weight_details["units"] == 5


def test_entropy_weights_keep_their_variant(october_collected, november_draft, province_admin):
    weights = services.plan_weights_from_data(actor=province_admin, plan=november_draft,
                                              method="entropy", variant="shifted")
    expected = engine.entropy_weights(previous_matrix(), [1, 1], variant="shifted") * 100
    assert [float(weights[c]) for c in ("A1", "A2")] == pytest.approx(expected, abs=1e-4)
    november_draft.refresh_from_db()
    assert (november_draft.weight_method, november_draft.weight_details["variant"]) == (
        "entropy", "shifted")


def test_without_earlier_figures_the_weights_are_refused_and_kept(plan, province_admin):
    before = dict(plan.plan_indicators.values_list("indicator__code", "weight"))
    with pytest.raises(ValidationFailed) as error:
        services.plan_weights_from_data(actor=province_admin, plan=plan, method="critic")
    assert "上一期" in error.value.message
    assert dict(plan.plan_indicators.values_list("indicator__code", "weight")) == before


def test_an_unknown_method_is_refused(october_collected, november_draft, province_admin):
    with pytest.raises(ValidationFailed):
        services.plan_weights_from_data(actor=province_admin, plan=november_draft,
                                        method="delphi")


def test_only_the_plans_administrators_derive_weights(october_collected, november_draft,
                                                       county_admin):
    with pytest.raises(PermissionDenied):
        services.plan_weights_from_data(actor=county_admin, plan=november_draft,
                                        method="critic")
