"""A campaign's results: satisfaction indexes per unit, aspect and item with 95% intervals,
rankings within levels or peer groups, bottom-N flags, breakdowns by respondent attribute.

The scoring rules are the campaign's data (``Campaign.scoring``):

* each option's share of its item's weight, from the questionnaire, overridden per option value
  by ``shares`` (``{"jbmy": 0.75, "bly": null}``: null makes the answer not a valid ballot);
* a ballot is valid when it answers at least ``min_answered`` (a share, default: any) of the
  rating items validly;
* an item's weight is its share within its aspect times the aspect's weight;
* with ``channels`` (``{"phone": 6, "web": 4}``) each channel's index is computed alone and the
  unit's index is their weighted mean over the channels that reached it.

The statistics are ``pacesetter.engine.satisfaction_index`` (item means first, delta-method
intervals) and ``rank_intervals`` (simulated rank intervals, and whether a unit is significantly
below the others of its group: bottom-N should send inspectors on evidence, not on noise).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import engine
from pacesetter.surveys import selectors
from pacesetter.surveys.models import Campaign, Item, ItemKind, Section

Z95 = 1.959963984540054


@dataclass
class ItemInfo:
    code: str
    label: str
    aspect: int
    weight: float


@dataclass
class TargetRow:
    target_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    unit_path: str
    group: str
    responses: int
    valid: int
    quota: int
    index: float | None
    low: float | None
    high: float | None
    rank: int
    group_size: int
    rank_low: int
    rank_high: int
    p_bottom: float
    bottom: bool
    significant: bool
    aspects: list[float | None] = field(default_factory=list)
    items: list[float | None] = field(default_factory=list)


@dataclass
class Breakdown:
    item_code: str
    label: str
    rows: list[dict[str, Any]]


@dataclass
class CampaignResults:
    campaign_id: int
    computed_at: str
    responses: int
    valid: int
    index: float | None
    low: float | None
    high: float | None
    aspects: list[dict[str, Any]]
    items: list[ItemInfo]
    targets: list[TargetRow]
    breakdowns: list[Breakdown]
    groups: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _share_table(item: Item, overrides: dict[str, Any]) -> np.ndarray:
    """Answer byte → share of the item's weight (NaN: no answer or not a valid ballot)."""
    table = np.full(256, np.nan)
    for position, option in enumerate(item.options.all()):
        share = overrides.get(option.code, option.share) if option.code in overrides \
            else option.share
        table[position + 1] = np.nan if share is None else float(share)
    return table


def _rating_layout(single: list[Item], sections: list[Section]
                   ) -> tuple[list[int], list[Item], np.ndarray, np.ndarray]:
    """The rating items (their answer columns), each one's aspect and effective weight: its
    share of its aspect's item weights times the aspect's share of the aspect weights."""
    columns = [i for i, item in enumerate(single) if item.kind == ItemKind.RATING
               and not item.is_attribute]
    rated = [single[i] for i in columns]
    section_index = {s.pk: n for n, s in enumerate(sections)}
    aspects = np.array([section_index.get(item.section_id, len(sections)) for item in rated],
                       dtype=np.int64)
    weights = np.array([item.weight for item in rated], dtype=np.float64)
    aspect_weights = np.array([s.weight for s in sections] + [1.0])
    effective = np.zeros(len(rated))
    for aspect in np.unique(aspects):
        members = aspects == aspect
        total = weights[members].sum()
        if total > 0:
            effective[members] = weights[members] / total * aspect_weights[aspect]
    return columns, rated, aspects, effective


def _valid_rows(shares: np.ndarray, min_answered: float) -> np.ndarray:
    answered = (~np.isnan(shares)).sum(axis=1)
    needed = max(1, math.ceil(min_answered * shares.shape[1]))
    return answered >= needed


