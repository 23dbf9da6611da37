"""Aggregation of many indicators into one result per unit: weighted sum, TOPSIS, fuzzy."""

from __future__ import annotations

import numpy as np

from pacesetter.engine._normalize import normalize as normalize_columns
from pacesetter.engine._types import (
    ArrayLike,
    EngineError,
    FloatArray,
    as_directions,
    as_matrix,
    as_vector,
    choice,
)

TOPSIS_NORMALIZATIONS = ("vector", "minmax")
FUZZY_OPERATORS = ("weighted_average", "min_max", "product_max", "bounded_sum")


def weighted_sum(normalized: ArrayLike, weights: ArrayLike) -> FloatArray:
    """Per-unit weighted sum of a units × indicators matrix of already normalized scores.

    Formula (simple additive weighting, SAW; weighted sum model): for unit i,
    S_i = Σ_j w_j · x_ij. Source: the SAW method as reviewed in L. Abdullah &
    C. W. R. Adawiyah, "Simple Additive Weighting Methods of Multi criteria Decision Making
    and Applications: A Decade Review".

    ``weights`` holds one non-negative, finite weight per column and is used as given: it is
    **not** renormalized to sum to 1 (the caller decides; weights summing to 1 keep the total on
    the scale of the normalized scores). A NaN anywhere in a unit's row makes that unit's total
    NaN — a missing score is never silently treated as 0.
    """
    data = as_matrix(normalized, name="normalized")
    w = _weights(weights, data.shape[1], what="indicator column")
    total: FloatArray = data @ w
    return total


def topsis(
    matrix: ArrayLike,
    weights: ArrayLike,
    directions: ArrayLike,
    *,
    normalization: str = "vector",
) -> FloatArray:
    """TOPSIS relative closeness to the ideal solution, one value in [0, 1] per unit (row).

    Source: C.-L. Hwang & K. Yoon, *Multiple Attribute Decision Making: Methods and
    Applications* (Springer, 1981), TOPSIS, with the fighter-aircraft worked example on
    pp. 133–134 (reproduced in the tests). Steps:

    1. Normalize each column: ``"vector"`` (the original), r_ij = x_ij / √(Σ_k x_kj²);
       or ``"minmax"`` (a common variant), the range method of :func:`normalize`, which
       already turns cost columns around so that 1 is best in every column.
    2. Weight: v_ij = w_j · r_ij (weights are used as given, not renormalized; non-negative).
    3. Ideal A⁺ and anti-ideal A⁻ per column. After vector normalization the direction decides:
       v_j⁺ = max_i v_ij and v_j⁻ = min_i v_ij for a higher-is-better column (``+1``), the other
       way round for a lower-is-better column (``-1``). After minmax normalization every column
       is already higher-is-better, so v_j⁺ = max_i v_ij and v_j⁻ = min_i v_ij throughout.
    4. Euclidean separations S_i⁺ = √(Σ_j (v_ij − v_j⁺)²) and S_i⁻ = √(Σ_j (v_ij − v_j⁻)²).
    5. Closeness C_i = S_i⁻ / (S_i⁺ + S_i⁻): 1 at the ideal, 0 at the anti-ideal.

    When S_i⁺ + S_i⁻ = 0 — the ideal and anti-ideal coincide, i.e. every unit is identical on
    every weighted column — every unit is as good as the best, and the closeness is 1.

    Missing values (NaN) are left out of the column norms, ranges, ideal and anti-ideal; a unit
    with a NaN in any column gets a NaN closeness. No units give an empty result.
    """
    data = as_matrix(matrix)
    signs = as_directions(directions, data.shape[1])
    w = _weights(weights, data.shape[1], what="indicator column")
    choice(normalization, TOPSIS_NORMALIZATIONS, name="normalization")
    if data.shape[0] == 0:
        return np.zeros(0)
    weighted = normalize_columns(data, normalization, signs) * w
    high = np.fmax.reduce(weighted, axis=0)  # fmax ignores NaN (NaN only for an all-NaN column)
    low = np.fmin.reduce(weighted, axis=0)
    if normalization == "vector":
        ideal = np.where(signs > 0, high, low)
        anti_ideal = np.where(signs > 0, low, high)
    else:
        ideal, anti_ideal = high, low
    s_plus = np.sqrt(np.sum((weighted - ideal) ** 2, axis=1))
    s_minus = np.sqrt(np.sum((weighted - anti_ideal) ** 2, axis=1))
    total = s_plus + s_minus
    closeness: FloatArray = np.where(total == 0, 1.0, s_minus / np.where(total == 0, 1.0, total))
    return closeness


