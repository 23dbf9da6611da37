"""Indicator weights: AHP (subjective), the entropy method and CRITIC (objective).

Every function returns weights that are non-negative and sum to 1, one per indicator
(per row of the pairwise matrix for AHP, per column of the units × indicators matrix for
the objective methods).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacesetter.engine._normalize import normalize
from pacesetter.engine._types import (
    ArrayLike,
    EngineError,
    FloatArray,
    as_directions,
    as_matrix,
    choice,
)

AHP_METHODS = ("eigenvector", "arithmetic", "geometric")
ENTROPY_VARIANTS = ("minmax", "raw", "shifted")

# Random (consistency) indices RI for n = 1..15: the mean CI of random reciprocal matrices.
# The values were checked against independent reproductions of each table, not against the
# printed originals (see tests/engine/test_weights.py):
# - "saaty": Saaty, The Analytic Hierarchy Process (McGraw-Hill, 1980); the dip at n = 12
#   (1.48 < 1.51) is not a typo here: every reproduction of this table seen has it.
# - "chinese": the table of Chinese AHP textbooks and courseware (平均随机一致性指标, stated
#   there as means over 1000 random matrices of each order 1–15). It is close to, but not the
#   same as, the table in Saaty, Theory and Applications of the Analytic Network Process
#   (RWS, 2005, p. 31), which reads 1.11, 1.25, 1.35, 1.40, 1.45 for n = 5..9 where this one
#   reads 1.12, 1.26, 1.36, 1.41, 1.46; both read 0.52 and 0.89 for n = 3 and 4.
# - "tummala_ling": Tummala & Ling, "A note on the computation of the mean random consistency
#   index of the analytic hierarchy process (AHP)", Theory and Decision 44(3), 1998, 221–230.
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56,
              1.57, 1.59),
    "chinese": (0.0, 0.0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49, 1.52, 1.54, 1.56,
                1.58, 1.59),
    "tummala_ling": (0.0, 0.0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537,
                     1.4882, 1.5117, 1.5356, 1.5571, 1.5714, 1.5831),
}

# a_ij · a_ji may differ from 1 by this much: judgments typed as three-decimal reciprocals
# (0.333 for 1/3, 0.143 for 1/7) pass, two-decimal ones (0.33, 0.14) do not.
RECIPROCAL_TOLERANCE = 5e-3

# Pearson correlations this close to ±1 are taken as exactly ±1, so that perfectly correlated
# indicators get exactly the CRITIC information of the formula rather than rounding noise.
_CORRELATION_SNAP = 1e-12


@dataclass(frozen=True, eq=False)
class AhpResult:
    """Outcome of :func:`ahp_weights`.

    ``weights`` (read-only) sums to 1; ``lambda_max`` is the principal eigenvalue (or its
    estimate, for the approximate methods); ``ci = (λmax − n)/(n − 1)``; ``ri`` is the random
    index of the chosen table for this n; ``cr = ci/ri`` (0 when n ≤ 2). Compared by identity:
    it holds an array.
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    ri: float
    cr: float


def ahp_weights(
    pairwise: ArrayLike, *, method: str = "eigenvector", ri: str = "saaty"
) -> AhpResult:
    """Weights from an AHP pairwise-comparison matrix (层次分析法), with its consistency check.

    ``pairwise`` is a positive reciprocal n × n matrix, a_ij the importance of indicator i
    over j (Saaty's 1–9 scale) and a_ji = 1/a_ij (within ``RECIPROCAL_TOLERANCE``).

    Methods, for A w ≈ λ w:

    - ``"eigenvector"`` (特征根法): w is the principal (Perron) eigenvector of A, scaled to
      sum 1, and λmax its eigenvalue — Saaty's method.
    - ``"arithmetic"`` (和积法): normalize each column to sum 1, then average across each row:
      w_i = (1/n) Σ_j a_ij / Σ_k a_kj.
    - ``"geometric"`` (方根法, row geometric mean): w_i ∝ (Π_j a_ij)^(1/n), scaled to sum 1
      (Crawford & Williams, J. Math. Psychology 29, 1985, 387–405).

    For the two approximate methods λmax = (1/n) Σ_i (A w)_i / w_i. Then
    CI = (λmax − n)/(n − 1), CR = CI/RI(n) with RI from the table named by ``ri``
    (``"saaty"``, ``"chinese"`` or ``"tummala_ling"``; see ``RANDOM_INDEX``). For n ≤ 2 every
    reciprocal matrix is consistent and RI = 0: CR is 0. A judgment is usually accepted when
    CR < 0.1. For a perfectly consistent matrix (a_ij = w_i/w_j) every method returns w
    exactly and CR = 0.

    Source: T. L. Saaty, "A scaling method for priorities in hierarchical structures",
    J. Math. Psychology 15(3), 1977, 234–281; T. L. Saaty, *The Analytic Hierarchy Process*
    (McGraw-Hill, 1980).

    Raises ``EngineError`` for a matrix that is not square, has a non-finite or non-positive
    entry, is not reciprocal, or is larger than the RI table (15 × 15); and for an unknown
    ``method`` or ``ri``.
    """
    choice(method, AHP_METHODS, name="method")
    table = RANDOM_INDEX[choice(ri, tuple(RANDOM_INDEX), name="ri")]
    matrix = _reciprocal_matrix(pairwise, len(table))
    n = matrix.shape[0]
    if method == "eigenvector":
        weights, lambda_max = _principal_eigenvector(matrix)
    else:
        if method == "arithmetic":
            weights = (matrix / matrix.sum(axis=0)).mean(axis=1)
        else:
            weights = np.exp(np.log(matrix).mean(axis=1))
        weights = weights / weights.sum()
        lambda_max = float(np.mean(matrix @ weights / weights))
    # λmax ≥ n for every positive reciprocal matrix (Saaty 1977, theorem 1); below n only by
    # rounding, which would show a consistent judgment's CI and CR as -0.000000
    lambda_max = max(float(lambda_max), float(n))
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    random_index = table[n - 1]
    cr = ci / random_index if n > 2 else 0.0
    weights.setflags(write=False)
    return AhpResult(weights=weights, lambda_max=lambda_max, ci=ci, ri=random_index, cr=cr)


