"""Scoring a plan: each rule's points, totals, veto, ranks within peer groups, and the lists."""

import numpy as np
import pytest
from django.utils import translation

from pacesetter.assessment.scoring import (
    IndicatorSpec,
    ListRules,
    RuleError,
    positions,
    score,
    validate_rule,
)

NAN = np.nan


def spec(kind, rule, weight=0.0, direction=1, code="x"):
    return IndicatorSpec(code=code, rule_kind=kind, rule=validate_rule(kind, rule),
                         weight=weight, direction=direction)


def one_column(kind, rule, values, direction=1, weight=100.0):
    table = score(np.array(values, dtype=float).reshape(-1, 1),
                  [spec(kind, rule, weight, direction)], ["all"] * len(values), ListRules())
    return table


def test_minmax_points_run_from_0_to_100():
    table = one_column("normalize", {"method": "minmax"}, [50, 75, 100])
    assert table.points[:, 0].tolist() == [0, 50, 100]
    assert table.total.tolist() == [0, 50, 100]


def test_bands_give_the_first_band_reached():
    """≥95% → 10, ≥90% → 8, ≥80% → 5, below → 0 (the issue's banded-threshold example)."""
    rule = {"bands": [[90, 8], [95, 10], [80, 5]]}
    table = one_column("bands", rule, [97, 95, 91, 85, 50, NAN])
    assert table.points[:, 0].tolist() == [10, 10, 8, 5, 0, 0]


def test_bands_for_lower_is_better_use_at_most():
    table = one_column("bands", {"bands": [[1, 10], [3, 6]]}, [0, 2, 5], direction=-1)
    assert table.points[:, 0].tolist() == [10, 6, 0]


def test_target_ratio_is_capped():
    table = one_column("target", {"target": 200, "cap": 1.2}, [100, 200, 300])
    assert table.points[:, 0].tolist() == [50, 100, 120]
    lower = one_column("target", {"target": 5}, [10, 5, 0], direction=-1)
    assert lower.points[:, 0].tolist() == [50, 100, 100]


def test_rank_points_by_place_with_ties_sharing():
    table = one_column("rank", {"points": [100, 90, 80], "otherwise": 60}, [9, 7, 9, 1, 3])
    assert table.points[:, 0].tolist() == [100, 80, 100, 60, 60]


def test_efficacy_points_are_60_to_100():
    table = one_column("normalize", {"method": "efficacy", "satisfactory": 100,
                                     "unacceptable": 60}, [60, 80, 100])
    assert table.points[:, 0].tolist() == [60, 80, 100]


def test_total_is_weighted_points_plus_bonus_minus_deduction():
    values = np.array([[100, 2, 1], [50, 0, 4]], dtype=float)
    specs = [spec("normalize", {"method": "minmax"}, 100, code="a"),
             spec("bonus", {"per": 1.5, "cap": 5}, code="b"),
             spec("deduction", {"per": 2, "cap": 5}, code="c")]
    table = score(values, specs, ["g", "g"], ListRules())
    assert table.bonus.tolist() == [3, 0]
    assert table.deduction.tolist() == [2, 5]
    assert table.total.tolist() == [101, -5]


def test_a_veto_ranks_the_unit_last_and_blacklists_it_whatever_its_score():
    values = np.array([[100, 1], [60, 0], [80, 0]], dtype=float)
    specs = [spec("normalize", {"method": "minmax"}, 100, code="a"),
             spec("veto", {"at_least": 1}, code="v")]
    table = score(values, specs, ["g"] * 3, ListRules(red_top_n=1))
    assert table.vetoed.tolist() == [True, False, False]
    assert table.rank.tolist() == [3, 2, 1]
    assert table.list_marks == ["black", "", "red"]


def test_ranks_and_lists_are_per_peer_group():
    values = np.array([[90], [80], [70], [60], [95], [85], [75]], dtype=float)
    groups = ["县", "县", "县", "县", "区", "区", "区"]
    table = score(values, [spec("normalize", {"method": "minmax"}, 100)], groups,
                  ListRules(red_top_n=1, black_bottom_n=1, gray_below_score=40))
    assert table.group_rank.tolist() == [1, 2, 3, 4, 1, 2, 3]
    assert table.rank.tolist() == [2, 4, 6, 7, 1, 3, 5]
    assert table.list_marks == ["red", "", "gray", "black", "red", "", "black"]


def test_percent_rules_round_down_and_the_stricter_of_n_and_percent_applies():
    values = np.arange(10, dtype=float).reshape(-1, 1)
    table = score(values, [spec("normalize", {"method": "minmax"}, 100)], ["g"] * 10,
                  ListRules(red_top_n=3, red_top_percent=25, black_bottom_percent=15))
    assert table.list_marks.count("red") == 2
    assert table.list_marks.count("black") == 1


def test_no_units_scores_nothing():
    table = score(np.zeros((0, 1)), [spec("normalize", {"method": "minmax"}, 100)], [],
                  ListRules())
    assert table.total.shape == (0,) and table.list_marks == []


@pytest.mark.parametrize(("kind", "rule", "message"), [
    ("spells", {}, "Unknown rule"),
    ("normalize", {"method": "zscore"}, "method"),
    ("normalize", {"method": "target"}, "target"),
    ("normalize", {"method": "efficacy", "satisfactory": 1, "unacceptable": 1}, "differ"),
    ("bands", {"bands": []}, "band"),
    ("bands", {"bands": [[1]]}, "threshold"),
    ("target", {"target": 0}, "greater than 0"),
    ("rank", {"points": "100"}, "list"),
    ("bonus", {"per": 1}, "cap"),
    ("veto", {"at_least": "yes"}, "number"),
    ("bonus", [], "object"),
])
def test_bad_rules_are_refused_with_a_message(kind, rule, message):
    with translation.override("en"), pytest.raises(RuleError, match=message):
        validate_rule(kind, rule)


@pytest.mark.parametrize("ids", [
    [105, 101, 103, 104, 102],  # close together: looked up in a table
    [7, 900_000, 12, 4_000_000_000, 31],  # far apart: binary search
], ids=["dense", "sparse"])
def test_positions_find_each_id_and_mark_the_rest_minus_one(ids):
    rng = np.random.default_rng(5)
    known = rng.choice(ids, size=50)
    wanted = np.concatenate([known, [100, 106, 8, 4_000_000_001, 102.5, NAN, -1]]).astype(float)
    found = positions(np.array(ids, dtype=float), wanted)
    assert found[:50].tolist() == [ids.index(i) for i in known]
    assert found[50:].tolist() == [-1] * 7


def test_positions_in_no_ids_are_all_absent():
    assert positions(np.zeros(0), np.array([1.0, NAN])).tolist() == [-1, -1]
