"""From collected values to totals, ranks and lists: the plan's rules applied with the engine.

Everything here works on whole columns at once (numpy), never unit by unit. Points of the
weighted rules are on a 0–100 scale; a unit's total is

    total = Σ_j (w_j / 100) · points_j + bonus − deduction

with w_j the indicator's weight in percent (the weights of weighted rules sum to 100). A missing
value scores 0 points and adds no bonus or deduction. A vetoed unit (一票否决) keeps its total for
the record but ranks last and is put on the black list, whatever its score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from pacesetter import engine
from pacesetter.assessment.models import WEIGHTED_RULES, ListMark, RuleKind

NORMALIZE_METHODS = ("minmax", "target", "efficacy")
SOURCE_VALUES = "values"
SOURCE_LIST = "list"


class RuleError(ValueError):
    """A rule whose parameters cannot be used; the message is for the user."""


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    rule_kind: str
    rule: dict[str, Any]
    weight: float
    direction: int


@dataclass(frozen=True)
class ListRules:
    red_top_n: int | None = None
    red_top_percent: float | None = None
    black_bottom_n: int | None = None
    black_bottom_percent: float | None = None
    gray_below_score: float | None = None


@dataclass
class ScoreTable:
    points: np.ndarray
    weighted: np.ndarray
    bonus: np.ndarray
    deduction: np.ndarray
    vetoed: np.ndarray
    total: np.ndarray
    rank: np.ndarray
    group_rank: np.ndarray
    list_marks: list[str] = field(default_factory=list)


def _number(rule: dict[str, Any], key: str, *, required: bool = True,
            positive: bool = False) -> float | None:
    value = rule.get(key)
    if value is None:
        if required:
            raise RuleError(_("The rule needs “%(key)s”.") % {"key": key})
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RuleError(_("“%(key)s” must be a number.") % {"key": key})
    if positive and value <= 0:
        raise RuleError(_("“%(key)s” must be greater than 0.") % {"key": key})
    return float(value)


def validate_rule(kind: str, rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's parameters, checked and cleaned; ``RuleError`` names what is wrong.

    - normalize: {"method": "minmax" | "target" | "efficacy", "target", "satisfactory",
      "unacceptable"}
    - bands: {"bands": [[threshold, points], ...]}: the first band the value reaches
      (≥ for higher-is-better, ≤ for lower-is-better, best band first) gives the points
    - target: {"target", "cap" (default 1)}: min(value/target, cap) × 100
    - rank: {"points": [first, second, ...], "otherwise"}: points by rank among the units
    - deduction / bonus: {"per", "cap", "source"}: min(occurrences × per, cap); with
      "source": "list" the occurrences are the unit's confirmed entries of the achievement or
      negative list counted under the item, not a reported figure
    - veto: {"at_least"}: vetoed when the value reaches it (1 for a yes/no indicator)
    """
    if kind not in RuleKind.values:
        raise RuleError(_("Unknown rule “%(kind)s”.") % {"kind": kind})
    if not isinstance(rule, dict):
        raise RuleError(_("The rule parameters must be an object."))
    if kind == RuleKind.NORMALIZE:
        method = rule.get("method")
        if method not in NORMALIZE_METHODS:
            raise RuleError(_("The method must be one of: %(methods)s.")
                            % {"methods": ", ".join(NORMALIZE_METHODS)})
        clean: dict[str, Any] = {"method": method}
        if method == "target":
            clean["target"] = _number(rule, "target", positive=True)
        if method == "efficacy":
            clean["satisfactory"] = _number(rule, "satisfactory")
            clean["unacceptable"] = _number(rule, "unacceptable")
            if clean["satisfactory"] == clean["unacceptable"]:
                raise RuleError(_("The satisfactory and unacceptable values must differ."))
        return clean
    if kind == RuleKind.BANDS:
        bands = rule.get("bands")
        if not isinstance(bands, list) or not bands:
            raise RuleError(_("Give at least one band as [threshold, points]."))
        clean_bands = []
        for band in bands:
            if not isinstance(band, list) or len(band) != 2:
                raise RuleError(_("Each band is [threshold, points]."))
            clean_bands.append([_number({"v": band[0]}, "v"), _number({"v": band[1]}, "v")])
        return {"bands": clean_bands}
    if kind == RuleKind.TARGET:
        return {"target": _number(rule, "target", positive=True),
                "cap": _number(rule, "cap", required=False, positive=True) or 1.0}
    if kind == RuleKind.RANK:
        points = rule.get("points")
        if not isinstance(points, list) or not points:
            raise RuleError(_("Give the points for the first ranks as a list."))
        return {"points": [_number({"v": p}, "v") for p in points],
                "otherwise": _number(rule, "otherwise", required=False) or 0.0}
    if kind in (RuleKind.DEDUCTION, RuleKind.BONUS):
        clean = {"per": _number(rule, "per", positive=True),
                 "cap": _number(rule, "cap", positive=True)}
        source = rule.get("source", SOURCE_VALUES)
        if source not in (SOURCE_VALUES, SOURCE_LIST):
            raise RuleError(_("“source” must be “%(values)s” or “%(list)s”.")
                            % {"values": SOURCE_VALUES, "list": SOURCE_LIST})
        if source == SOURCE_LIST:
            clean["source"] = SOURCE_LIST
        return clean
    return {"at_least": _number(rule, "at_least")}


