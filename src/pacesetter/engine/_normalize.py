"""Normalization of a units × indicators matrix, column by column."""

from __future__ import annotations

import numpy as np

from pacesetter.engine._types import (
    ArrayLike,
    EngineError,
    FloatArray,
    as_directions,
    as_matrix,
    as_vector,
    choice,
)

METHODS = ("minmax", "zscore", "efficacy", "target", "vector")


def normalize(
    matrix: ArrayLike,
    method: str,
    directions: ArrayLike,
    *,
    targets: ArrayLike | None = None,
    ddof: int = 0,
    satisfactory: ArrayLike | None = None,
    unacceptable: ArrayLike | None = None,
) -> FloatArray:
    """Normalize each column of ``matrix`` (units × indicators) by ``method``.

    ``directions`` holds +1 for higher-is-better and −1 for lower-is-better per column.

    - ``"minmax"`` (range / extreme-value method, 极差法): benefit columns
      (x − min)/(max − min), cost columns (max − x)/(max − min); a constant column maps to 1.
      Source: Hwang & Yoon, *Multiple Attribute Decision Making* (Springer, 1981), §2.3.
    - ``"zscore"`` (standardization, 标准化法): (x − mean)/std with the stated ``ddof``,
      negated for cost columns; a constant column maps to 0.
    - ``"efficacy"`` (功效系数法): d = 60 + 40 × (x − unacceptable)/(satisfactory − unacceptable),
      not clipped, with per-column ``satisfactory`` (满意值) and ``unacceptable`` (不允许值)
      values; for a cost column the satisfactory value is the lower one, and the same formula
      applies. Source: the efficacy coefficient method as given in Chinese performance-evaluation
      texts (e.g. 财政部《企业绩效评价操作细则》, 1999).
    - ``"target"``: value/target capped at 1 for benefit columns, target/value capped at 1 for
      cost columns (a value of 0 against a cost target scores 1).
    - ``"vector"`` (vector normalization): x / ‖column‖₂, as used by TOPSIS
      (Hwang & Yoon 1981, §3.1.4); a zero column maps to 0. Direction does not change it.

    Never divides by zero; NaN inputs stay NaN.
    """
    data = as_matrix(matrix)
    signs = as_directions(directions, data.shape[1])
    choice(method, METHODS, name="method")
    if method == "minmax":
        return _minmax(data, signs)
    if method == "zscore":
        return _zscore(data, signs, ddof)
    if method == "efficacy":
        return _efficacy(data, satisfactory, unacceptable)
    if method == "target":
        return _target(data, signs, targets)
    return _vector(data)


def _minmax(data: FloatArray, signs: FloatArray) -> FloatArray:
    low = np.nanmin(data, axis=0) if data.size else np.zeros(data.shape[1])
    high = np.nanmax(data, axis=0) if data.size else np.zeros(data.shape[1])
    span = high - low
    constant = span == 0
    safe = np.where(constant, 1.0, span)
    benefit = (data - low) / safe
    cost = (high - data) / safe
    result = np.where(signs > 0, benefit, cost)
    return np.where(constant & ~np.isnan(data), 1.0, result)


def _zscore(data: FloatArray, signs: FloatArray, ddof: int) -> FloatArray:
    if ddof < 0 or ddof >= max(data.shape[0], 1):
        raise EngineError(f"ddof must be between 0 and the number of units - 1; got {ddof}")
    mean = np.nanmean(data, axis=0)
    std = np.nanstd(data, axis=0, ddof=ddof)
    safe = np.where(std == 0, 1.0, std)
    scores = (data - mean) / safe * signs
    return np.where((std == 0) & ~np.isnan(data), 0.0, scores)


def _efficacy(data: FloatArray, satisfactory: ArrayLike | None,
              unacceptable: ArrayLike | None) -> FloatArray:
    if satisfactory is None or unacceptable is None:
        raise EngineError("the efficacy method needs satisfactory and unacceptable values")
    good = as_vector(satisfactory, name="satisfactory", size=data.shape[1])
    bad = as_vector(unacceptable, name="unacceptable", size=data.shape[1])
    if np.any(good == bad):
        raise EngineError("satisfactory and unacceptable values must differ in every column")
    return 60.0 + 40.0 * (data - bad) / (good - bad)


def _target(data: FloatArray, signs: FloatArray, targets: ArrayLike | None) -> FloatArray:
    if targets is None:
        raise EngineError("the target method needs targets")
    goal = as_vector(targets, name="targets", size=data.shape[1])
    if np.any(goal <= 0):
        raise EngineError("targets must be positive")
    benefit = np.minimum(data / goal, 1.0)
    with np.errstate(divide="ignore"):
        cost = np.where(data <= 0, 1.0, np.minimum(goal / np.where(data <= 0, 1.0, data), 1.0))
    cost = np.where(np.isnan(data), np.nan, cost)
    return np.where(signs > 0, benefit, cost)


def _vector(data: FloatArray) -> FloatArray:
    norms = np.sqrt(np.nansum(data * data, axis=0))
    return np.where(norms == 0, 0.0, data / np.where(norms == 0, 1.0, norms))
