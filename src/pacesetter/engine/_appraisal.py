"""A cadre's appraisal: several sources combined, rater panels on dimensions under grade quotas,
and the bands of the responsibility index (担当指数) that trigger actions. The index itself is
the total of a plan of cadres (common and individual indicators weighted, a bonus, deductions),
scored like any plan, so it has no formula of its own here.

The practice these follow: the 《党政领导干部考核工作条例》 (2019) has cadres appraised from
several angles (述职, 民主测评 by superiors, peers and subordinates, 个别谈话, the unit's results,
the public's satisfaction), with the grade 优秀 limited to a share of those appraised; how the
sources are weighted, the dimensions rated and the index banded are each organizer's own
rules, so each is a parameter here, never a constant.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pacesetter.engine._rank import trimmed_mean
from pacesetter.engine._types import (
    ArrayLike,
    EngineError,
    FloatArray,
    IntArray,
    as_matrix,
    as_vector,
    choice,
)

MISSING_RULES = ("renormalize", "zero")
QUOTA_ROUNDING = ("floor", "half_up")


@dataclass(frozen=True)
class MultiSourceResult:
    composite: FloatArray  # per cadre; NaN where no source is present
    coverage: FloatArray  # per cadre: the share of the weight whose source is present (0–1)


def multi_source_composite(scores: ArrayLike, weights: ArrayLike, *,
                           missing: str = "renormalize") -> MultiSourceResult:
    """Combine each cadre's sources (述职, superiors, peers, subordinates, the public, the
    unit's result, points, findings…), all on one scale, with the organizer's weights.

    ``scores`` is cadres × sources, NaN where a source has nothing for a cadre.

    - ``"renormalize"``: composite = Σ_present wₛ·xₛ / Σ_present wₛ: a missing source neither
      helps nor hurts, the others carry its weight (a cadre new in post has no public survey).
    - ``"zero"``: composite = Σ wₛ·xₛ / Σ wₛ with a missing source counted as 0: a source the
      cadre had to produce (a self-report not given) costs its whole weight.

    ``coverage`` says how much of the weight stood behind each composite, so that a result
    built on a third of the sources can be shown as such.
    Source: the weighted multi-source appraisal of the 2019 考核条例 (see the module).
    """
    choice(missing, MISSING_RULES, name="missing")
    matrix = as_matrix(scores, name="scores")
    vector = as_vector(weights, name="weights", size=matrix.shape[1])
    if np.any(vector < 0) or not np.any(vector > 0):
        raise EngineError("weights must not be negative, and at least one must be positive")
    present = ~np.isnan(matrix)
    filled = np.where(present, matrix, 0.0)
    weighted = filled @ vector
    covered = present.astype(np.float64) @ vector
    coverage = covered / vector.sum()
    if missing == "zero":
        return MultiSourceResult(weighted / vector.sum(), coverage)
    with np.errstate(invalid="ignore", divide="ignore"):
        composite = np.where(covered > 0, weighted / np.where(covered > 0, covered, 1.0),
                             np.nan)
    return MultiSourceResult(composite, coverage)


def panel_score(ratings: ArrayLike, dimension_weights: ArrayLike, *, drop_highest: int = 0,
                drop_lowest: int = 0) -> FloatArray:
    """A rater panel's score of each cadre (民主测评 on dimensions such as 政治思想, 业务能力,
    工作态度, 工作实绩, 廉洁自律).

    ``ratings`` is raters × cadres × dimensions, in points (the grades already turned into
    points, e.g. 优秀 95, 称职 80, 基本称职 65, 不称职 40), NaN where a rater did not rate.
    Per cadre and dimension the raters' points are averaged (optionally trimmed, the panel
    convention, see ``trimmed_mean``); the dimensions are then weighted:
    score = Σ_d w_d · mean_r(x_rd) / Σ_d w_d. A cadre nobody rated scores NaN.
    """
    data = np.asarray(ratings, dtype=np.float64)
    if data.ndim != 3:
        raise EngineError(f"ratings must be raters × cadres × dimensions, got shape {data.shape}")
    weights = as_vector(dimension_weights, name="dimension_weights", size=data.shape[2])
    if np.any(weights < 0) or not np.any(weights > 0):
        raise EngineError("dimension weights must not be negative, and one must be positive")
    per_dimension = trimmed_mean(data, drop_highest=drop_highest, drop_lowest=drop_lowest,
                                 axis=0)
    return np.asarray(per_dimension @ weights / weights.sum(), dtype=np.float64)


def quota_allowed(share: float, ballot_size: int, *, rounding: str = "floor") -> int:
    """How many of ``ballot_size`` cadres a rater may give a grade limited to ``share`` (e.g.
    at most 15% 优秀): ``"floor"`` ⌊share·n⌋ (never above the share), ``"half_up"``
    ⌊share·n + ½⌋ (the nearest whole number, halves up). The share and the rounding are the
    organizer's rule (the 2019 条例 limits 优秀 to a share; local rules round either way)."""
    choice(rounding, QUOTA_ROUNDING, name="rounding")
    if not 0 <= share <= 1:
        raise EngineError("share must be between 0 and 1")
    if ballot_size < 0:
        raise EngineError("ballot_size must not be negative")
    exact = share * ballot_size
    return math.floor(exact + 0.5) if rounding == "half_up" else math.floor(exact + 1e-9)


def quota_excess(grades: Sequence[str], quotas: Mapping[str, float], *,
                 rounding: str = "floor") -> dict[str, int]:
    """One rater's ballot (a grade per cadre) against the grade quotas: for each limited grade
    given more often than ``quota_allowed`` lets, how many too many. Empty when the ballot
    keeps every quota, so that it can be refused before anything is saved."""
    excess = {}
    for grade, share in quotas.items():
        given = sum(1 for g in grades if g == grade)
        over = given - quota_allowed(share, len(grades), rounding=rounding)
        if over > 0:
            excess[grade] = over
    return excess


def band_of(values: ArrayLike, edges: ArrayLike) -> IntArray:
    """Which band each value falls in, the bands cut at ``edges`` (ascending), each edge
    belonging to the band above it: edges [60, 95] → 0 below 60 (e.g. a warning
    conversation, 提醒谈话), 1 from 60 to below 95, 2 at 95 and above (e.g. priority for
    promotion). The organizer maps the bands to its actions."""
    vector = as_vector(values, name="values")
    cuts = as_vector(edges, name="edges")
    if np.any(np.diff(cuts) <= 0):
        raise EngineError("edges must be strictly ascending")
    if np.isnan(vector).any():
        raise EngineError("values must not be NaN")
    return np.searchsorted(cuts, vector, side="right").astype(np.int64)