def from_lists(rule_kind: str, rule: dict[str, Any]) -> bool:
    """Whether a bonus or deduction item counts list entries instead of a reported figure."""
    return (rule_kind in (RuleKind.BONUS, RuleKind.DEDUCTION)
            and rule.get("source") == SOURCE_LIST)


def _points(column: np.ndarray, spec: IndicatorSpec) -> np.ndarray:
    """Points 0–100 (efficacy: 60 at unacceptable, 100 at satisfactory) of one weighted rule."""
    rule, kind = spec.rule, spec.rule_kind
    present = ~np.isnan(column)
    result = np.zeros(column.shape[0])
    if not present.any():
        return result
    values = column[present]
    if kind == RuleKind.NORMALIZE:
        method = rule["method"]
        matrix = values.reshape(-1, 1)
        if method == "minmax":
            scored = engine.normalize(matrix, "minmax", [spec.direction])[:, 0] * 100
        elif method == "target":
            scored = engine.normalize(matrix, "target", [spec.direction],
                                      targets=[rule["target"]])[:, 0] * 100
        else:
            scored = engine.normalize(matrix, "efficacy", [spec.direction],
                                      satisfactory=[rule["satisfactory"]],
                                      unacceptable=[rule["unacceptable"]])[:, 0]
    elif kind == RuleKind.TARGET:
        scored = _target_points(values, rule["target"], rule["cap"], spec.direction)
    elif kind == RuleKind.BANDS:
        scored = _banded(values, rule["bands"], spec.direction)
    else:
        ranks = engine.rank(values, descending=spec.direction > 0)
        table = np.asarray(rule["points"], dtype=float)
        scored = np.where(ranks <= table.shape[0], table[np.minimum(ranks, table.shape[0]) - 1],
                          rule["otherwise"])
    result[present] = scored
    return result


def _target_points(values: np.ndarray, target: float, cap: float, direction: int) -> np.ndarray:
    """min(value/target, cap) × 100, or min(target/value, cap) × 100 when lower is better (a
    value of 0 or less then reaches the cap). The cap may exceed 1 to reward over-achievement,
    which is why this is not the engine's target normalization (capped at 1)."""
    if direction > 0:
        ratio = values / target
    else:
        ratio = np.where(values <= 0, cap, target / np.where(values <= 0, 1.0, values))
    return np.minimum(ratio, cap) * 100


def _banded(values: np.ndarray, bands: list[list[float]], direction: int) -> np.ndarray:
    ordered = sorted(bands, key=lambda band: band[0], reverse=direction > 0)
    scored = np.zeros(values.shape[0])
    decided = np.zeros(values.shape[0], dtype=bool)
    for threshold, points in ordered:
        reached = (values >= threshold) if direction > 0 else (values <= threshold)
        scored[reached & ~decided] = points
        decided |= reached
    return scored


