"""Aggregating leaf values up a tree given as parent indexes."""

from __future__ import annotations

import numpy as np

from pacesetter.engine._types import ArrayLike, EngineError, FloatArray, IntArray, as_vector, choice

HOW = ("mean", "sum", "weighted")


def depths(parent_index: ArrayLike) -> IntArray:
    """Depth of every node (roots 0) of the forest given by ``parent_index`` (−1 for a root)."""
    parents = np.asarray(parent_index, dtype=np.int64)
    if parents.ndim != 1:
        raise EngineError("parent_index must be 1-dimensional")
    size = parents.shape[0]
    if np.any((parents < -1) | (parents >= size)):
        raise EngineError("parent_index entries must be -1 or the index of another node")
    depth = np.zeros(size, dtype=np.int64)
    current = parents.copy()
    for _step in range(size + 1):
        above = current >= 0
        if not above.any():
            return depth
        depth += above
        current = np.where(above, parents[np.where(above, current, 0)], -1)
    raise EngineError("parent_index contains a cycle")


def rollup(values: ArrayLike, parent_index: ArrayLike, *, how: str = "mean",
           weights: ArrayLike | None = None) -> FloatArray:
    """Aggregate leaf values up every ancestor level, deepest level first.

    A leaf (a node without children) keeps its value; every other node gets the aggregate of
    its children's values (their own roll-ups), whatever value it was given:

    - ``"mean"``: Σ v_c / n over children with a value (NaN children are skipped);
    - ``"sum"``: Σ v_c;
    - ``"weighted"``: Σ w_c·v_c / Σ w_c with a weight per node (e.g. member counts).

    A node all of whose children are NaN is NaN. Cost is linear in nodes × depth.
    """
    choice(how, HOW, name="how")
    level = depths(parent_index)
    parents = np.asarray(parent_index, dtype=np.int64)
    result = as_vector(values, name="values", size=parents.shape[0]).copy()
    if how == "weighted":
        if weights is None:
            raise EngineError("how='weighted' needs weights")
        node_weights = as_vector(weights, name="weights", size=parents.shape[0])
        if np.any(node_weights < 0):
            raise EngineError("weights must not be negative")
    else:
        node_weights = np.ones(parents.shape[0])
    has_children = np.zeros(parents.shape[0], dtype=bool)
    has_children[parents[parents >= 0]] = True
    for depth in range(int(level.max(initial=0)), 0, -1):
        children = np.flatnonzero(level == depth)
        child_values = result[children]
        present = ~np.isnan(child_values)
        targets = parents[children][present]
        contribution = child_values[present] * node_weights[children][present]
        size = result.shape[0]
        totals = np.bincount(targets, weights=contribution, minlength=size)
        counts = np.bincount(targets, minlength=size)
        weight_sums = np.bincount(targets, weights=node_weights[children][present], minlength=size)
        level_parents = np.unique(parents[children])
        valued = counts[level_parents] > 0
        divisor = np.ones(level_parents.shape[0]) if how == "sum" else weight_sums[level_parents]
        usable = valued & (divisor > 0)
        aggregated = np.full(level_parents.shape[0], np.nan)
        aggregated[usable] = totals[level_parents][usable] / divisor[usable]
        result[level_parents] = aggregated
    result[~has_children] = as_vector(values, name="values")[~has_children]
    return result