def fuzzy_evaluate(
    weights: ArrayLike,
    memberships: ArrayLike,
    *,
    operator: str = "weighted_average",
    normalize: bool = True,
) -> FloatArray:
    """Fuzzy comprehensive evaluation (模糊综合评价) B = W ∘ R.

    ``weights`` W is a 1-D vector over the n factors (因素集 U), non-negative. ``memberships`` R
    is an n × m matrix whose row i gives the membership of factor i in each of the m grades
    (评语集 V), every entry in [0, 1]; or a units × n × m array to evaluate many units at once
    (each unit with the same W). The result is one vector B of length m, or one per unit.

    The composition ∘ is one of four operator pairs M(⊗, ⊕) (the first combines a weight with a
    membership, the second gathers over the factors); b_j for grade j:

    - ``"weighted_average"``  M(·, +)  加权平均型:   b_j = Σ_i w_i · r_ij
    - ``"min_max"``           M(∧, ∨)  主因素决定型: b_j = max_i min(w_i, r_ij)
    - ``"product_max"``       M(·, ∨)  主因素突出型: b_j = max_i w_i · r_ij
    - ``"bounded_sum"``       M(∧, ⊕)  取小上界和型: b_j = min(1, Σ_i min(w_i, r_ij))

    With ``normalize=True`` B is divided by its sum so that it sums to 1; a B that is all zeros
    stays all zeros. B lies in [0, 1] whenever each w_i ≤ 1 and (for ``"weighted_average"``)
    Σ_i w_i ≤ 1.

    Sources: fuzzy sets and the min/max operations, L. A. Zadeh, "Fuzzy sets", *Information
    and Control* 8(3) (1965) 338–353; the four evaluation models (模型 I–IV: 主因素决定型,
    主因素突出型, 加权平均型, 取小上界和型) as set out in Chinese texts on 模糊综合评判 and
    their 服装评判 worked example (reproduced in the tests). The model family is usually
    credited to 汪培庄《模糊集合论及其应用》(1983), which was not itself consulted here.
    """
    relation = np.asarray(memberships, dtype=np.float64)
    if relation.ndim not in (2, 3):
        raise EngineError("memberships must be 2-dimensional (factors × grades) or "
                          f"3-dimensional (units × factors × grades), got shape {relation.shape}")
    w = _weights(weights, relation.shape[-2], what="factor (row of memberships)")
    if not np.all((relation >= 0) & (relation <= 1)):
        raise EngineError("memberships must all be in [0, 1] (NaN is not a membership)")
    choice(operator, FUZZY_OPERATORS, name="operator")
    column = w[:, np.newaxis]  # factors × 1: broadcasts over the grades (and the units)
    if operator == "weighted_average":
        grades = np.sum(column * relation, axis=-2)
    elif operator == "min_max":
        grades = np.max(np.minimum(column, relation), axis=-2, initial=0.0)
    elif operator == "product_max":
        grades = np.max(column * relation, axis=-2, initial=0.0)
    else:
        grades = np.minimum(1.0, np.sum(np.minimum(column, relation), axis=-2))
    if not normalize:
        result: FloatArray = grades
        return result
    sums = np.sum(grades, axis=-1, keepdims=True)
    shares: FloatArray = np.where(sums == 0, 0.0, grades / np.where(sums == 0, 1.0, sums))
    return shares


def _weights(weights: ArrayLike, size: int, *, what: str) -> FloatArray:
    vector = as_vector(weights, name=f"weights (one per {what})", size=size)
    if not np.all(np.isfinite(vector) & (vector >= 0)):
        raise EngineError("weights must be finite and non-negative")
    return vector


__all__ = ["fuzzy_evaluate", "topsis", "weighted_sum"]
