"""rollup(): leaf values aggregated up every level of a tree of parent indexes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.engine._rollup import depths, rollup
from pacesetter.engine._types import EngineError

#        0
#      /   \
#     1     2
#    / \   / \
#   3   4 5   6
PARENTS = [-1, 0, 0, 1, 1, 2, 2]
VALUES = [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0]


def test_mean_of_children_level_by_level():
    assert rollup(VALUES, PARENTS).tolist() == [2.5, 1.5, 3.5, 1, 2, 3, 4]


def test_sum_reaches_the_root():
    assert rollup(VALUES, PARENTS, how="sum").tolist() == [10, 3, 7, 1, 2, 3, 4]


def test_weighted_mean_uses_each_childs_weight():
    """Node 2: (3·1 + 4·3)/4 = 3.75; root: (1.5·1 + 3.75·3)/4 = 3.1875."""
    result = rollup(VALUES, PARENTS, how="weighted", weights=[1, 1, 3, 1, 1, 1, 3])
    assert result[:3].tolist() == [3.1875, 1.5, 3.75]


def test_missing_children_are_skipped_and_all_missing_gives_nan():
    result = rollup([0, 0, 0, np.nan, 2, np.nan, np.nan], PARENTS)
    assert result[1] == 2.0 and np.isnan(result[2]) and result[0] == 2.0


def test_depths_of_a_forest():
    assert depths([-1, 0, 1, -1, 3]).tolist() == [0, 1, 2, 0, 1]


@pytest.mark.parametrize(("parents", "message"), [
    ([1, 0], "cycle"), ([-1, 5], "index"), ([[-1]], "1-dimensional")])
def test_bad_trees_are_refused(parents, message):
    with pytest.raises(EngineError, match=message):
        depths(parents)


def test_weighted_needs_non_negative_weights_and_an_unknown_how_is_refused():
    with pytest.raises(EngineError, match="needs weights"):
        rollup(VALUES, PARENTS, how="weighted")
    with pytest.raises(EngineError, match="negative"):
        rollup(VALUES, PARENTS, how="weighted", weights=[-1] * 7)
    with pytest.raises(EngineError, match="how"):
        rollup(VALUES, PARENTS, how="median")


def naive_rollup(values, parents, how):
    children = {i: [c for c, p in enumerate(parents) if p == i] for i in range(len(parents))}

    def value(node):
        if not children[node]:
            return values[node]
        below = [value(c) for c in children[node]]
        return sum(below) if how == "sum" else sum(below) / len(below)

    return [value(i) for i in range(len(parents))]


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=30), st.sampled_from(["mean", "sum"]))
def test_matches_a_recursive_definition_on_random_trees(seeds, how):
    parents = [-1] + [seed % (i + 1) for i, seed in enumerate(seeds[1:])]
    values = [float(seed % 97) for seed in seeds]
    assert np.allclose(rollup(values, parents, how=how), naive_rollup(values, parents, how))