def _list_marks(total: np.ndarray, vetoed: np.ndarray, groups: np.ndarray,
                group_rank: np.ndarray, rules: ListRules) -> list[str]:
    """Red: the top of each group (top N, top x% rounded down, the stricter if both);
    black: the bottom likewise, and every vetoed unit; gray: below the threshold score."""
    _labels, codes, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    size = sizes[codes.reshape(-1)]
    from_bottom = engine.rank_within(np.where(vetoed, -np.inf, total), groups, descending=False)
    red_count = _count(size, rules.red_top_n, rules.red_top_percent)
    black_count = _count(size, rules.black_bottom_n, rules.black_bottom_percent)
    black = vetoed | (from_bottom <= black_count)
    red = ~vetoed & ~black & (group_rank <= red_count)
    gray = np.zeros(total.shape[0], dtype=bool)
    if rules.gray_below_score is not None:
        gray = ~red & ~black & (total < rules.gray_below_score)
    marks = np.full(total.shape[0], ListMark.NONE.value, dtype=object)
    marks[red], marks[black], marks[gray] = ListMark.RED, ListMark.BLACK, ListMark.GRAY
    return [str(mark) for mark in marks]


def _count(size: np.ndarray, top_n: int | None, percent: float | None) -> np.ndarray:
    counts = []
    if top_n is not None:
        counts.append(np.full(size.shape[0], top_n))
    if percent is not None:
        counts.append(np.floor(size * percent / 100).astype(np.int64))
    if not counts:
        return np.zeros(size.shape[0], dtype=np.int64)
    return np.minimum.reduce(counts)


DENSE_SPAN_FACTOR = 8


def positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The index in ``ids`` (unique integers, in any order) of each ``wanted`` id; −1 where
    absent or NaN. How rows read from the database find their place in a plan's matrix.

    Ids packed closely (a plan's units, mostly created together) are looked up in a table
    spanning them, one gather per wanted id; otherwise by binary search, which at 5 million
    figures into 250,000 units costs several times more."""
    if ids.shape[0] == 0:
        return np.full(wanted.shape[0], -1, dtype=np.int64)
    low = ids.min()
    span = int(ids.max() - low) + 1
    if span <= DENSE_SPAN_FACTOR * ids.shape[0]:
        table = np.full(span, -1, dtype=np.int64)
        table[(ids - low).astype(np.int64)] = np.arange(ids.shape[0])
        offset = wanted - low
        inside = np.flatnonzero((offset >= 0) & (offset < span) & (offset == np.floor(offset)))
        found = np.full(wanted.shape[0], -1, dtype=np.int64)
        found[inside] = table[offset[inside].astype(np.int64)]
        return found
    order = np.argsort(ids, kind="stable")
    found = np.minimum(np.searchsorted(ids[order], wanted), ids.shape[0] - 1)
    return np.where(ids[order][found] == wanted, order[found], -1).astype(np.int64)


def score(values: np.ndarray, specs: list[IndicatorSpec], groups: list[str],
          rules: ListRules) -> ScoreTable:
    """Score every unit (rows of ``values``, NaN where nothing was reported) on every indicator
    (columns, in the order of ``specs``), rank them overall and within ``groups``, and mark the
    red, gray and black lists."""
    units = values.shape[0]
    points = np.zeros((units, len(specs)))
    weighted = np.zeros(units)
    bonus = np.zeros(units)
    deduction = np.zeros(units)
    vetoed = np.zeros(units, dtype=bool)
    for j, spec in enumerate(specs):
        column = values[:, j]
        if spec.rule_kind in WEIGHTED_RULES:
            points[:, j] = _points(column, spec)
            weighted += spec.weight / 100 * points[:, j]
        elif spec.rule_kind in (RuleKind.BONUS, RuleKind.DEDUCTION):
            amount = np.minimum(np.nan_to_num(column, nan=0.0) * spec.rule["per"],
                                spec.rule["cap"])
            points[:, j] = amount
            if spec.rule_kind == RuleKind.BONUS:
                bonus += amount
            else:
                deduction += amount
        else:
            hit = np.nan_to_num(column, nan=-np.inf) >= spec.rule["at_least"]
            points[:, j] = hit
            vetoed |= hit
    total = weighted + bonus - deduction
    keys = np.where(vetoed, -np.inf, total)
    labels = np.asarray(groups, dtype=object).astype(str)
    group_rank = engine.rank_within(keys, labels) if units else np.zeros(0, dtype=np.int64)
    table = ScoreTable(points=points, weighted=weighted, bonus=bonus, deduction=deduction,
                       vetoed=vetoed, total=total,
                       rank=engine.rank(keys) if units else np.zeros(0, dtype=np.int64),
                       group_rank=group_rank)
    table.list_marks = _list_marks(total, vetoed, labels, group_rank, rules) if units else []
    return table
