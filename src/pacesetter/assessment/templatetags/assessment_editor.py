"""Template helpers of the plan editor: who may create plans, and a scoring rule in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from pacesetter.assessment.editor_forms import (
    AHP_METHOD_LABELS,
    ENTROPY_VARIANT_LABELS,
    RI_LABELS,
)
from pacesetter.assessment.models import RuleKind
from pacesetter.orgs import scope

register = template.Library()


@register.filter
def manages_units(user: Any) -> bool:
    """Whether the user administers some unit, and so may create plans for it."""
    return scope.is_manager(user)


@register.filter
def derivation_label(name: str) -> str:
    """The name of a stored AHP derivation method or random-index table."""
    return str({**AHP_METHOD_LABELS, **RI_LABELS, **ENTROPY_VARIANT_LABELS}.get(name, name))


def _n(value: Any) -> str:
    return f"{float(value):g}" if isinstance(value, (int, float)) else str(value)


@register.filter
def rule_text(entry: Any) -> str:
    """The rule of an indicator or of a plan's indicator in words, e.g. "≥ 95 → 100; ≥ 90 →
    85" for bands; the bands are read best first, as ``scoring`` applies them."""
    kind, rule = entry.rule_kind, entry.rule or {}
    direction = getattr(entry, "direction", None)
    if direction is None:
        direction = entry.indicator.direction
    if kind == RuleKind.NORMALIZE:
        method = rule.get("method")
        if method == "target":
            return _("Normalized: ratio to target %(target)s") % {"target": _n(rule["target"])}
        if method == "efficacy":
            return _("Efficacy coefficient: 60 points at %(low)s, 100 at %(high)s") % {
                "low": _n(rule["unacceptable"]), "high": _n(rule["satisfactory"])}
        return _("Normalized: min–max")
    if kind == RuleKind.BANDS:
        sign = "≥" if direction > 0 else "≤"
        bands = sorted(rule.get("bands", []), key=lambda band: band[0], reverse=direction > 0)
        return "; ".join(f"{sign} {_n(t)} → {_n(p)}" for t, p in bands)
    if kind == RuleKind.TARGET:
        return _("Ratio to target %(target)s, capped at %(cap)s") % {
            "target": _n(rule["target"]), "cap": _n(rule.get("cap", 1))}
    if kind == RuleKind.RANK:
        return _("By rank: %(points)s; other ranks %(otherwise)s") % {
            "points": ", ".join(_n(p) for p in rule.get("points", [])),
            "otherwise": _n(rule.get("otherwise", 0))}
    if kind == RuleKind.DEDUCTION:
        return _("−%(per)s per occurrence, at most %(cap)s") % {
            "per": _n(rule["per"]), "cap": _n(rule["cap"])}
    if kind == RuleKind.BONUS:
        return _("+%(per)s per occurrence, at most %(cap)s") % {
            "per": _n(rule["per"]), "cap": _n(rule["cap"])}
    if kind == RuleKind.VETO:
        return _("Veto when the value reaches %(at_least)s") % {"at_least": _n(rule["at_least"])}
    return ""