def _channel_index(shares: np.ndarray, weights: np.ndarray, groups: np.ndarray, n: int,
                   channels: np.ndarray, channel_weights: dict[int, float]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                              engine.SurveyIndex]:
    """(index, low, high, standard error) per group, combined over channels, and the
    all-channel statistics (item means and counts)."""
    overall = engine.satisfaction_index(shares, weights, groups, n)
    if not channel_weights:
        return overall.index, overall.low, overall.high, overall.std_error, overall
    total = np.zeros(n)
    weight_sum = np.zeros(n)
    variance = np.zeros(n)
    parts = []
    for code, weight in channel_weights.items():
        rows = channels == code
        if not rows.any() or weight <= 0:
            continue
        part = engine.satisfaction_index(shares[rows], weights, groups[rows], n)
        has = ~np.isnan(part.index)
        total += np.where(has, part.index * weight, 0)
        weight_sum += np.where(has, weight, 0)
        parts.append((part, weight, has))
    index = np.where(weight_sum > 0, total / np.where(weight_sum > 0, weight_sum, 1), np.nan)
    for part, weight, has in parts:
        share = np.where(weight_sum > 0, weight / np.where(weight_sum > 0, weight_sum, 1), 0)
        variance += np.where(has, (share * np.nan_to_num(part.std_error, nan=0.0)) ** 2, 0)
    se = np.where(np.isnan(index), np.nan, np.sqrt(variance))
    half = Z95 * se
    return index, np.clip(index - half, 0, 100), np.clip(index + half, 0, 100), se, overall


def _ranking_groups(campaign: Campaign, targets: list[Any]) -> list[str]:
    if campaign.peer_by == "peer_group":
        names = []
        for target in targets:
            groups = sorted(g.name for g in target.unit.peer_groups.all())
            names.append(groups[0] if groups else _("Other units"))
        return names
    return [_("Level %(level)d") % {"level": t.unit.level} for t in targets]


def _bottom_n(campaign: Campaign, target: Any, group: str) -> int:
    rules = campaign.bottom_n or {}
    key = group if campaign.peer_by == "peer_group" else str(target.unit.level)
    try:
        return max(0, int(rules.get(key, 0)))
    except (TypeError, ValueError):
        return 0


def compute(campaign: Campaign) -> CampaignResults:
    """Compute the results of ``campaign`` from its included responses."""
    questionnaire = campaign.questionnaire
    sections = list(questionnaire.sections.all())
    single = selectors.single_choice_items(questionnaire)
    scoring = campaign.scoring or {}
    overrides = scoring.get("shares") or {}
    columns, rated, aspects, weights = _rating_layout(single, sections)
    targets = list(campaign.targets.select_related("unit").prefetch_related(
        "unit__peer_groups").order_by("unit__path"))
    position = {t.pk: n for n, t in enumerate(targets)}
    matrix = selectors.response_matrix(campaign, len(single))
    lookup = np.full(max(position, default=0) + 2, -1, dtype=np.int64)
    for pk, n in position.items():
        lookup[pk] = n
    groups = lookup[np.clip(matrix.target_ids, 0, len(lookup) - 1)]
    shares = np.empty((len(groups), len(rated)))
    for j, (column, item) in enumerate(zip(columns, rated, strict=True)):
        shares[:, j] = _share_table(item, overrides)[matrix.choices[:, column]]
    valid = _valid_rows(shares, float(scoring.get("min_answered") or 0)) & (groups >= 0) \
        if len(rated) else np.zeros(len(groups), bool)
    received = np.bincount(groups[groups >= 0], minlength=len(targets))
    n = len(targets)
    channel_weights = {selectors.CHANNEL_CODES[c]: float(w)
                       for c, w in (scoring.get("channels") or {}).items()
                       if c in selectors.CHANNEL_CODES}
    if len(rated):
        index, low, high, se, stats = _channel_index(
            shares[valid], weights, groups[valid], n, matrix.channels[valid], channel_weights)
        aspect_values = engine.aspect_indexes(stats.item_means, stats.item_counts, aspects,
                                              weights, len(sections) + 1)
    else:
        index = low = high = se = np.full(n, np.nan)
        stats = None
        aspect_values = np.full((n, len(sections) + 1), np.nan)
    labels = _ranking_groups(campaign, targets)
    rows = _rank_rows(campaign, targets, labels, index, se)
    table = []
    for k, target in enumerate(targets):
        rank = rows[k]
        table.append(TargetRow(
            target_id=target.pk, unit_id=target.unit_id, unit_code=target.unit.code,
            unit_name=target.unit.name, unit_path=target.unit.path, group=labels[k],
            responses=int(received[k]), valid=int(stats.responses[k]) if stats else 0,
            quota=target.quota, index=_clean(index[k]), low=_clean(low[k]),
            high=_clean(high[k]), **rank,
            aspects=[_clean(v) for v in aspect_values[k][:len(sections)]],
            items=[_clean(v) for v in (stats.item_means[k] if stats else [])]))
    overall = (engine.satisfaction_index(shares[valid], weights, np.zeros(valid.sum(), int), 1)
               if len(rated) else None)
    return CampaignResults(
        campaign_id=campaign.pk, computed_at=timezone.now().isoformat(),
        responses=int(received.sum()), valid=int(valid.sum()),
        index=_clean(overall.index[0]) if overall else None,
        low=_clean(overall.low[0]) if overall else None,
        high=_clean(overall.high[0]) if overall else None,
        aspects=[{"code": s.code, "title": s.title, "weight": s.weight} for s in sections],
        items=[ItemInfo(i.code, i.label, int(a), round(float(w), 6))
               for i, a, w in zip(rated, aspects, weights, strict=True)],
        targets=table, breakdowns=_breakdowns(single, shares, valid, weights, matrix),
        groups=sorted(set(labels)))


