"""Every write of the assessment: plans, weights, collection, scoring, publishing. Each step is
atomic, permitted only to whom it belongs, and audited."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Value
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import bulk, engine
from pacesetter.assessment import access, periods, records, scoring
from pacesetter.assessment.models import (
    WEIGHTED_RULES,
    AreaResult,
    AssessmentPlan,
    Indicator,
    IndicatorValue,
    ListMark,
    Period,
    PlanIndicator,
    PlanStatus,
    PlanUnit,
    ResultVersion,
    SubjectKind,
    Submission,
    SubmissionStatus,
    UnitResult,
    WeightMethod,
)
from pacesetter.assessment.records import collected_count_under as collected_count_under
from pacesetter.assessment.records import list_entry_create as list_entry_create
from pacesetter.assessment.records import list_entry_from_origin as list_entry_from_origin
from pacesetter.assessment.records import tolerance_decide as tolerance_decide
from pacesetter.assessment.selectors import NOT_SUBMITTED, reminder_topic
from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.notifications import selectors as notification_selectors
from pacesetter.notifications.services import Message, notify_each, reminders_record
from pacesetter.orgs import scope
from pacesetter.orgs.models import PeerGroup, Person, Role, RoleGrant, Unit
from pacesetter.orgs.services import full_clean_or_fail, peer_groups_ensure

PLAN_AUDIT_FIELDS = ("name", "series", "period", "status", "weight_method", "red_top_n",
                     "red_top_percent", "black_bottom_n", "black_bottom_percent",
                     "gray_below_score", "assessed_levels", "subject_kind",
                     "assessed_positions")
CR_LIMIT = 0.1
WEIGHT_TOTAL = Decimal("100")
WEIGHT_TOLERANCE = Decimal("0.01")
AHP_PRECISION = Decimal("0.0001")


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})


def _locked(plan: AssessmentPlan) -> AssessmentPlan:
    """The plan re-read under a row lock: its status is decided by what is stored, not by a
    copy the caller may hold."""
    return AssessmentPlan.objects.select_for_update().select_related("owner", "period").get(
        pk=plan.pk)


def _fresh(plan: AssessmentPlan) -> AssessmentPlan:
    """The plan as stored now, without a lock: many reporters save figures at once."""
    return AssessmentPlan.objects.select_related("owner", "period").get(pk=plan.pk)


def _require_status(plan: AssessmentPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        raise Conflict(_("The plan is %(status)s; this step is not possible now.")
                       % {"status": plan.get_status_display()})


def _audit_plan(actor: Any, plan: AssessmentPlan, before: dict[str, Any] | None,
                note: str = "") -> None:
    entry_record(actor=actor, obj=plan, unit_path=plan.owner.path,
                 action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
                 before=before, after=snapshot(plan, PLAN_AUDIT_FIELDS), note=note)


def period_get(*, kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` containing ``day``, created the first time it is needed."""
    start, end, label = periods.bounds(kind, day)
    period, _created = Period.objects.get_or_create(kind=kind, start=start,
                                                    defaults={"end": end, "label": label})
    return period


@transaction.atomic
def indicator_create(*, actor: Any, owner: Unit, code: str, name: str,
                     parent: Indicator | None = None, is_category: bool = False,
                     rule_kind: str = "", rule: dict[str, Any] | None = None,
                     **fields: Any) -> Indicator:
    """Add a category or an indicator to the owner's catalog; its rule is checked."""
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(_("You may not change this unit's indicator catalog."))
    clean_rule: dict[str, Any] = {}
    if not is_category:
        try:
            clean_rule = scoring.validate_rule(rule_kind, rule or {})
        except scoring.RuleError as error:
            raise _fail("rule", str(error)) from None
    indicator = Indicator(owner=owner, code=code.strip(), name=name.strip(), parent=parent,
                          is_category=is_category, rule_kind="" if is_category else rule_kind,
                          rule=clean_rule, **fields)
    full_clean_or_fail(indicator)
    indicator.save()
    entry_record(actor=actor, obj=indicator, action=AuditAction.CREATE, unit_path=owner.path,
                 after={"code": indicator.code, "name": indicator.name,
                        "rule_kind": indicator.rule_kind, "rule": indicator.rule})
    return indicator


INDICATOR_EDIT_FIELDS = ("code", "name", "parent", "unit_of_measure", "direction", "data_type",
                         "min_value", "max_value", "rule_kind", "rule", "description",
                         "sort_order")
INDICATOR_FROZEN_IN_USE = ("code", "direction", "data_type", "min_value", "max_value")