def entropy_weights(
    matrix: ArrayLike,
    directions: ArrayLike,
    *,
    variant: str = "minmax",
    shift: tuple[float, float] = (0.998, 0.002),
) -> FloatArray:
    """Weights by the entropy method (熵权法) for a units × indicators matrix.

    With m units (rows), each column j becomes proportions p_ij = y_ij / Σ_i y_ij of
    non-negative values y, where y depends on ``variant``:

    - ``"raw"``: y = x, the raw data, which must then be non-negative (direction plays no part);
    - ``"minmax"``: y = x', the direction-aware min-max standardization of
      ``normalize(matrix, "minmax", directions)`` (benefit (x − min)/(max − min), cost
      (max − x)/(max − min));
    - ``"shifted"``: y = a·x' + b with (a, b) = ``shift``, default (0.998, 0.002), which keeps
      every p above 0 and so avoids ln 0 (a > 0, b ≥ 0).

    Then, taking p ln p = 0 at p = 0,

        e_j = −k Σ_i p_ij ln p_ij   with k = 1/ln m,
        d_j = 1 − e_j               (degree of divergence),
        w_j = d_j / Σ_k d_k.

    A column whose p are all equal (a constant column; an all-zero raw column) has e_j = 1 and
    gets weight exactly 0. When every d_j is 0 — no indicator separates the units — the
    weights are equal, 1/n each, rather than undefined. Weights do not change when a column
    is multiplied by a positive number.

    Source: C.-L. Hwang & K. Yoon, *Multiple Attribute Decision Making* (Springer, 1981), the
    entropy method for objective weights; worked example: X. Xu, "A note on the subjective
    and objective integrated approach to determine attribute weights", European Journal of
    Operational Research 156(2), 2004, 530–532.

    Needs at least two units and one indicator, all values finite; raises ``EngineError``
    otherwise, for negative raw data, and for an unknown ``variant`` or a bad ``shift``.
    """
    data, signs = _units_by_indicators(matrix, directions, method="the entropy method")
    choice(variant, ENTROPY_VARIANTS, name="variant")
    if variant == "raw":
        if np.any(data < 0):
            raise EngineError("the raw entropy variant needs non-negative data; "
                              "use variant='minmax' or 'shifted' for data with negative values")
        values = data
    else:
        values = normalize(data, "minmax", signs)
        if variant == "shifted":
            scale, offset = _shift(shift)
            values = scale * values + offset
    totals = values.sum(axis=0)
    proportions = np.where(totals > 0, values / np.where(totals > 0, totals, 1.0),
                           1.0 / data.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(proportions > 0, proportions * np.log(proportions), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(data.shape[0])
    divergence = np.maximum(1.0 - entropy, 0.0)
    uniform = np.all(proportions == proportions[0], axis=0)
    return _share(np.where(uniform, 0.0, divergence))


def critic_weights(matrix: ArrayLike, directions: ArrayLike) -> FloatArray:
    """Weights by CRITIC (CRiteria Importance Through Intercriteria Correlation).

    Each column is min-max standardized with its direction, x' = ``normalize(matrix,
    "minmax", directions)``; then

        σ_j  = standard deviation of x'_j,
        r_jk = Pearson correlation of x'_j and x'_k,
        C_j  = σ_j Σ_k (1 − r_jk)   (information carried by indicator j),
        w_j  = C_j / Σ_k C_k.

    σ is the sample standard deviation (ddof = 1), as in the original paper. The choice does
    not change the weights: every σ_j scales by the same √(m/(m − 1)), which cancels in w.

    A constant column has no variance and its correlation is undefined: it is given σ = 0 and
    r = 0 with every column, so its C is 0 and it gets weight 0 (each other column's C still
    counts it, as 1 − 0, among the columns it does not duplicate).
    When every C_j is 0 — one indicator, only constant columns, or columns all perfectly
    correlated — the weights are equal, 1/n each. Correlations within 1e-12 of ±1 are taken
    as ±1. Weights do not change when a column is multiplied by a positive number or the
    units are reordered.

    Source: D. Diakoulaki, G. Mavrotas & L. Papayannakis, "Determining objective weights in
    multiple criteria problems: the CRITIC method", Computers & Operations Research 22(7),
    1995, 763–770.

    Needs at least two units and one indicator, all values finite; raises ``EngineError``
    otherwise.
    """
    data, signs = _units_by_indicators(matrix, directions, method="CRITIC")
    standardized = normalize(data, "minmax", signs)
    deviation = standardized.std(axis=0, ddof=1)
    centred = standardized - standardized.mean(axis=0)
    norms = np.sqrt((centred * centred).sum(axis=0))
    varying = norms > 0
    safe = np.where(varying, norms, 1.0)
    correlation = np.clip((centred.T @ centred) / np.outer(safe, safe), -1.0, 1.0)
    correlation = np.where(np.abs(np.abs(correlation) - 1.0) <= _CORRELATION_SNAP,
                           np.sign(correlation), correlation)
    correlation = np.where(np.outer(varying, varying), correlation, 0.0)
    np.fill_diagonal(correlation, np.where(varying, 1.0, 0.0))
    deviation = np.where(varying, deviation, 0.0)
    information = deviation * (1.0 - correlation).sum(axis=1)
    return _share(information)


def _reciprocal_matrix(pairwise: ArrayLike, largest: int) -> FloatArray:
    matrix = as_matrix(pairwise, name="pairwise")
    rows, columns = matrix.shape
    if rows != columns:
        raise EngineError(f"the pairwise matrix must be square, got shape {matrix.shape}")
    if rows == 0:
        raise EngineError("the pairwise matrix must compare at least one indicator")
    if rows > largest:
        raise EngineError(f"the random-index table stops at n = {largest}; "
                          f"a {rows} × {rows} pairwise matrix has no consistency ratio")
    if not np.all(np.isfinite(matrix)) or np.any(matrix <= 0):
        raise EngineError("every pairwise comparison must be a positive finite number")
    deviation = np.abs(matrix * matrix.T - 1.0)
    if np.any(deviation > RECIPROCAL_TOLERANCE):
        i, j = np.unravel_index(int(np.argmax(deviation)), deviation.shape)
        raise EngineError(
            f"the pairwise matrix must be reciprocal (a_ji = 1/a_ij, a_ii = 1): "
            f"a[{i}][{j}] = {matrix[i, j]:g} but a[{j}][{i}] = {matrix[j, i]:g}")
    return matrix


def _principal_eigenvector(matrix: FloatArray) -> tuple[FloatArray, float]:
    # For a positive matrix the Perron root is real and the largest in modulus, hence also the
    # eigenvalue with the largest real part; its eigenvector has entries of a single sign.
    values, vectors = np.linalg.eig(matrix)
    principal = int(np.argmax(values.real))
    vector = np.abs(vectors[:, principal].real)
    return vector / vector.sum(), float(values[principal].real)


def _units_by_indicators(matrix: ArrayLike, directions: ArrayLike,
                         *, method: str) -> tuple[FloatArray, FloatArray]:
    data = as_matrix(matrix)
    signs = as_directions(directions, data.shape[1])
    if data.shape[0] < 2:
        raise EngineError(f"{method} needs at least two units (rows), got {data.shape[0]}")
    if data.shape[1] < 1:
        raise EngineError(f"{method} needs at least one indicator (column)")
    if not np.all(np.isfinite(data)):
        raise EngineError(f"{method} needs finite values: fill or drop missing data first")
    return data, signs


def _shift(shift: tuple[float, float]) -> tuple[float, float]:
    pair = np.asarray(shift, dtype=np.float64)
    if pair.shape != (2,) or not np.all(np.isfinite(pair)) or pair[0] <= 0 or pair[1] < 0:
        raise EngineError(f"shift must be two numbers (a, b) with a > 0 and b >= 0; got {shift!r}")
    return float(pair[0]), float(pair[1])


def _share(amounts: FloatArray) -> FloatArray:
    """``amounts`` scaled to sum 1; equal shares when they are all 0."""
    total = amounts.sum()
    if total <= 0:
        return np.full(amounts.shape, 1.0 / amounts.shape[0])
    result: FloatArray = amounts / total
    return result


__all__ = ["AHP_METHODS", "ENTROPY_VARIANTS", "RANDOM_INDEX", "AhpResult", "ahp_weights",
           "critic_weights", "entropy_weights"]