def _rank_rows(campaign: Campaign, targets: list[Any], labels: list[str], index: np.ndarray,
               se: np.ndarray) -> list[dict[str, Any]]:
    """Rank, rank interval and bottom-N flags of each target within its ranking group."""
    rows: list[dict[str, Any]] = [
        {"rank": 0, "group_size": 0, "rank_low": 0, "rank_high": 0, "p_bottom": 0.0,
         "bottom": False, "significant": False} for _t in targets]
    for label in sorted(set(labels)):
        members = [k for k, g in enumerate(labels) if g == label]
        bottom = _bottom_n(campaign, targets[members[0]], label)
        ranks = engine.rank_intervals(index[members], se[members], np.zeros(len(members), int),
                                      bottom=bottom, seed=campaign.pk)
        for j, k in enumerate(members):
            size = int(ranks.group_size[j])
            rank = int(ranks.rank[j])
            rows[k] = {
                "rank": rank, "group_size": size, "rank_low": int(ranks.low[j]),
                "rank_high": int(ranks.high[j]), "p_bottom": round(float(ranks.p_bottom[j]), 3),
                "bottom": bool(bottom and rank and rank > size - bottom),
                "significant": bool(ranks.significantly_low[j])}
    return rows


def _breakdowns(single: list[Item], shares: np.ndarray, valid: np.ndarray,
                weights: np.ndarray, matrix: selectors.ResponseMatrix) -> list[Breakdown]:
    """The overall index by each respondent attribute's answers (age band, occupation…)."""
    found = []
    if not shares.shape[1]:
        return found
    for column, item in enumerate(single):
        if not item.is_attribute:
            continue
        options = list(item.options.all())
        answer = matrix.choices[valid, column].astype(np.int64)
        stats = engine.satisfaction_index(shares[valid], weights, answer, len(options) + 1)
        rows = [{"label": option.label, "responses": int(stats.responses[p + 1]),
                 "index": _clean(stats.index[p + 1]), "low": _clean(stats.low[p + 1]),
                 "high": _clean(stats.high[p + 1])} for p, option in enumerate(options)]
        rows.append({"label": _("Not answered"), "responses": int(stats.responses[0]),
                     "index": _clean(stats.index[0]), "low": _clean(stats.low[0]),
                     "high": _clean(stats.high[0])})
        found.append(Breakdown(item.code, item.label, rows))
    return found
