"""Roadshow scoring, pure: a judge's score checked against the rubric and the grade quotas,
and the panel's result for each presentation.

The result of a presentation (路演评审得分):

    result = Σ_g w_g · TM_g / Σ_g w_g, over the judge groups g that scored it,

where TM_g is the trimmed mean (``pacesetter.engine.trimmed_mean``: drop the ``drop_highest``
highest and ``drop_lowest`` lowest totals of the group's judges, the panel convention
去掉最高分和最低分, and average the rest; the plain mean when too few scored to drop any) and
w_g the group's weight (e.g. leaders 50%, department heads 30%, staff representatives 20%). A
single group (no weights set) is the plain panel trimmed mean. Judges excluded for a conflict
of interest have no score, so they neither count nor are dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pacesetter import engine


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    maximum: float


def criteria_of(rubric: Sequence[Mapping[str, Any]]) -> list[Criterion]:
    return [Criterion(str(c["code"]), str(c["name"]), float(c["max"])) for c in rubric]


#: A criterion's code: it names form fields and keys of the points, so letters, digits, - and _.
CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def rubric_problems(rubric: Sequence[Mapping[str, Any]]) -> list[str]:
    """What is wrong with a rubric (criteria with names and positive maximum points),
    as untranslated keys for the service to word."""
    problems = []
    if not rubric:
        problems.append("empty")
    codes = [str(c.get("code", "")) for c in rubric]
    if len(set(codes)) != len(codes) or not all(CODE.fullmatch(code) for code in codes):
        problems.append("codes")
    for criterion in rubric:
        maximum = criterion.get("max")
        if not str(criterion.get("name", "")).strip():
            problems.append("name")
        if not isinstance(maximum, int | float) or not 0 < maximum <= 1000:
            problems.append("max")
    return sorted(set(problems))


def points_problems(criteria: Sequence[Criterion], points: Mapping[str, Any]
                    ) -> dict[str, float | None]:
    """The criteria whose points are missing, not numbers, or outside 0…max: code → the
    maximum allowed (None for an unknown criterion)."""
    known = {c.code: c for c in criteria}
    problems: dict[str, float | None] = {code: None for code in points if code not in known}
    for criterion in criteria:
        value = points.get(criterion.code)
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or not 0 <= value <= criterion.maximum):
            problems[criterion.code] = criterion.maximum
    return problems


def total_of(criteria: Sequence[Criterion], points: Mapping[str, float]) -> float:
    return round(sum(float(points[c.code]) for c in criteria), 2)


def quota_exceeded(quotas: Mapping[str, int], grades_given: Sequence[str], grade: str
                   ) -> bool:
    """Whether giving ``grade`` once more breaks its quota (at most ``quotas[grade]`` of it
    among one judge's scores), ``grades_given`` being that judge's other grades."""
    if not grade or grade not in quotas:
        return False
    return sum(1 for given in grades_given if given == grade) + 1 > int(quotas[grade])


@dataclass(frozen=True)
class PanelResult:
    """Per presentation: the result (NaN: not scored), each group's trimmed mean
    (presentations × groups, NaN where the group has not scored), how many judges scored, and
    the rank by result (1 = best, ties share; 0 = not scored)."""

    results: np.ndarray
    group_means: np.ndarray
    counts: np.ndarray
    ranks: np.ndarray


def panel_results(totals: Any, judge_groups: Sequence[int], group_weights: Sequence[float],
                  *, drop_highest: int = 1, drop_lowest: int = 1) -> PanelResult:
    """``totals``: presentations × judges, NaN where a judge has not scored (or may not);
    ``judge_groups``: each judge's group index into ``group_weights``."""
    scores = np.asarray(totals, dtype=np.float64).reshape(-1, len(judge_groups))
    groups = np.asarray(judge_groups, dtype=np.int64)
    weights = np.asarray(group_weights, dtype=np.float64)
    means = np.full((scores.shape[0], weights.size), np.nan)
    for g in range(weights.size):
        columns = scores[:, groups == g]
        if columns.shape[1]:
            means[:, g] = engine.trimmed_mean(columns, drop_highest=drop_highest,
                                              drop_lowest=drop_lowest)
    scored = ~np.isnan(means)
    weight_sum = np.sum(np.where(scored, weights, 0.0), axis=1)
    weighted = np.sum(np.where(scored, means, 0.0) * weights, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        results = np.where(weight_sum > 0, weighted / np.where(weight_sum > 0, weight_sum, 1),
                           np.nan)
    results = np.round(results, 4)
    ranks = np.zeros(results.size, dtype=np.int64)
    have = ~np.isnan(results)
    if have.any():
        ranks[have] = engine.rank(results[have])
    return PanelResult(results=results, group_means=means,
                       counts=np.sum(~np.isnan(scores), axis=1), ranks=ranks)
