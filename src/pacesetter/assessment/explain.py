"""A unit's result explained in words and numbers, from what scoring stored.

Nothing is scored again here: the points come from ``UnitResult.breakdown`` and the words from
the plan's rules, so the page shows exactly the numbers that were published. The semantics
follow ``pacesetter.assessment.scoring``:

    total = Σ_j (w_j / 100) · points_j + bonus − deduction
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from pacesetter.assessment.models import WEIGHTED_RULES, DataType, RuleKind

CENTS = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
LIST_SOURCE = "list"  # a bonus or deduction that counts list entries (scoring.SOURCE_LIST)


def number_words(value: Any) -> str:
    """A number as a person writes it: 95.0 → "95", 0.50 → "0.5", 1000000 → "1000000"."""
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text


def two_places(value: Any) -> str:
    """A score to two decimals, rounded half up as people round."""
    return str(Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP))


def score_text(value: Any) -> str:
    """A score with the four decimals it is stored with, trailing zeros dropped down to two:
    83.2050 → "83.205", 84.2 → "84.20". Nothing is rounded away, so shown sums add up."""
    exact = Decimal(str(value)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP) + 0
    cents = exact.quantize(CENTS)
    return f"{cents if cents == exact else exact.normalize():f}"


def _bands_words(bands: Sequence[Sequence[float]], direction: int) -> str:
    higher = direction > 0
    ordered = sorted(bands, key=lambda band: band[0], reverse=higher)
    sign = "≥" if higher else "≤"
    steps = ", ".join(f"{sign}{number_words(t)} → {number_words(p)}" for t, p in ordered)
    return _("Bands: %(steps)s; a value beyond every band scores 0") % {"steps": steps}


def rule_words(rule_kind: str, rule: dict[str, Any], direction: int,
               data_type: str = DataType.NUMBER) -> str:
    """The scoring rule in plain words, with its parameters, as ``scoring`` applies it."""
    higher = direction > 0
    if rule_kind == RuleKind.NORMALIZE:
        method = rule.get("method")
        if method == "minmax":
            if higher:
                return _("Min–max normalization over the assessed units, higher is better: "
                         "(x − min) / (max − min) × 100")
            return _("Min–max normalization over the assessed units, lower is better: "
                     "(max − x) / (max − min) × 100")
        if method == "target":
            target = number_words(rule["target"])
            if higher:
                return _("Ratio to the target %(target)s, higher is better, capped at 1: "
                         "min(x / %(target)s, 1) × 100") % {"target": target}
            return _("Ratio to the target %(target)s, lower is better, capped at 1: "
                     "min(%(target)s / x, 1) × 100") % {"target": target}
        if method == "efficacy":
            return _("Efficacy coefficient: 60 + 40 × (x − %(unacceptable)s) / "
                     "(%(satisfactory)s − %(unacceptable)s); the satisfactory value "
                     "%(satisfactory)s scores 100, the unacceptable value %(unacceptable)s "
                     "scores 60, not capped") % {
                "satisfactory": number_words(rule["satisfactory"]),
                "unacceptable": number_words(rule["unacceptable"])}
        return _("Normalization (%(method)s)") % {"method": method}
    if rule_kind == RuleKind.BANDS:
        return _bands_words(rule["bands"], direction)
    if rule_kind == RuleKind.TARGET:
        values = {"target": number_words(rule["target"]), "cap": number_words(rule["cap"])}
        if higher:
            return _("Ratio to the target %(target)s with a cap of %(cap)s: "
                     "min(x / %(target)s, %(cap)s) × 100") % values
        return _("Ratio to the target %(target)s, lower is better, with a cap of %(cap)s: "
                 "min(%(target)s / x, %(cap)s) × 100") % values
    if rule_kind == RuleKind.RANK:
        steps = ", ".join(_("rank %(rank)d → %(points)s") % {"rank": i,
                                                              "points": number_words(p)}
                          for i, p in enumerate(rule["points"], start=1))
        order = _("highest value first") if higher else _("lowest value first")
        return _("Points by rank among the assessed units (%(order)s): %(steps)s; "
                 "any other rank → %(otherwise)s") % {
            "order": order, "steps": steps, "otherwise": number_words(rule["otherwise"])}
    if rule_kind in (RuleKind.BONUS, RuleKind.DEDUCTION):
        values = {"per": number_words(rule["per"]), "cap": number_words(rule["cap"])}
        from_list = rule.get("source") == LIST_SOURCE
        if rule_kind == RuleKind.BONUS:
            if from_list:
                return _("Bonus of %(per)s per confirmed entry of the achievement list, "
                         "at most %(cap)s") % values
            return _("Bonus of %(per)s per occurrence, at most %(cap)s") % values
        if from_list:
            return _("Deduction of %(per)s per confirmed entry of the negative list, "
                     "at most %(cap)s") % values
        return _("Deduction of %(per)s per occurrence, at most %(cap)s") % values
    if rule_kind == RuleKind.VETO:
        if data_type == DataType.BOOLEAN and rule.get("at_least") == 1:
            return _("Veto when the answer is yes: the unit ranks last and is put on the black "
                     "list whatever its score")
        return _("Veto when the value is at least %(at_least)s: the unit ranks last and is put "
                 "on the black list whatever its score") % {
            "at_least": number_words(rule["at_least"])}
    return rule_kind


def normalized_value(rule_kind: str, rule: dict[str, Any], points: float | None
                     ) -> float | None:
    """The normalized value behind the points where the rule has one: the 0–1 share of a
    min–max or target normalization and the capped ratio of a target rule (points / 100), the
    efficacy score d itself (it is the points); ``None`` for bands, ranks and the rest."""
    if points is None:
        return None
    if rule_kind == RuleKind.NORMALIZE:
        if rule.get("method") == "efficacy":
            return points
        return points / 100
    if rule_kind == RuleKind.TARGET:
        return points / 100
    return None


@dataclass(frozen=True)
class ExplainRow:
    """One indicator of a unit's result; ``points`` is set for weighted rules, ``amount`` for
    bonus and deduction, ``vetoed`` for a veto condition."""

    code: str
    name: str
    unit_of_measure: str
    rule_kind: str
    rule_label: str
    rule_text: str
    raw: float | None
    normalized: float | None
    weight: Decimal | None
    points: float | None
    weighted: Decimal | None
    amount: float | None
    vetoed: bool | None

    @property
    def is_weighted(self) -> bool:
        return self.rule_kind in WEIGHTED_RULES

    @property
    def raw_text(self) -> str:
        return "" if self.raw is None else number_words(self.raw)

    @property
    def amount_text(self) -> str:
        return "" if self.amount is None else score_text(self.amount)


def explain_rows(items: Sequence[Any], weights: dict[str, Any], breakdown: dict[str, Any]
                 ) -> list[ExplainRow]:
    """One row per plan indicator (``items`` in the order scoring used, each with
    ``indicator``, ``rule_kind`` and ``rule``), from the stored breakdown and the weights the
    version was scored with. The weighted contribution is weight / 100 × points."""
    raws: list[float | None] = list(breakdown.get("raw") or [])
    points_list: list[float | None] = list(breakdown.get("points") or [])
    rows = []
    for j, item in enumerate(items):
        indicator = item.indicator
        raw = raws[j] if j < len(raws) else None
        stored = points_list[j] if j < len(points_list) else None
        weighted_rule = item.rule_kind in WEIGHTED_RULES
        weight = Decimal(str(weights.get(indicator.code, "0"))) if weighted_rule else None
        points = (stored or 0.0) if weighted_rule else None
        rows.append(ExplainRow(
            code=indicator.code, name=indicator.name,
            unit_of_measure=indicator.unit_of_measure, rule_kind=item.rule_kind,
            rule_label=str(RuleKind(item.rule_kind).label),
            rule_text=rule_words(item.rule_kind, item.rule, indicator.direction,
                                 indicator.data_type),
            raw=raw,
            normalized=normalized_value(item.rule_kind, item.rule, stored)
            if raw is not None else None,
            weight=weight, points=points,
            weighted=(weight * Decimal(str(points)) / 100).quantize(FOUR_PLACES)
            if weight is not None and points is not None else None,
            amount=(stored or 0.0) if item.rule_kind in (RuleKind.BONUS, RuleKind.DEDUCTION)
            else None,
            vetoed=bool(stored) if item.rule_kind == RuleKind.VETO else None))
    return rows


def balance_contributions(rows: Sequence[ExplainRow], weighted: Decimal) -> list[ExplainRow]:
    """The rows with their weighted contributions made to add up to ``weighted``, the Σ
    weighted shown below them.

    Each contribution is weight / 100 × points rounded to four places, and rounding many
    terms on their own can leave their sum 0.0001 or so away from the stored sum. The gap is
    closed 0.0001 at a time on the contributions whose rounding moved them furthest the other
    way (largest remainder), at most one step each; a gap wider than rounding explains is left
    for everyone to see."""
    exact = {j: row.weight * Decimal(str(row.points)) / 100 for j, row in enumerate(rows)
             if row.weighted is not None and row.weight is not None and row.points is not None}
    gap = int((weighted - sum((rows[j].weighted for j in exact), Decimal(0))) / FOUR_PLACES)
    movable = [j for j in exact if exact[j]] or list(exact)
    if not gap or abs(gap) > len(movable):
        return list(rows)
    step = FOUR_PLACES if gap > 0 else -FOUR_PLACES
    movable.sort(key=lambda j: (exact[j] - rows[j].weighted) * step, reverse=True)
    moved = set(movable[:abs(gap)])
    return [replace(row, weighted=row.weighted + step) if j in moved else row
            for j, row in enumerate(rows)]


@dataclass(frozen=True)
class TotalTerms:
    """The terms of a unit's total as shown, to four places: weighted + bonus − deduction is
    exactly total."""

    weighted: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal

    @property
    def weighted_text(self) -> str:
        return score_text(self.weighted)

    @property
    def bonus_text(self) -> str:
        return score_text(self.bonus)

    @property
    def deduction_text(self) -> str:
        return score_text(self.deduction)

    @property
    def total_text(self) -> str:
        return score_text(self.total)

    @property
    def formula(self) -> str:
        """"Σ weighted 83.205 + bonus 0.005 − deduction 0.00 = 83.21"."""
        return _("Σ weighted %(weighted)s + bonus %(bonus)s − deduction %(deduction)s = "
                 "%(total)s") % {"weighted": self.weighted_text, "bonus": self.bonus_text,
                                 "deduction": self.deduction_text, "total": self.total_text}


def total_terms(*, bonus: Any, deduction: Any, total: Any) -> TotalTerms:
    """A result's stored total, bonus and deduction as the terms of its total, with
    Σ weighted = total − bonus + deduction.

    Scoring stores the total, Σ weighted, bonus and deduction each rounded to four places on
    its own, so the stored Σ weighted can be 0.0001 away from total − bonus + deduction. Taking
    Σ weighted (a sum of many rounded products anyway) as the difference makes the sum shown
    add up and end on the stored total."""
    four = {name: Decimal(str(value)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
            for name, value in (("bonus", bonus), ("deduction", deduction), ("total", total))}
    return TotalTerms(weighted=four["total"] - four["bonus"] + four["deduction"], **four)

