"""rank(), rank_within() and trimmed_mean(): exact ties, peer groups, the panel convention."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.engine._rank import rank, rank_within, trimmed_mean
from pacesetter.engine._types import EngineError


def test_competition_and_dense_ranks_as_in_scipy_rankdata_documentation():
    """The examples printed in SciPy's ``scipy.stats.rankdata`` reference (ascending order):
    rankdata([0, 2, 3, 2], method='min') → [1, 2, 4, 2]; method='dense' → [1, 2, 3, 2]."""
    assert rank([0, 2, 3, 2], method="min", descending=False).tolist() == [1, 2, 4, 2]
    assert rank([0, 2, 3, 2], method="dense", descending=False).tolist() == [1, 2, 3, 2]


def test_highest_first_by_default_with_exact_ties():
    assert rank([88.5, 92.0, 92.0, 70.0]).tolist() == [3, 1, 1, 4]
    assert rank([88.5, 92.0, 92.0, 70.0], method="dense").tolist() == [2, 1, 1, 3]
    assert rank([0.1 + 0.2, 0.3]).tolist() == [1, 2], "no tolerance: 0.30000000000000004 > 0.3"


def test_a_vetoed_unit_given_minus_infinity_is_last():
    assert rank([60.0, -np.inf, 99.0]).tolist() == [2, 3, 1]


def test_nan_is_refused():
    with pytest.raises(EngineError, match="NaN"):
        rank([1.0, np.nan])


def test_unknown_method_is_refused():
    with pytest.raises(EngineError, match="method"):
        rank([1.0], method="average")


def test_rank_within_ranks_inside_each_peer_group():
    values = [10, 20, 20, 5, 7, 7, 9]
    groups = ["县", "县", "县", "区", "区", "区", "市"]
    assert rank_within(values, groups).tolist() == [3, 1, 1, 3, 1, 1, 1]
    assert rank_within(values, groups, method="dense").tolist() == [2, 1, 1, 2, 1, 1, 1]


def test_rank_within_checks_the_group_labels():
    with pytest.raises(EngineError, match="groups"):
        rank_within([1, 2], [1])
    assert rank_within([], []).tolist() == []


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=40), st.data())
def test_rank_within_equals_ranking_each_group_alone(values, data):
    groups = data.draw(st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values)))
    values_array, groups_array = np.array(values, dtype=float), np.array(groups)
    for method in ("min", "dense"):
        for descending in (True, False):
            together = rank_within(values_array, groups_array, method=method,
                                   descending=descending)
            for group in set(groups):
                members = groups_array == group
                alone = rank(values_array[members], method=method, descending=descending)
                assert together[members].tolist() == alone.tolist()


@given(st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=30))
def test_competition_rank_counts_strictly_better_values(values):
    ranks = rank(values)
    for value, position in zip(values, ranks, strict=True):
        assert position == 1 + sum(other > value for other in values)


def test_trimmed_mean_drops_exactly_one_of_tied_highest():
    """The contract's example: 90 93 96 99 99 → drop one 99 and the 90 → 96.0."""
    assert trimmed_mean([90, 93, 96, 99, 99]) == 96.0


def test_trimmed_mean_ignores_missing_scores_and_falls_back_to_the_plain_mean():
    panel = [[90, np.nan, 99, np.nan], [80, 85, 90, 95], [np.nan] * 4]
    result = trimmed_mean(panel)
    assert result[0] == 94.5
    assert result[1] == 87.5
    assert np.isnan(result[2])


def test_trimmed_mean_along_another_axis_and_other_drop_counts():
    judges_by_row = np.array([[90, 80], [93, 85], [96, 90], [99, 95], [99, 100]])
    assert trimmed_mean(judges_by_row, axis=0).tolist() == [96.0, 90.0]
    assert trimmed_mean([1, 2, 3, 4, 100], drop_highest=2, drop_lowest=0) == 2.0


def test_trimmed_mean_refuses_negative_drops():
    with pytest.raises(EngineError):
        trimmed_mean([1.0], drop_highest=-1)


@given(st.lists(st.floats(0, 100), min_size=3, max_size=15))
def test_trimmed_mean_lies_between_the_kept_extremes(scores):
    ordered = sorted(scores)
    assert ordered[1] - 1e-9 <= trimmed_mean(scores) <= ordered[-2] + 1e-9


@given(st.lists(st.one_of(st.floats(0, 100), st.just(float("nan"))), min_size=1, max_size=12))
def test_dropping_nothing_averages_the_scores_present(scores):
    present = [s for s in scores if not np.isnan(s)]
    result = trimmed_mean(scores, drop_highest=0, drop_lowest=0)
    if present:
        assert result == pytest.approx(sum(present) / len(present))
    else:
        assert np.isnan(result)


def test_values_must_be_one_dimensional():
    with pytest.raises(EngineError, match="1-dimensional"):
        rank([[1.0, 2.0]])
