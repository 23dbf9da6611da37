"""Rankings (overall and within peer groups) and the panel's trimmed mean."""

from __future__ import annotations

import numpy as np

from pacesetter.engine._types import ArrayLike, EngineError, FloatArray, IntArray, as_vector, choice

RANK_METHODS = ("min", "dense")


def _keys(values: ArrayLike, descending: bool) -> FloatArray:
    vector = as_vector(values, name="values")
    if np.isnan(vector).any():
        raise EngineError("values to rank must not be NaN; give vetoed units -inf instead")
    return -vector if descending else vector


def rank(values: ArrayLike, *, method: str = "min", descending: bool = True) -> IntArray:
    """Rank ``values``; ties share a rank and are exact (no tolerance).

    - ``"min"``: competition ranking, "1224": rank = 1 + number of strictly better values.
    - ``"dense"``: "1223": rank = 1 + number of distinct strictly better values.

    Source: the standard competition and dense ranking definitions (e.g. the ``method`` options
    of ``scipy.stats.rankdata``). ``descending=True`` ranks the highest value first.
    NaN is refused: a unit that must be last whatever its score (a veto) is given −inf.
    """
    choice(method, RANK_METHODS, name="method")
    keys = _keys(values, descending)
    if method == "min":
        ordered = np.sort(keys)
        return np.searchsorted(ordered, keys, side="left").astype(np.int64) + 1
    _distinct, inverse = np.unique(keys, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1) + 1


def rank_within(values: ArrayLike, groups: ArrayLike, *, method: str = "min",
                descending: bool = True) -> IntArray:
    """Rank ``values`` inside each peer group of ``groups`` (any labels), in one vectorized pass.

    Same definitions as ``rank``; equivalent to calling ``rank`` on each group separately.
    """
    choice(method, RANK_METHODS, name="method")
    keys = _keys(values, descending)
    labels = np.asarray(groups)
    if labels.shape != keys.shape:
        raise EngineError(f"groups must have {keys.shape[0]} items, got shape {labels.shape}")
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    _unique, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    order = np.lexsort((keys, codes))
    sorted_keys, sorted_codes = keys[order], codes[order]
    positions = np.arange(keys.size)
    group_start = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    block_start = group_start | np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    first_of_group = np.maximum.accumulate(np.where(group_start, positions, 0))
    if method == "min":
        first_of_block = np.maximum.accumulate(np.where(block_start, positions, 0))
        ranks_sorted = first_of_block - first_of_group + 1
    else:
        blocks = np.cumsum(block_start)
        ranks_sorted = blocks - blocks[first_of_group] + 1
    ranks = np.empty(keys.size, dtype=np.int64)
    ranks[order] = ranks_sorted
    return ranks


def trimmed_mean(scores: ArrayLike, *, drop_highest: int = 1, drop_lowest: int = 1,
                 axis: int = -1) -> FloatArray:
    """The panel convention (去掉最高分和最低分): drop exactly ``drop_highest`` highest and
    ``drop_lowest`` lowest scores, even when tied, and average the rest.

    90 93 96 99 99 → drop one 99 and 90 → (93 + 96 + 99) / 3 = 96.0. NaN marks a missing score
    and is ignored. Where no more than ``drop_highest + drop_lowest`` scores are present, the
    plain mean of those present is returned; with none present, NaN.
    Source: the trimmed mean as used by judging panels, e.g. the scoring rule of
    FINA diving and of Chinese 路演/答辩 panels ("去掉一个最高分、一个最低分").
    """
    if drop_highest < 0 or drop_lowest < 0:
        raise EngineError("drop_highest and drop_lowest must not be negative")
    data = np.moveaxis(np.asarray(scores, dtype=np.float64), axis, -1)
    if drop_highest == drop_lowest == 0:
        return _mean_of_present(data)
    ordered = np.sort(data, axis=-1)
    present = np.sum(~np.isnan(data), axis=-1, keepdims=True)
    index = np.arange(data.shape[-1])
    trimmed = (index >= drop_lowest) & (index < present - drop_highest)
    keep = np.where(present > drop_highest + drop_lowest, trimmed, index < present)
    kept = np.sum(keep, axis=-1)
    total = np.sum(np.where(keep, ordered, 0.0), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(kept > 0, total / np.where(kept > 0, kept, 1), np.nan)


def _mean_of_present(data: FloatArray) -> FloatArray:
    """The mean over the last axis of the scores present, NaN where none is: what the trimmed
    mean is when nothing is dropped, without its sort (a panel's sparse raters × cadres cube
    is mostly missing scores)."""
    present = ~np.isnan(data)
    kept = np.sum(present, axis=-1)
    total = np.sum(np.where(present, data, 0.0), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(kept > 0, total / np.where(kept > 0, kept, 1), np.nan)