def _check_parent(indicator: Indicator, parent: Indicator | None) -> None:
    if parent is None:
        return
    if not parent.is_category or parent.owner_id != indicator.owner_id:
        raise _fail("parent", _("Choose a category of the same catalog."))
    node: Indicator | None = parent
    while node is not None:
        if node.pk == indicator.pk:
            raise _fail("parent", _("A category cannot be placed inside itself."))
        node = node.parent


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    """Change a catalog entry; only the fields given change (``INDICATOR_EDIT_FIELDS``).

    Editing never changes a plan's rule: a plan copies the rule (and its kind) when it takes
    up the indicator, so a new rule reaches only the plans that take the indicator up later.
    What plans do read from the catalog itself (the code that keys figures and results, the
    direction, the data type and the range figures are checked against) is frozen once a plan
    past its draft uses the indicator, since changing it would alter figures being collected
    or results already scored: such a change is refused with ``Conflict``.
    """
    if not scope.manage_scope(actor).contains(indicator.owner.path):
        raise PermissionDenied(_("You may not change this unit's indicator catalog."))
    unknown = set(changes) - set(INDICATOR_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update() cannot change {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().select_related("owner").get(
        pk=indicator.pk)
    before = snapshot(indicator, INDICATOR_EDIT_FIELDS)
    for name in ("code", "name", "unit_of_measure"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "parent" in changes:
        _check_parent(indicator, changes["parent"])
    if indicator.is_category:
        if changes.get("rule_kind") or changes.get("rule"):
            raise _fail("rule_kind", _("A category has no scoring rule."))
        changes.pop("rule_kind", None)
        changes.pop("rule", None)
    else:
        kind = changes.get("rule_kind", indicator.rule_kind)
        try:
            changes["rule"] = scoring.validate_rule(kind, changes.get("rule", indicator.rule))
        except scoring.RuleError as error:
            raise _fail("rule", str(error)) from None
    changed = sorted(name for name in changes if name in INDICATOR_FROZEN_IN_USE
                     and getattr(indicator, name) != changes[name])
    if changed and PlanIndicator.objects.filter(indicator=indicator).exclude(
            plan__status=PlanStatus.DRAFT).exists():
        message = _("A plan that has started collecting uses this indicator; its code, "
                    "direction, data type and range can no longer change.")
        raise Conflict(message, extra={"errors": [{"field": name, "message": message}
                                                  for name in changed]})
    for name, value in changes.items():
        setattr(indicator, name, value)
    full_clean_or_fail(indicator)
    indicator.save()
    entry_record(actor=actor, obj=indicator, action=AuditAction.UPDATE,
                 unit_path=indicator.owner.path, before=before,
                 after=snapshot(indicator, INDICATOR_EDIT_FIELDS))
    return indicator


def _explicit_units(owner: Unit, codes: Sequence[str]) -> list[Unit]:
    """The units of ``codes``, each an active unit below ``owner``; every other code named."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = {u.code: u for u in Unit.objects.filter(
        code__in=wanted, path__startswith=owner.path, is_active=True).exclude(pk=owner.pk)}
    bad = [c for c in wanted if c not in found]
    if bad:
        raise _fail("assessed_unit_codes", _("Not active units below %(owner)s: %(codes)s.")
                    % {"owner": owner.name, "codes": ", ".join(bad[:50])})
    return [found[c] for c in wanted]


def _positions(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names or () if n and n.strip()))


def _clean_subjects(plan: AssessmentPlan) -> None:
    """A plan of cadres names its positions; any other keeps none."""
    if plan.of_people and not plan.assessed_positions:
        raise _fail("assessed_positions",
                    _("Name the positions assessed, e.g. 县委书记, 县长."))
    if not plan.of_people:
        plan.assessed_positions = []


@transaction.atomic
def plan_create(*, actor: Any, owner: Unit, name: str, period: Period, series: str = "",
                assessed_levels: list[int] | None = None, assessed_groups: list[str] = (),
                ranking_groups: list[str] = (), assessed_unit_codes: Sequence[str] = (),
                subject_kind: str = SubjectKind.UNIT, assessed_positions: Sequence[str] = (),
                **list_rules: Any) -> AssessmentPlan:
    """A new plan in draft: which units it assesses (by level and peer group, or an explicit
    list of unit codes, within the owner's subtree), whether their leading cadres holding
    ``assessed_positions`` are assessed instead, how they are grouped for ranking, and the
    list rules."""
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(_("You may not create plans for this unit."))
    plan = AssessmentPlan(owner=owner, name=name.strip(), period=period, series=series.strip(),
                          assessed_levels=sorted(set(assessed_levels or [])), created_by=actor,
                          subject_kind=subject_kind,
                          assessed_positions=_positions(assessed_positions), **list_rules)
    _clean_subjects(plan)
    full_clean_or_fail(plan)
    plan.save()
    plan.assessed_groups.set(peer_groups_ensure(assessed_groups).values())
    plan.ranking_groups.set(peer_groups_ensure(ranking_groups).values())
    plan.assessed_units.set(_explicit_units(owner, assessed_unit_codes))
    _audit_plan(actor, plan, None)
    return plan


@transaction.atomic
def plan_indicator_set(*, actor: Any, plan: AssessmentPlan, indicator: Indicator,
                       weight: Decimal = Decimal(0), rule_kind: str | None = None,
                       rule: dict[str, Any] | None = None) -> PlanIndicator:
    """Use ``indicator`` in a draft plan, with its default rule unless another is given."""
    access.require_run(actor, plan)
    _require_status(plan, PlanStatus.DRAFT)
    if indicator.is_category or not plan.owner.path.startswith(indicator.owner.path):
        raise _fail("indicator", _("Choose an indicator of this unit's catalog or above it."))
    kind = rule_kind or indicator.rule_kind
    try:
        clean_rule = scoring.validate_rule(kind, indicator.rule if rule is None else rule)
    except scoring.RuleError as error:
        raise _fail("rule", str(error)) from None
    item, created = PlanIndicator.objects.update_or_create(
        plan=plan, indicator=indicator,
        defaults={"weight": weight, "rule_kind": kind, "rule": clean_rule})
    full_clean_or_fail(item)
    entry_record(actor=actor, obj=item, unit_path=plan.owner.path,
                 action=AuditAction.CREATE if created else AuditAction.UPDATE,
                 after={"indicator": indicator.code, "weight": str(weight), "rule_kind": kind,
                        "rule": clean_rule})
    return item


PLAN_EDIT_FIELDS = ("owner", "name", "series", "period", "assessed_levels", "assessed_groups",
                    "ranking_groups", "assessed_unit_codes", "red_top_n", "red_top_percent",
                    "black_bottom_n", "black_bottom_percent", "gray_below_score",
                    "subject_kind", "assessed_positions")
PLAN_EDIT_AUDIT_FIELDS = (*PLAN_AUDIT_FIELDS, "owner", "assessed_groups", "ranking_groups",
                          "assessed_units")


@transaction.atomic
def plan_update(*, actor: Any, plan: AssessmentPlan, **changes: Any) -> AssessmentPlan:
    """Change a draft plan's settings (``PLAN_EDIT_FIELDS``; only those given change), as
    ``plan_create`` sets them. Opening the plan fixes the units it assesses, so only a draft
    can change. A new owner must be one the actor manages, with every indicator the plan uses
    in its catalog or above it. Returns the plan as stored."""
    access.require_run(actor, plan)
    unknown = set(changes) - set(PLAN_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"plan_update() cannot change {sorted(unknown)}")
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    before = snapshot(plan, PLAN_EDIT_AUDIT_FIELDS)
    owner = changes.pop("owner", None)
    if owner is not None and owner.pk != plan.owner_id:
        if not scope.manage_scope(actor).contains(owner.path):
            raise PermissionDenied(_("You may not create plans for this unit."))
        foreign = sorted(code for code, path in plan.plan_indicators.values_list(
            "indicator__code", "indicator__owner__path") if not owner.path.startswith(path))
        if foreign:
            raise _fail("owner", _("These indicators are not in the catalog of the new owner "
                                   "or above it: %(codes)s.") % {"codes": ", ".join(foreign)})
        plan.owner = owner
    groups = {name: changes.pop(name) for name in ("assessed_groups", "ranking_groups")
              if name in changes}
    codes = changes.pop("assessed_unit_codes", None)
    if codes is None and owner is not None:
        codes = list(plan.assessed_units.values_list("code", flat=True))
    explicit = None if codes is None else _explicit_units(plan.owner, codes)
    if "assessed_levels" in changes:
        changes["assessed_levels"] = sorted(set(changes["assessed_levels"] or []))
    for name in ("name", "series"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "assessed_positions" in changes:
        changes["assessed_positions"] = _positions(changes["assessed_positions"])
    for name, value in changes.items():
        setattr(plan, name, value)
    _clean_subjects(plan)
    full_clean_or_fail(plan)
    plan.save()
    for name, names in groups.items():
        getattr(plan, name).set(peer_groups_ensure(names).values())
    if explicit is not None:
        plan.assessed_units.set(explicit)
    entry_record(actor=actor, obj=plan, action=AuditAction.UPDATE, unit_path=plan.owner.path,
                 before=before, after=snapshot(plan, PLAN_EDIT_AUDIT_FIELDS))
    return plan


@transaction.atomic
def plan_indicator_remove(*, actor: Any, plan: AssessmentPlan, indicator: Indicator) -> None:
    """Stop using ``indicator`` in a draft plan. Weights derived by AHP, CRITIC or entropy no
    longer describe what is left when a scored indicator goes, so the plan's weights count as
    entered by hand from then on (they keep their values and must be made to sum to 100)."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    item = plan.plan_indicators.filter(indicator=indicator).first()
    if item is None:
        raise _fail("indicator", _("The plan does not use this indicator."))
    entry_record(actor=actor, obj=item, action=AuditAction.DELETE, unit_path=plan.owner.path,
                 before={"indicator": indicator.code, "weight": str(item.weight),
                         "rule_kind": item.rule_kind, "rule": item.rule})
    item.delete()
    if item.rule_kind in WEIGHTED_RULES and plan.weight_method != WeightMethod.MANUAL:
        plan_before = snapshot(plan, PLAN_AUDIT_FIELDS)
        plan.weight_method, plan.weight_details = WeightMethod.MANUAL, {}
        plan.save(update_fields=["weight_method", "weight_details", "updated_at"])
        _audit_plan(actor, plan, plan_before,
                    note=_("%(code)s removed; the weights are now entered by hand")
                    % {"code": indicator.code})


def _weighted_items(plan: AssessmentPlan) -> list[PlanIndicator]:
    return [item for item in plan.plan_indicators.select_related("indicator")
            if item.rule_kind in WEIGHTED_RULES]


def _store_weights(actor: Any, plan: AssessmentPlan, weights: dict[int, Decimal],
                   method: str, details: dict[str, Any]) -> None:
    items = _weighted_items(plan)
    before = {item.indicator.code: str(item.weight) for item in items}
    for item in items:
        item.weight = weights[item.pk]
    PlanIndicator.objects.bulk_update(items, ["weight"])
    plan_before = snapshot(plan, PLAN_AUDIT_FIELDS)
    plan.weight_method, plan.weight_details = method, details
    plan.save(update_fields=["weight_method", "weight_details", "updated_at"])
    entry_record(actor=actor, obj=plan, action=AuditAction.UPDATE, unit_path=plan.owner.path,
                 before={**plan_before, "weights": before},
                 after={**snapshot(plan, PLAN_AUDIT_FIELDS),
                        "weights": {i.indicator.code: str(i.weight) for i in items}})


def _percentages(shares: np.ndarray) -> list[Decimal]:
    """Shares summing to 1 as percentages with 4 decimals summing to exactly 100."""
    values = [Decimal(str(float(s) * 100)).quantize(AHP_PRECISION) for s in shares]
    values[int(np.argmax(shares))] += WEIGHT_TOTAL - sum(values)
    return values


@transaction.atomic
def plan_weights_set(*, actor: Any, plan: AssessmentPlan, weights: dict[str, Decimal]
                     ) -> None:
    """Weights entered by hand, in percent by indicator code; they must sum to 100."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    items = _weighted_items(plan)
    codes = {item.indicator.code for item in items}
    if set(weights) != codes:
        raise _fail("weights", _("Give a weight for each scored indicator: %(codes)s.")
                    % {"codes": ", ".join(sorted(codes))})
    total = sum(weights.values(), Decimal(0))
    if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        raise _fail("weights", _("The weights add up to %(total)s, not 100.") % {"total": total})
    if any(w < 0 for w in weights.values()):
        raise _fail("weights", _("Weights cannot be negative."))
    _store_weights(actor, plan, {i.pk: weights[i.indicator.code] for i in items},
                   WeightMethod.MANUAL, {})


@transaction.atomic
def plan_weights_from_ahp(*, actor: Any, plan: AssessmentPlan, codes: list[str],
                          pairwise: list[list[float]], method: str = "eigenvector",
                          ri: str = "saaty", override_reason: str = "") -> engine.AhpResult:
    """Weights from an AHP pairwise matrix over the scored indicators (in ``codes`` order).

    A consistency ratio of 0.1 or more is refused unless ``override_reason`` says why; the
    derivation method, random-index table, λmax, CI and CR are stored with the weights.
    """
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    items = {item.indicator.code: item for item in _weighted_items(plan)}
    if sorted(codes) != sorted(items) or len(codes) != len(set(codes)):
        raise _fail("codes", _("Compare exactly the scored indicators: %(codes)s.")
                    % {"codes": ", ".join(sorted(items))})
    try:
        result = engine.ahp_weights(pairwise, method=method, ri=ri)
    except engine.EngineError as error:
        raise _fail("pairwise", str(error)) from None
    if result.cr >= CR_LIMIT and not override_reason.strip():
        raise _fail("pairwise", _("The judgments are inconsistent (CR = %(cr).3f ≥ 0.1). "
                                  "Revise them, or give a reason to accept them.")
                    % {"cr": result.cr})
    shares = _percentages(result.weights)
    details = {"method": method, "ri_table": ri, "codes": codes, "pairwise": pairwise,
               "lambda_max": result.lambda_max, "ci": result.ci, "ri": result.ri,
               "cr": result.cr, "override_reason": override_reason.strip()}
    _store_weights(actor, plan, {items[c].pk: w for c, w in zip(codes, shares, strict=True)},
                   WeightMethod.AHP, details)
    return result


def _source_plan(plan: AssessmentPlan) -> AssessmentPlan | None:
    """The latest earlier plan of the same owner and series that collected figures: the data
    objective weights are derived from, since a draft plan has none of its own yet."""
    if not plan.series:
        return None
    return (AssessmentPlan.objects.filter(
        owner=plan.owner, series=plan.series, period__start__lt=plan.period.start,
        status__in=[PlanStatus.SCORING, PlanStatus.PUBLISHED, PlanStatus.ARCHIVED])
        .select_related("period").order_by("-period__start").first())


def _subject_column(plan: AssessmentPlan) -> str:
    """The column that names a subject of ``plan`` in its rows: the person or the unit."""
    return "person_id" if plan.of_people else "unit_id"


def _reported_values(plan: AssessmentPlan) -> np.ndarray:
    """(subject id, plan indicator id, value) rows of every figure reported for the plan."""
    key = _subject_column(plan)
    return bulk.read_columns(
        f"SELECT {key}, plan_indicator_id, value_float "  # noqa: S608 own column names
        "FROM assessment_indicatorvalue WHERE plan_id = %s AND value_float IS NOT NULL",
        [plan.pk], model=IndicatorValue, columns=(key, "plan_indicator_id", "value_float"),
        integers=(key, "plan_indicator_id"))


def _complete_rows(source: AssessmentPlan, items: list[PlanIndicator]) -> np.ndarray:
    """Units × ``items`` of the source plan's figures (matched by indicator code), keeping
    the units that reported them all; one read, placed with numpy."""
    source_items = {code: pk for pk, code in source.plan_indicators.values_list(
        "pk", "indicator__code")}
    wanted = [source_items.get(item.indicator.code, -1) for item in items]
    rows = _reported_values(source)
    column = {pk: j for j, pk in enumerate(wanted)}
    keep = np.isin(rows[:, 1], wanted)
    rows = rows[keep]
    units, unit_row = np.unique(rows[:, 0], return_inverse=True)
    matrix = np.full((units.shape[0], len(items)), np.nan)
    matrix[unit_row, [column[int(pk)] for pk in rows[:, 1]]] = rows[:, 2]
    return matrix[~np.isnan(matrix).any(axis=1)]


OBJECTIVE_METHODS = {WeightMethod.CRITIC: "critic", WeightMethod.ENTROPY: "entropy"}
MIN_UNITS_FOR_OBJECTIVE_WEIGHTS = 3


@transaction.atomic
def plan_weights_from_data(*, actor: Any, plan: AssessmentPlan, method: str,
                           variant: str = "minmax") -> dict[str, Decimal]:
    """Objective weights (CRITIC, or the entropy method with its ``variant``) from the figures
    of the previous plan of the series, over the units that reported every scored indicator.

    The source plan, the number of units used and the variant are stored with the weights, so
    the derivation can be repeated. Returns the weights in percent by indicator code.
    """
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    if method not in OBJECTIVE_METHODS:
        raise _fail("method", _("Choose CRITIC or the entropy method."))
    items = _weighted_items(plan)
    if not items:
        raise Conflict(_("Add at least one scored indicator first."))
    source = _source_plan(plan)
    if source is None:
        raise _fail("method", _("Objective weights need the figures of an earlier plan of the "
                                "same series; none has been collected yet."))
    codes = [item.indicator.code for item in items]
    data = _complete_rows(source, items)
    if data.shape[0] < MIN_UNITS_FOR_OBJECTIVE_WEIGHTS:
        raise _fail("method", _("%(plan)s has complete figures for only %(count)d units; at "
                                "least %(least)d are needed.")
                    % {"plan": source, "count": data.shape[0],
                       "least": MIN_UNITS_FOR_OBJECTIVE_WEIGHTS})
    directions = [item.indicator.direction for item in items]
    try:
        if method == WeightMethod.CRITIC:
            shares = engine.critic_weights(data, directions)
        else:
            shares = engine.entropy_weights(data, directions, variant=variant)
    except engine.EngineError as error:
        raise _fail("method", str(error)) from None
    percents = _percentages(shares)
    details = {"source_plan": source.pk, "source_label": str(source), "units": data.shape[0],
               "codes": codes, "variant": variant if method == WeightMethod.ENTROPY else ""}
    _store_weights(actor, plan, {i.pk: w for i, w in zip(items, percents, strict=True)},
                   method, details)
    return dict(zip(codes, percents, strict=True))


def _assessed_units(plan: AssessmentPlan) -> QuerySet[Unit]:
    """The active units below the owner on the plan's explicit list, or else at its levels
    and in its assessed peer groups."""
    units = Unit.objects.filter(path__startswith=plan.owner.path, is_active=True).exclude(
        pk=plan.owner.pk)
    explicit = AssessmentPlan.assessed_units.through.objects.filter(
        assessmentplan_id=plan.pk).values("unit_id")
    if explicit.exists():
        return units.filter(pk__in=explicit)
    if plan.assessed_levels:
        units = units.filter(level__in=plan.assessed_levels)
    groups = list(plan.assessed_groups.values_list("pk", flat=True))
    if groups:
        member = Unit.peer_groups.through.objects.filter(unit_id=OuterRef("pk"),
                                                         peergroup_id__in=groups)
        units = units.filter(Exists(member))
    return units


def _assessed_people(plan: AssessmentPlan) -> QuerySet[Person]:
    """The active people holding one of the plan's positions in its assessed units."""
    return Person.objects.filter(unit__in=_assessed_units(plan), is_active=True,
                                 position__in=plan.assessed_positions)


def _ranking_groups_set(plan: AssessmentPlan) -> None:
    """Each assessed unit's ranking group: the first, by name, of the plan's ranking groups it
    belongs to. One UPDATE from a grouped join: a correlated subquery per unit let PostgreSQL
    walk all 2,000 groups for each of 248,578 units when its statistics were stale."""
    quote = connection.ops.quote_name
    plan_unit = quote(PlanUnit._meta.db_table)
    members = quote(Unit.peer_groups.through._meta.db_table)
    groups = quote(PeerGroup._meta.db_table)
    ranking = quote(AssessmentPlan.ranking_groups.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {plan_unit} SET ranking_group = first.name FROM ("  # noqa: S608 own names
            f"SELECT m.unit_id, MIN(g.name) AS name FROM {members} m "
            f"JOIN {groups} g ON g.id = m.peergroup_id "
            f"JOIN {ranking} r ON r.peergroup_id = m.peergroup_id AND r.assessmentplan_id = %s "
            f"GROUP BY m.unit_id) AS first "
            f"WHERE {plan_unit}.plan_id = %s AND {plan_unit}.unit_id = first.unit_id",
            [plan.pk, plan.pk])


def _insert_selected(model: type[models.Model], columns: Sequence[str],
                     rows: QuerySet[Any]) -> int:
    """INSERT INTO ``model`` (columns) SELECT ``rows``: many rows written without leaving the
    database. ``rows`` is a ``values_list`` in ``columns`` order. Returns the rows written."""
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column)
                      for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount


@transaction.atomic
def plan_open(*, actor: Any, plan: AssessmentPlan) -> int:
    """Start collecting: fix the assessed subjects and their ranking groups, open a
    submission for each. The scored indicators' weights must sum to 100. Returns the number
    of subjects. A cadre is ranked among the holders of the same position.

    Both tables are filled by INSERT … SELECT: at 250,000 units, building the rows in Python
    took most of half a minute."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT)
    items = _weighted_items(plan)
    if not items:
        raise Conflict(_("Add at least one scored indicator first."))
    total = sum((item.weight for item in items), Decimal(0))
    if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        raise Conflict(_("The weights add up to %(total)s, not 100.") % {"total": total})
    if plan.of_people:
        count = _insert_selected(PlanUnit, ("plan", "unit", "person", "ranking_group"),
                                 _assessed_people(plan).annotate(plan_id=Value(plan.pk))
                                 .order_by().values_list("plan_id", "unit_id", "pk", "position"))
        if not count:
            raise Conflict(_("No active person holds the plan's positions in its units."))
    else:
        count = _insert_selected(PlanUnit, ("plan", "unit", "ranking_group"),
                                 _assessed_units(plan).annotate(
                                     plan_id=Value(plan.pk), group=Value("")).order_by()
                                 .values_list("plan_id", "pk", "group"))
        if not count:
            raise Conflict(_("No unit matches the plan's levels and peer groups."))
        _ranking_groups_set(plan)
    _insert_selected(Submission, ("plan", "unit", "person", "status", "return_reason",
                                  "updated_at"),
                     plan.plan_units.annotate(
                         status=Value(SubmissionStatus.DRAFT), reason=Value(""),
                         now=Value(timezone.now())).order_by()
                     .values_list("plan_id", "unit_id", "person_id", "status", "reason", "now"))
    before = snapshot(plan, PLAN_AUDIT_FIELDS)
    plan.status = PlanStatus.COLLECTING
    plan.save(update_fields=["status", "updated_at"])
    _audit_plan(actor, plan, before, note=_("%(count)d units assessed") % {"count": count})
    return count


def _can_report(actor: Any, unit: Unit, plan: AssessmentPlan) -> bool:
    """A cadre's figures are personnel records: only the plan's administrators enter them."""
    if access.can_run(actor, plan):
        return True
    return not plan.of_people and scope.report_scope(actor).contains(unit.path)


def value_problem(item: PlanIndicator, value: Decimal | None) -> str:
    """What is wrong with ``value`` for the plan's indicator (range, yes/no, whole number);
    empty when it is acceptable."""
    indicator = item.indicator
    if value is None:
        return ""
    if indicator.min_value is not None and value < indicator.min_value:
        return _("%(value)s is below the minimum %(min)s.") % {"value": value,
                                                              "min": indicator.min_value}
    if indicator.max_value is not None and value > indicator.max_value:
        return _("%(value)s is above the maximum %(max)s.") % {"value": value,
                                                              "max": indicator.max_value}
    if indicator.data_type == "boolean" and value not in (0, 1):
        return _("Enter 1 for yes or 0 for no.")
    if indicator.data_type == "count" and value != value.to_integral_value():
        return _("Enter a whole number.")
    return ""


Figures = dict[str, tuple[Decimal | None, str]]


@transaction.atomic
def values_save(*, actor: Any, plan: AssessmentPlan, unit: Unit, values: Figures,
                person: Person | None = None) -> int:
    """Save a subject's figures ({code: (value, comment)}) as a draft (a unit's, or with
    ``person`` a cadre's); all or none, each bad value named. Allowed while the submission is
    a draft or returned (to reporters of the unit), or, during scoring or a correction, to
    the plan's administrators."""
    return values_save_many(actor=actor, plan=plan, figures=[(unit, person, values)])


def _subjects_q(figures: Sequence[tuple[Unit, Person | None, Figures]]) -> models.Q:
    people = [p.pk for _u, p, _v in figures if p is not None]
    units = [u.pk for u, p, _v in figures if p is None]
    return models.Q(person_id__in=people) | models.Q(unit_id__in=units, person__isnull=True)


@transaction.atomic
def values_save_many(*, actor: Any, plan: AssessmentPlan,
                     figures: Sequence[tuple[Unit, Person | None, Figures]]) -> int:
    """``values_save`` for many subjects at once, all or none: (unit, person or None,
    figures) each; a few queries whatever their number (the appraisal writes every cadre's
    sources in one go). With more than one subject, each error also names its row (from 1).
    Returns how many figures changed."""
    runs = access.can_run(actor, plan)
    if not runs and any(not _can_report(actor, unit, plan) for unit, _p, _v in figures):
        raise PermissionDenied(_("You may not enter figures for this unit."))
    plan = _fresh(plan)
    submissions = {(s.unit_id, s.person_id): s for s in Submission.objects.select_for_update()
                   .filter(_subjects_q(figures), plan=plan).order_by("pk")}
    if any((unit.pk, person.pk if person else None) not in submissions
           for unit, person, _v in figures):
        raise _fail("unit", _not_assessed(plan))
    correcting = plan.status == PlanStatus.SCORING and runs
    if not correcting and (plan.status != PlanStatus.COLLECTING or any(
            s.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
            for s in submissions.values())):
        raise Conflict(_("These figures are not open for changes now."))
    items = {i.indicator.code: i for i in plan.plan_indicators.select_related("indicator")}
    errors = []
    for row, (_unit, _person, values) in enumerate(figures, start=1):
        where = {"row": row} if len(figures) > 1 else {}
        errors += [{"field": code, "message": _("Unknown indicator."), **where}
                   for code in values if code not in items]
        errors += [{"field": code, "message": message, **where}
                   for code, (value, _comment) in values.items()
                   if code in items and (message := value_problem(items[code], value))]
    if errors:
        raise ValidationFailed(_("Nothing was saved: %(count)d values are wrong.")
                               % {"count": len(errors)}, extra={"errors": errors})
    codes = {code for _u, _p, values in figures for code in values}
    existing = {(v.unit_id, v.person_id, v.plan_indicator_id): v
                for v in IndicatorValue.objects.filter(
                    _subjects_q(figures), plan=plan,
                    plan_indicator__in=[items[c] for c in codes])}
    changed, created, audited = [], [], []
    now = timezone.now()
    for unit, person, values in figures:
        key = (unit.pk, person.pk if person else None)
        found = {code: existing.get((*key, items[code].pk)) for code in values}
        before = {code: str(row.value) for code, row in found.items() if row is not None}
        touched = False
        for code, (value, comment) in values.items():
            row = found[code]
            if row is None:
                created.append(IndicatorValue(plan=plan, unit=unit, person=person,
                                              plan_indicator=items[code], value=value,
                                              comment=comment))
                touched = True
            elif (row.value, row.comment) != (value, comment):
                row.value, row.comment, row.updated_at = value, comment, now
                changed.append(row)
                touched = True
        if touched:
            audited.append(Change(obj=submissions[key], action=AuditAction.UPDATE,
                                  unit_path=unit.path, before=before,
                                  after={c: str(v) for c, (v, _m) in values.items()}))
    IndicatorValue.objects.bulk_create(created)
    IndicatorValue.objects.bulk_update(changed, ["value", "comment", "updated_at"])
    entries_record(actor=actor, changes=audited, note=_("Figures of %(plan)s") % {
        "plan": plan.name})
    return len(created) + len(changed)


@transaction.atomic
def submission_submit(*, actor: Any, plan: AssessmentPlan, unit: Unit,
                      person: Person | None = None) -> Submission:
    """Hand the subject's figures to the plan's administrators; every indicator needs a
    value."""
    if not _can_report(actor, unit, plan):
        raise PermissionDenied(_("You may not submit for this unit."))
    plan = _fresh(plan)
    submission = _submission_locked(plan, unit, person)
    if plan.status != PlanStatus.COLLECTING or submission.status not in (
            SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise Conflict(_("This submission cannot be submitted now."))
    reported = set(IndicatorValue.objects.filter(plan=plan, unit=unit, person=person,
                                                 value__isnull=False)
                   .values_list("plan_indicator__indicator__code", flat=True))
    missing = sorted({i.indicator.code for i in plan.plan_indicators.select_related("indicator")
                      if not scoring.from_lists(i.rule_kind, i.rule)} - reported)
    if missing:
        raise ValidationFailed(_("Values are missing for: %(codes)s.")
                               % {"codes": ", ".join(missing)},
                               extra={"errors": [{"field": c, "message": _("Missing.")}
                                                 for c in missing]})
    submission = _submission_move(actor, submission, SubmissionStatus.SUBMITTED, "")
    _notify_submitted(actor, plan, submission)
    return submission


@transaction.atomic
def submission_review(*, actor: Any, plan: AssessmentPlan, unit: Unit, approve: bool,
                      reason: str = "", person: Person | None = None) -> Submission:
    """Approve a subject's submitted figures, or return them with a reason."""
    access.require_run(actor, plan)
    submission = _submission_locked(plan, unit, person)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise Conflict(_("Only submitted figures can be reviewed."))
    if not approve and not reason.strip():
        raise _fail("reason", _("Say why the figures are returned."))
    status = SubmissionStatus.APPROVED if approve else SubmissionStatus.RETURNED
    submission = _submission_move(actor, submission, status, reason.strip())
    if not approve:
        _notify_returned(actor, plan, submission)
    return submission


def _not_assessed(plan: AssessmentPlan) -> str:
    if plan.of_people:
        return _("This person is not assessed by the plan.")
    return _("This unit is not assessed by the plan.")


def _submission_locked(plan: AssessmentPlan, unit: Unit, person: Person | None) -> Submission:
    submission = Submission.objects.select_for_update().filter(
        plan=plan, unit=unit, person=person).first()
    if submission is None:
        raise NotFound(_not_assessed(plan))
    return submission


def _submission_move(actor: Any, submission: Submission, status: str, reason: str
                     ) -> Submission:
    before = {"status": submission.status}
    submission.status, submission.return_reason = status, reason
    if status == SubmissionStatus.SUBMITTED:
        submission.submitted_at = timezone.now()
    submission.save()
    entry_record(actor=actor, obj=submission, action=AuditAction.UPDATE,
                 unit_path=submission.unit.path, before=before,
                 after={"status": status, "reason": reason})
    return submission


@dataclass(frozen=True)
class AssessedUnits:
    """A plan's assessed subjects as scoring reads them, column by column, in the order of
    the rows of its matrix (the database's: no order is asked for, nothing depends on one).

    ``subject`` keys the rows: the unit ids, or for a cadre plan the person ids, whose units
    are ``unit``. ``parent`` and ``level`` place each row in the tree for the roll-up: a
    cadre is a leaf under their own unit."""

    subject: np.ndarray
    unit: np.ndarray
    parent: np.ndarray
    level: np.ndarray
    ranking_group: list[str]

    def __len__(self) -> int:
        return self.subject.shape[0]


def _assessed_units_read(plan: AssessmentPlan) -> AssessedUnits:
    """One query; at 250,000 units plain tuples cost a third less than named rows."""
    if plan.of_people:
        rows = list(plan.plan_units.order_by().values_list(
            "person_id", "unit_id", "unit_id", "unit__level", "ranking_group"))
        rows = [(key, unit, parent, level + 1, group)
                for key, unit, parent, level, group in rows]
    else:
        rows = list(plan.plan_units.order_by().values_list(
            "unit_id", "unit_id", "unit__parent_id", "unit__level", "ranking_group"))
    if not rows:
        return AssessedUnits(subject=np.zeros(0, dtype=np.int64),
                             unit=np.zeros(0, dtype=np.int64), parent=np.zeros(0),
                             level=np.zeros(0, dtype=np.int64), ranking_group=[])
    return AssessedUnits(  # zip(*rows) would unpack 250,000 arguments: a fifth of a second
        subject=np.array([row[0] for row in rows], dtype=np.int64),
        unit=np.array([row[1] for row in rows], dtype=np.int64),
        parent=np.array([np.nan if row[2] is None else row[2] for row in rows],
                        dtype=np.float64),
        level=np.array([row[3] for row in rows], dtype=np.int64),
        ranking_group=[row[4] for row in rows])


def _value_matrix(plan: AssessmentPlan, assessed: AssessedUnits,
                  items: list[PlanIndicator]) -> np.ndarray:
    """Units × indicators, NaN where nothing was reported, read in one query (as binary
    arrays on PostgreSQL) and placed with numpy."""
    matrix = np.full((len(assessed), len(items)), np.nan)
    rows = _reported_values(plan)
    if rows.shape[0] == 0:
        return matrix
    u = scoring.positions(assessed.subject.astype(np.float64), rows[:, 0])
    j = scoring.positions(np.array([item.pk for item in items], dtype=np.float64), rows[:, 1])
    known = (u >= 0) & (j >= 0)
    matrix[u[known], j[known]] = rows[known, 2]
    return matrix


def _previous_results(plan: AssessmentPlan) -> np.ndarray:
    """(subject id, total, rank in group) rows of the latest published version of the
    previous plan of the series, or of this plan when a correction is being scored."""
    version = (ResultVersion.objects.filter(plan=plan, is_published=True).order_by("-number")
               .first())
    if version is None and plan.series:
        version = (ResultVersion.objects.filter(
            plan__owner=plan.owner, plan__series=plan.series, is_published=True,
            plan__period__start__lt=plan.period.start)
            .order_by("-plan__period__start", "-number").first())
    if version is None:
        return np.zeros((0, 3))
    key = _subject_column(plan)
    return bulk.read_columns(
        f"SELECT {key}, total, group_rank FROM assessment_unitresult "  # noqa: S608 own names
        "WHERE version_id = %s", [version.pk], model=UnitResult,
        columns=(key, "total", "group_rank"))


LIST_MARKS = ("", ListMark.RED.value, ListMark.GRAY.value, ListMark.BLACK.value)
NO_RANK_CHANGE = np.iinfo(np.int32).min


@dataclass(frozen=True)
class ResultColumns:
    """Every assessed subject's result, column by column (one row per subject, keyed by
    ``subject`` as in ``AssessedUnits``): what ``plan_score`` writes. The list mark is a
    position (from 1) in ``LIST_MARKS``; a missing raw value or change of total is NaN, a
    missing change of rank ``NO_RANK_CHANGE``."""

    subject: np.ndarray
    unit: np.ndarray
    total: np.ndarray
    weighted: np.ndarray
    bonus: np.ndarray
    deduction: np.ndarray
    vetoed: np.ndarray
    rank: np.ndarray
    ranking_group: list[str]
    group_rank: np.ndarray
    mark: np.ndarray
    total_change: np.ndarray
    rank_change: np.ndarray
    raw: np.ndarray
    points: np.ndarray


def _result_columns(assessed: AssessedUnits, matrix: np.ndarray,
                    table: scoring.ScoreTable, previous: np.ndarray) -> ResultColumns:
    """The results as columns, rounded to the 4 decimal places they are stored with, and
    compared with ``previous`` (rows of subject id, total, rank in group)."""
    units = assessed.subject
    total = table.total.round(4)
    found = scoring.positions(units.astype(np.float64), previous[:, 0])
    before, known = found[found >= 0], found >= 0
    total_change = np.full(units.shape[0], np.nan)
    total_change[before] = (total[before] - previous[known, 1]).round(4)
    rank_change = np.full(units.shape[0], NO_RANK_CHANGE, dtype=np.int32)
    rank_change[before] = previous[known, 2] - table.group_rank[before]
    marks = {mark: i for i, mark in enumerate(LIST_MARKS, start=1)}
    return ResultColumns(
        subject=units, unit=assessed.unit, total=total, weighted=table.weighted.round(4),
        bonus=table.bonus.round(4), deduction=table.deduction.round(4),
        vetoed=table.vetoed.astype(bool), rank=table.rank.astype(np.int32),
        ranking_group=assessed.ranking_group,
        group_rank=table.group_rank.astype(np.int32),
        mark=np.array([marks[m] for m in table.list_marks], dtype=np.int16),
        total_change=total_change, rank_change=rank_change, raw=matrix.round(4),
        points=table.points.round(4))


SCORED_TABLE = """CREATE TEMPORARY TABLE scored_results (
    subject_id bigint, total float8, weighted float8, bonus float8, deduction float8,
    vetoed boolean, rank integer, group_rank integer, mark smallint, total_change float8,
    rank_change integer, raw_values float8[], points float8[]
) ON COMMIT DROP"""
SCORED_INSERT = """INSERT INTO assessment_unitresult (
    version_id, unit_id, person_id, total, weighted_score, bonus, deduction, vetoed, rank,
    ranking_group, group_rank, list_mark, total_change, rank_change, raw_values, points)
SELECT %(version)s, p.unit_id, p.person_id, s.total, s.weighted, s.bonus, s.deduction,
       s.vetoed, s.rank, p.ranking_group, s.group_rank, (%(marks)s::text[])[s.mark],
       nullif(s.total_change, 'NaN'), nullif(s.rank_change, %(no_rank_change)s),
       array_replace(s.raw_values, 'NaN', NULL), s.points
FROM scored_results s
JOIN assessment_planunit p ON p.plan_id = %(plan)s AND p.{subject} = s.subject_id"""


def _write_results(version: ResultVersion, columns: ResultColumns, *, subject: str) -> None:
    """Insert the version's results: on PostgreSQL, COPY in binary format into a temporary
    table (``bulk.copy_arrays``) and one INSERT … SELECT that joins the plan's assessed
    subjects on their ``subject`` column (each result's subject must be one, and brings its
    unit, person and ranking group) and turns positions and sentinels into text and NULLs;
    elsewhere ``bulk_create``."""
    if connection.vendor != "postgresql":
        UnitResult.objects.bulk_create(_result_objects(version, columns, subject=subject),
                                       batch_size=2000)
        return
    with connection.cursor() as cursor:
        cursor.execute(SCORED_TABLE)
        bulk.copy_arrays(cursor.cursor, "scored_results", (
            "subject_id", "total", "weighted", "bonus", "deduction", "vetoed", "rank",
            "group_rank", "mark", "total_change", "rank_change", "raw_values", "points"), (
            columns.subject, columns.total, columns.weighted, columns.bonus, columns.deduction,
            columns.vetoed, columns.rank, columns.group_rank, columns.mark,
            columns.total_change, columns.rank_change, columns.raw, columns.points))
        cursor.execute(SCORED_INSERT.format(subject=subject), {
            "version": version.pk, "plan": version.plan_id, "marks": list(LIST_MARKS),
            "no_rank_change": int(NO_RANK_CHANGE)})
        written = cursor.rowcount
        cursor.execute("DROP TABLE scored_results")
    if written != columns.subject.shape[0]:
        raise RuntimeError(f"{columns.subject.shape[0] - written} results for subjects the "
                           "plan does not assess")


def _result_objects(version: ResultVersion, columns: ResultColumns, *, subject: str
                    ) -> Iterator[UnitResult]:
    raw = np.where(np.isnan(columns.raw), None, columns.raw).tolist()
    units = columns.unit.tolist()
    numbers = zip(*(array.tolist() for array in (
        columns.subject, columns.total, columns.weighted, columns.bonus, columns.deduction,
        columns.vetoed, columns.rank, columns.group_rank, columns.mark, columns.total_change,
        columns.rank_change, columns.points)), strict=True)
    for u, (subject_id, total, weighted, bonus, deduction, vetoed, rank, group_rank, mark,
            total_change, rank_change, points) in enumerate(numbers):
        yield UnitResult(
            version=version, unit_id=units[u],
            person_id=subject_id if subject == "person_id" else None, total=total,
            weighted_score=weighted,
            bonus=bonus, deduction=deduction, vetoed=vetoed, rank=rank,
            ranking_group=columns.ranking_group[u], group_rank=group_rank,
            list_mark=LIST_MARKS[mark - 1],
            total_change=None if math.isnan(total_change) else total_change,
            rank_change=None if rank_change == NO_RANK_CHANGE else rank_change,
            raw_values=raw[u], points=points)


AREA_COLUMNS = ("version", "unit", "units", "mean_total", "red", "gray", "black")


def _area_rows(version: ResultVersion, plan: AssessmentPlan,
               assessed: AssessedUnits, table: scoring.ScoreTable
               ) -> list[tuple[object, ...]]:
    """The results rolled up every level above the assessed units (``engine.rollup``): per
    area, the number of assessed units below it, their mean total and their list counts.

    The tree is the owner's subtree above the deepest assessed level, with each assessed unit
    as a leaf under its parent; sums are rolled up, and the mean is the sum over the count,
    so every area's mean is over all its assessed units, however deep. A list, read before
    the COPY starts: the connection serves no query while a COPY is open."""
    if not len(assessed):
        return []
    deepest = int(assessed.level.max())
    areas = np.array(list(Unit.objects.filter(
        path__startswith=plan.owner.path, level__lt=deepest).order_by("pk").values_list(
        "pk", "parent_id")), dtype=np.float64).reshape(-1, 2)
    area_ids = areas[:, 0]
    parent_index = np.concatenate([scoring.positions(area_ids, areas[:, 1]),
                                   scoring.positions(area_ids, assessed.parent)])
    marks = np.array(table.list_marks)
    n_areas = area_ids.shape[0]

    def rolled(leaf_values: np.ndarray) -> np.ndarray:
        values = np.concatenate([np.zeros(n_areas), leaf_values.astype(np.float64)])
        return engine.rollup(values, parent_index, how="sum")[:n_areas]

    counts = rolled(np.ones(len(assessed)))
    sums = rolled(table.total)
    red, gray, black = (rolled(marks == mark) for mark in ("red", "gray", "black"))
    return [(version.pk, int(area_ids[a]), int(counts[a]), round(sums[a] / counts[a], 4),
             int(red[a]), int(gray[a]), int(black[a]))
            for a in np.flatnonzero(counts > 0).tolist()]


@transaction.atomic
def plan_score(*, actor: Any, plan: AssessmentPlan) -> ResultVersion:
    """Compute every assessed unit's result into a draft version (replacing an earlier draft):
    one read of the values, the engine, and one bulk write."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.COLLECTING, PlanStatus.SCORING)
    items = list(plan.plan_indicators.select_related("indicator"))
    assessed = _assessed_units_read(plan)
    matrix = _value_matrix(plan, assessed, items)
    matrix = records.count_into(plan, assessed.subject, items, matrix,
                                subject=_subject_column(plan))
    specs = [scoring.IndicatorSpec(code=i.indicator.code, rule_kind=i.rule_kind, rule=i.rule,
                                   weight=float(i.weight), direction=i.indicator.direction)
             for i in items]
    rules = scoring.ListRules(
        red_top_n=plan.red_top_n, black_bottom_n=plan.black_bottom_n,
        red_top_percent=float(plan.red_top_percent) if plan.red_top_percent is not None
        else None,
        black_bottom_percent=float(plan.black_bottom_percent)
        if plan.black_bottom_percent is not None else None,
        gray_below_score=float(plan.gray_below_score) if plan.gray_below_score is not None
        else None)
    table = scoring.score(matrix, specs, assessed.ranking_group, rules)
    drafts = ResultVersion.objects.filter(plan=plan, is_published=False)
    UnitResult.objects.filter(version__in=drafts).delete()
    AreaResult.objects.filter(version__in=drafts).delete()
    drafts.delete()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ResultVersion.objects.create(
        plan=plan, number=number,
        weights={i.indicator.code: str(i.weight) for i in items})
    _write_results(version, _result_columns(assessed, matrix, table, _previous_results(plan)),
                   subject=_subject_column(plan))
    bulk.copy_rows(AreaResult, AREA_COLUMNS, _area_rows(version, plan, assessed, table))
    before_plan = snapshot(plan, PLAN_AUDIT_FIELDS)
    plan.status = PlanStatus.SCORING
    plan.save(update_fields=["status", "updated_at"])
    _audit_plan(actor, plan, before_plan,
                note=_("Scored as version %(number)d") % {"number": number})
    return version


version_published = Signal()
"""Sent inside the transaction that publishes a version (``actor``, ``version``): what other
areas derive from published results (a cadre's follow-ups and list entries) is written with
them or not at all."""


@transaction.atomic
def plan_publish(*, actor: Any, plan: AssessmentPlan, note: str = "") -> ResultVersion:
    """Publish the latest draft version; from then on it never changes."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.SCORING)
    version = plan.versions.select_for_update().filter(is_published=False).first()
    if version is None:
        raise Conflict(_("Score the plan before publishing it."))
    ResultVersion.objects.filter(pk=version.pk).update(
        is_published=True, published_at=timezone.now(), published_by=actor, note=note[:500])
    before = snapshot(plan, PLAN_AUDIT_FIELDS)
    plan.status = PlanStatus.PUBLISHED
    plan.save(update_fields=["status", "updated_at"])
    _audit_plan(actor, plan, before, note=_("Published version %(number)d")
                % {"number": version.number})
    version.refresh_from_db()
    _notify_published(actor, plan, version)
    version_published.send(sender=ResultVersion, actor=actor, version=version)
    return version


@transaction.atomic
def plan_correct(*, actor: Any, plan: AssessmentPlan, reason: str) -> AssessmentPlan:
    """Reopen a published plan for a correction: its administrators may change figures and
    score again; publishing then adds the next version, and the published ones stay."""
    access.require_run(actor, plan)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.PUBLISHED)
    if not reason.strip():
        raise _fail("reason", _("Say what is being corrected."))
    before = snapshot(plan, PLAN_AUDIT_FIELDS)
    plan.status = PlanStatus.SCORING
    plan.save(update_fields=["status", "updated_at"])
    _audit_plan(actor, plan, before, note=reason.strip()[:300])
    return plan


# Notifications of the collection: reminders, and the workflow's steps to whom they concern.

REMINDER_INTERVAL = datetime.timedelta(hours=1)
REMINDED_ROLES = (Role.REPORTER, Role.ORG_ADMIN)


def _role_holders(units: Any, roles: tuple[str, ...], *, actor: Any) -> dict[int, list[int]]:
    """{unit id: ids of the active users holding one of ``roles`` on it}, for ``units`` (ids
    or a query of them), the actor left out (they know what they did); one query."""
    holders: dict[int, list[int]] = {}
    grants = (RoleGrant.objects.filter(unit_id__in=units, role__in=roles, user__is_active=True)
              .exclude(user_id=actor.pk).values_list("unit_id", "user_id").distinct())
    for unit_id, user_id in grants:
        holders.setdefault(unit_id, []).append(user_id)
    return holders


def _unit_url(plan: AssessmentPlan, unit_id: int) -> str:
    return reverse("assessment:unit_values", args=[plan.pk, unit_id])


def _notify_submitted(actor: Any, plan: AssessmentPlan, submission: Submission) -> None:
    """The plan owner's administrators learn that a unit's figures await their review."""
    unit = submission.unit
    title = _("%(unit)s submitted figures for %(plan)s") % {"unit": unit.name, "plan": plan.name}
    notify_each(Message(recipient_id=user_id, kind="assessment.submitted", title=title,
                        body=_("Review them: approve, or return them with a reason."),
                        url=_unit_url(plan, unit.pk), unit_path=unit.path)
                for user_id in _role_holders([plan.owner_id], (Role.ORG_ADMIN,),
                                             actor=actor).get(plan.owner_id, []))


def _notify_returned(actor: Any, plan: AssessmentPlan, submission: Submission) -> None:
    """The unit's reporters learn that their figures came back, and why."""
    unit = submission.unit
    title = _("Figures returned: %(plan)s") % {"plan": plan.name}
    body = _("The figures of %(unit)s were returned: %(reason)s") % {
        "unit": unit.name, "reason": submission.return_reason}
    notify_each(Message(recipient_id=user_id, kind="assessment.returned", title=title,
                        body=body, url=_unit_url(plan, unit.pk), unit_path=unit.path)
                for user_id in _role_holders([unit.pk], (Role.REPORTER,), actor=actor).get(
                    unit.pk, []))


def _notify_published(actor: Any, plan: AssessmentPlan, version: ResultVersion) -> None:
    """The reporters of the assessed units learn that the results are out: one query for
    them and one bulk insert, however many units the plan assesses."""
    first_unit: dict[int, str] = {}
    for user_id, path in (RoleGrant.objects.filter(
            role=Role.REPORTER, user__is_active=True,
            unit_id__in=PlanUnit.objects.filter(plan=plan).values("unit_id"))
            .exclude(user_id=actor.pk).order_by("unit__path")
            .values_list("user_id", "unit__path")):
        first_unit.setdefault(user_id, path)
    title = _("Results published: %(plan)s") % {"plan": plan.name}
    body = _("Version %(number)d of the results is published.") % {"number": version.number}
    if version.note:
        body = f"{body}\n{version.note}"
    url = reverse("assessment:board", args=[plan.pk])
    notify_each(Message(recipient_id=user_id, kind="assessment.published", title=title,
                        body=body, url=url, unit_path=path)
                for user_id, path in first_unit.items())


@transaction.atomic
def reminders_send(*, actor: Any, plan: AssessmentPlan,
                   unit_ids: list[int] | None = None) -> tuple[int, int]:
    """Remind the units that have not submitted (all of them, or those among ``unit_ids``):
    each unit's active reporters and organization administrators get a notification.

    A unit reminded within ``REMINDER_INTERVAL`` is skipped, so repeated clicks do not flood
    anyone. The plan row is locked, so two batches at once cannot both pass the throttle.
    One audit entry records the batch. Returns (units reminded, units skipped).
    """
    access.require_run(actor, plan)
    if plan.of_people:
        raise Conflict(_("A cadre's figures are entered by the plan's organizer: there is no "
                         "unit to remind."))
    plan = _locked(plan)
    _require_status(plan, PlanStatus.COLLECTING)
    pending = plan.submissions.filter(status__in=NOT_SUBMITTED)
    if unit_ids is not None:
        pending = pending.filter(unit_id__in=list(unit_ids))
    units = list(pending.order_by("unit__path").values_list("unit_id", "unit__code",
                                                            "unit__name", "unit__path"))
    topic = reminder_topic(plan)
    recent = notification_selectors.reminded_since(
        topic=topic, unit_ids=None if unit_ids is None else [u[0] for u in units],
        since=timezone.now() - REMINDER_INTERVAL)
    due = [u for u in units if u[0] not in recent]
    skipped = len(units) - len(due)
    if not due:
        return 0, skipped
    # a subquery, not a list of ids: a province-wide batch has a quarter of a million
    holders = _role_holders(pending.values("unit_id"), REMINDED_ROLES, actor=actor)
    title = _("Reminder: submit your figures for %(plan)s") % {"plan": plan.name}
    notify_each(
        Message(recipient_id=user_id, kind="assessment.reminder", title=title,
                body=_("The figures of %(unit)s for %(plan)s (%(period)s) have not been "
                       "submitted yet. Please enter and submit them.")
                % {"unit": name, "plan": plan.name, "period": plan.period.label},
                url=_unit_url(plan, unit_id), unit_path=path)
        for unit_id, _code, name, path in due for user_id in holders.get(unit_id, []))
    reminders_record(actor=actor, topic=topic,
                     recipients_by_unit={u[0]: len(holders.get(u[0], [])) for u in due})
    entry_record(actor=actor, obj=plan, action=AuditAction.UPDATE, unit_path=plan.owner.path,
                 after={"reminded": [code for _id, code, _n, _p in due], "skipped": skipped,
                        "people": sum(len(holders.get(u[0], [])) for u in due)},
                 note=_("Reminders sent to %(count)d units") % {"count": len(due)})
    return len(due), skipped
