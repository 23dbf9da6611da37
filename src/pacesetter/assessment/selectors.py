"""Reads of the assessment, always through the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext as _

from pacesetter.assessment import access, explain, records
from pacesetter.assessment.models import (
    AreaResult,
    AssessmentPlan,
    Indicator,
    IndicatorValue,
    ListEntry,
    PlanIndicator,
    PlanUnit,
    ResultVersion,
    SubjectKind,
    Submission,
    SubmissionStatus,
    UnitResult,
)
from pacesetter.assessment.records import collected_counts as collected_counts
from pacesetter.assessment.records import list_items as list_items
from pacesetter.errors import NotFound
from pacesetter.notifications import selectors as notification_selectors
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit


def plan_list(*, actor: Any) -> QuerySet[AssessmentPlan]:
    return access.plans_in_scope(actor).select_related("owner", "period").order_by(
        "-period__start", "name", "pk")


def result_version(*, actor: Any, plan: AssessmentPlan, number: int | None = None
                   ) -> ResultVersion:
    """The latest published version (or ``number``); drafts only for the plan's runners."""
    versions = plan.versions.all()
    if not access.can_run(actor, plan):
        versions = versions.filter(is_published=True)
    if number is not None:
        version = versions.filter(number=number).first()
    else:
        version = (versions.filter(is_published=True).order_by("-number").first()
                   or versions.order_by("-number").first())
    if version is None:
        raise NotFound(_("No result has been published yet."))
    return version


def results(*, actor: Any, version: ResultVersion, group: str | None = None,
            list_mark: str | None = None) -> QuerySet[UnitResult]:
    """A version's results by rank: a published ranking is shown whole to everyone who sees
    the plan (it is the 通报), except a ranking of cadres, a personnel record, of which
    each organization department sees the cadres of its scope; filters by ranking group and
    list."""
    rows = version.results.select_related("unit", "person")
    plan = version.plan
    if plan.of_people and not access.can_run(actor, plan):
        rows = rows.filter(access.subjects_scope(actor, plan).q("unit__path"))
    if group is not None:
        rows = rows.filter(ranking_group=group)
    if list_mark is not None:
        rows = rows.filter(list_mark=list_mark)
    return rows.order_by("rank", "unit__code")


def list_counts(*, version: ResultVersion) -> dict[str, int]:
    """How many units each list holds in ``version`` (one grouped query)."""
    counts = dict(version.results.exclude(list_mark="").order_by().values_list("list_mark")
                  .annotate(n=Count("pk")))
    return {mark: counts.get(mark, 0) for mark in ("red", "gray", "black")}


def area_results(*, version: ResultVersion, parent: Any) -> QuerySet[AreaResult]:
    """The roll-up of ``version`` for the areas directly under ``parent`` (a unit id), by
    code: part of the published result, like the board itself."""
    return version.areas.filter(unit__parent_id=parent).select_related("unit").order_by(
        "unit__sort_order", "unit__code")


def submissions(*, actor: Any, plan: AssessmentPlan) -> QuerySet[Submission]:
    """Completeness: every assessed unit's submission for the plan's runners, the actor's own
    units for everyone else."""
    rows = plan.submissions.select_related("unit", "person")
    if not access.can_run(actor, plan):
        rows = rows.filter(access.subjects_scope(actor, plan).q("unit__path"))
    return rows.order_by("status", "unit__path", "person__position")


def unit_values(*, actor: Any, plan: AssessmentPlan, unit: Unit, person: Person | None = None
                ) -> QuerySet[IndicatorValue]:
    """A subject's figures: a unit's (``person`` None), or a cadre's."""
    if not access.can_run(actor, plan) and not access.subject_readable(actor, plan, unit):
        raise NotFound(_("Unit not found."))
    return IndicatorValue.objects.filter(plan=plan, unit=unit, person=person).select_related(
        "plan_indicator__indicator").order_by("plan_indicator__sort_order", "plan_indicator")


def _chain_paths(unit: Unit) -> list[str]:
    """The paths of ``unit`` and its ancestors, read from its own path."""
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


def catalog(*, actor: Any, unit: Unit) -> QuerySet[Indicator]:
    """Categories and indicators of ``unit``'s catalog and of the catalogs above it (one
    query); nothing of other subtrees."""
    return (Indicator.objects.filter(owner__path__in=_chain_paths(unit))
            .select_related("owner").order_by("owner__level", "sort_order", "code"))


def catalog_indicator(*, actor: Any, unit: Unit, indicator_id: Any) -> Indicator:
    """One entry of ``unit``'s catalog or of one above it, or ``NotFound``."""
    try:
        return catalog(actor=actor, unit=unit).get(pk=scope.as_id(indicator_id))
    except (Indicator.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Indicator not found.")) from None


def scored_items(*, version: ResultVersion) -> list[PlanIndicator]:
    """The plan's indicators in the order of the version's breakdown lists.

    Scoring lists them as the plan orders its indicators (sort order, then id), an order that
    no longer changes once the plan is open. ``version.weights`` names the same codes, but its
    key order is not kept on PostgreSQL (jsonb sorts object keys by length, then bytes)."""
    return list(PlanIndicator.objects.filter(plan_id=version.plan_id).select_related(
        "indicator"))


def unit_result(*, actor: Any, plan: AssessmentPlan, unit_id: Any = None,
                number: int | None = None, person_id: Any = None) -> UnitResult:
    """A subject's result (a unit's, or by ``person_id`` a cadre's) in the version
    ``result_version`` gives the actor (drafts only to the plan's runners). A published result
    is part of the bulletin (通报), so it is shown to everyone who sees the plan, except a
    cadre's: to organization departments whose scope holds the cadre's unit. A subject the
    plan does not assess is not found."""
    version = result_version(actor=actor, plan=plan, number=number)
    key, wanted, other = (("person_id", person_id, unit_id) if plan.of_people
                          else ("unit_id", unit_id, person_id))
    try:
        result = None if other is not None else version.results.select_related(
            "unit", "person", "version").get(**{key: scope.as_id(wanted)})
    except (UnitResult.DoesNotExist, TypeError, ValueError):
        result = None
    if result is None or (plan.of_people and not access.can_run(actor, plan)
                          and not access.subject_readable(actor, plan, result.unit)):
        raise NotFound(_("This person is not assessed by the plan.") if plan.of_people
                       else _("This unit is not assessed by the plan.")) from None
    return result


@dataclass(frozen=True)
class GroupPoints:
    """Points per indicator (breakdown order) of a ranking group: its mean and its best."""

    size: int
    mean: list[float]
    best: list[float]


def group_points(*, version: ResultVersion, group: str) -> GroupPoints:
    """The mean and best points per indicator among the units ranked in ``group``."""
    rows = list(version.results.filter(ranking_group=group).values_list("points", flat=True))
    columns = list(zip(*rows, strict=False)) if rows else []
    return GroupPoints(size=len(rows),
                       mean=[sum(c) / len(c) for c in columns],
                       best=[max(c) for c in columns])


@dataclass(frozen=True)
class TrendPoint:
    plan_id: int
    label: str
    version: int
    total: float
    group_rank: int


def unit_trend(*, actor: Any, result: UnitResult) -> list[TrendPoint]:
    """The unit's total and rank in group, oldest period first: the latest published version
    of each earlier plan of the series (same owner) that the actor sees, then ``result``.
    Later periods are left out, so a month's scorecard shows the way to that month."""
    version = result.version
    plan = AssessmentPlan.objects.select_related("period").get(pk=version.plan_id)
    points: dict[int, TrendPoint] = {}
    if plan.series:
        earlier = access.plans_in_scope(actor).filter(
            owner_id=plan.owner_id, series=plan.series, period__start__lt=plan.period.start)
        subject = ({"person_id": result.person_id} if result.person_id
                   else {"unit_id": result.unit_id})
        for plan_id, label, number, total, group_rank in UnitResult.objects.filter(
                **subject, version__is_published=True,
                version__plan__in=earlier).order_by(
                "version__plan__period__start", "version__plan_id", "version__number"
                ).values_list("version__plan_id", "version__plan__period__label",
                              "version__number", "total", "group_rank"):
            points[plan_id] = TrendPoint(plan_id, label, number, float(total), group_rank)
    points[plan.pk] = TrendPoint(plan.pk, plan.period.label, version.number,
                                 float(result.total), result.group_rank)
    return list(points.values())


DIFF_FIELDS = ("total", "rank", "group_rank", "list_mark")


@dataclass
class VersionDiff:
    """Two versions of a plan's result and the units whose result differs between them:
    ``changed`` holds the results of ``before`` with the ``after_*`` values beside them and a
    ``*_moved`` flag per field (``raw_moved`` for the reported figures)."""

    before: ResultVersion
    after: ResultVersion
    changed: QuerySet[UnitResult]
    counts: dict[str, int]


def version_diff(*, actor: Any, plan: AssessmentPlan, before: int, after: int) -> VersionDiff:
    """What changed from version ``before`` to version ``after``, compared in the database
    (one pass, however many units), with counts per kind of change."""
    old = result_version(actor=actor, plan=plan, number=before)
    new = result_version(actor=actor, plan=plan, number=after)
    key = "person_id" if plan.of_people else "unit_id"
    other = UnitResult.objects.filter(version=new, **{key: OuterRef(key)}).order_by()
    compared = {**{name: name for name in DIFF_FIELDS}, "raw": "raw_values"}
    rows = old.results.select_related("unit", "person").annotate(
        **{f"after_{key}": Subquery(other.values(field)[:1]) for key, field in compared.items()})
    moved = {f"{key}_moved": ~Q(**{field: F(f"after_{key}")}) for key, field in compared.items()}
    rows = rows.annotate(**{name: ExpressionWrapper(condition, output_field=BooleanField())
                            for name, condition in moved.items()})
    any_move = Q()
    for name in moved:
        any_move |= Q(**{name: True})
    changed = rows.filter(any_move)
    counts = changed.aggregate(
        units=Count("pk"),
        **{name.removesuffix("_moved"): Count("pk", filter=Q(**{name: True}))
           for name in moved})
    return VersionDiff(before=old, after=new,
                       changed=changed.order_by("after_rank", "unit__code"), counts=counts)


@dataclass(frozen=True)
class RawChange:
    code: str
    name: str
    before: float | None
    after: float | None

    @property
    def before_text(self) -> str:
        return "" if self.before is None else explain.number_words(self.before)

    @property
    def after_text(self) -> str:
        return "" if self.after is None else explain.number_words(self.after)


def raw_changes(*, diff: VersionDiff, unit_ids: list[int], items: list[PlanIndicator],
                key: str = "unit_id") -> dict[int, list[RawChange]]:
    """The reported figures that differ between the two versions, for the given subjects
    (one page of a diff; unit ids, or person ids with ``key="person_id"``): one query for
    both versions' breakdowns."""
    raws: dict[tuple[int, int], list[float | None]] = {
        (version_id, unit_id): raw
        for version_id, unit_id, raw in UnitResult.objects.filter(
            version__in=[diff.before, diff.after], **{f"{key}__in": unit_ids}).values_list(
            "version_id", key, "raw_values")}
    changes: dict[int, list[RawChange]] = {}
    for unit_id in unit_ids:
        old = raws.get((diff.before.pk, unit_id), [])
        new = raws.get((diff.after.pk, unit_id), [])
        for j, item in enumerate(items):
            was = old[j] if j < len(old) else None
            now = new[j] if j < len(new) else None
            if was != now:
                changes.setdefault(unit_id, []).append(
                    RawChange(item.indicator.code, item.indicator.name, was, now))
    return changes


NOT_SUBMITTED = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
NOT_SUBMITTED_FILTER = "not_submitted"


def reminder_topic(plan: AssessmentPlan) -> str:
    """The key under which reminders about a plan's data collection are kept."""
    return f"assessment.plan:{plan.pk}"


def completeness_counts(*, actor: Any, plan: AssessmentPlan) -> dict[str, int]:
    """How many of the submissions the actor sees are in each status (every status present)."""
    counted = dict(submissions(actor=actor, plan=plan).order_by().values_list("status")
                   .annotate(n=Count("pk")))
    return {status: counted.get(status, 0) for status in SubmissionStatus.values}


def completeness_by_parent(*, actor: Any, plan: AssessmentPlan) -> list[dict[str, Any]]:
    """Per parent unit (each city over its counties): the assessed units the actor sees and
    how many are in each status, in one grouped query, by the parents' place in the tree."""
    by_status = {status: Count("pk", filter=Q(status=status))
                 for status in SubmissionStatus.values}
    return list(submissions(actor=actor, plan=plan).order_by()
                .values(parent_id=F("unit__parent_id"), parent_name=F("unit__parent__name"),
                        parent_path=F("unit__parent__path"))
                .annotate(total=Count("pk"), **by_status).order_by("parent_path"))


def completeness_rows(*, actor: Any, plan: AssessmentPlan, status: str = "",
                      parent_id: int | None = None) -> QuerySet[Submission]:
    """The submissions the actor sees, by unit path; ``status`` is a submission status or
    ``"not_submitted"`` (a draft or returned), ``parent_id`` keeps one parent's children."""
    rows = submissions(actor=actor, plan=plan).select_related("unit__parent")
    if status == NOT_SUBMITTED_FILTER:
        rows = rows.filter(status__in=NOT_SUBMITTED)
    elif status in SubmissionStatus.values:
        rows = rows.filter(status=status)
    if parent_id is not None:
        rows = rows.filter(unit__parent_id=parent_id)
    return rows.order_by("unit__path")


def reminders_last(*, plan: AssessmentPlan, unit_ids: list[int]) -> dict[int, Any]:
    """When each of ``unit_ids`` was last reminded to report for the plan."""
    return notification_selectors.reminders_last(topic=reminder_topic(plan), unit_ids=unit_ids)


# Reads for the cadre assessment beside the plans (the ``cadres`` app).

def plan_in_scope(*, actor: Any, plan_id: Any, for_write: bool = False) -> AssessmentPlan:
    return access.get_plan_in_scope(actor, plan_id, for_write=for_write)


def can_run(*, actor: Any, plan: AssessmentPlan) -> bool:
    return access.can_run(actor, plan)


def plan_subjects(*, plan: AssessmentPlan) -> QuerySet[PlanUnit]:
    """A plan's assessed subjects (for a plan of cadres, each with the person)."""
    return PlanUnit.objects.filter(plan=plan).select_related("unit", "person").order_by(
        "unit__path", "ranking_group", "person__name")


def plan_codes(*, plan: AssessmentPlan) -> dict[str, str]:
    """The codes of the plan's indicators and their scoring rules, in the plan's order."""
    return {pi.indicator.code: pi.rule_kind for pi in PlanIndicator.objects.filter(
        plan=plan).select_related("indicator").order_by("sort_order", "pk")}


def plan_weights(*, plan: AssessmentPlan) -> dict[str, float]:
    """The weights (%) of the plan's indicators, by code."""
    return {code: float(weight) for code, weight in PlanIndicator.objects.filter(
        plan=plan).values_list("indicator__code", "weight")}


def latest_published(*, plan: AssessmentPlan) -> ResultVersion | None:
    return plan.versions.filter(is_published=True).order_by("-number").first()


def version_results(*, version: ResultVersion) -> QuerySet[UnitResult]:
    """All of a version's results, for the plan's own follow-ups (no reader's scope)."""
    return version.results.select_related("unit", "person").order_by("rank", "unit__code")


def cadre_plans(*, actor: Any) -> QuerySet[AssessmentPlan]:
    return plan_list(actor=actor).filter(subject_kind=SubjectKind.CADRE)


def cadre_results(*, person: Person) -> QuerySet[UnitResult]:
    """A cadre's published results in every plan, oldest first. The versions are found first
    (few), so that the results are read through their (version, unit, person) index."""
    versions = ResultVersion.objects.filter(plan__subject_kind=SubjectKind.CADRE,
                                            is_published=True)
    return (UnitResult.objects.filter(version__in=versions, person=person)
            .select_related("version__plan__period", "unit")
            .order_by("version__plan__period__start", "version__published_at"))


def person_entries(*, actor: Any, person: Person) -> QuerySet[ListEntry]:
    """A cadre's achievement and negative list entries the actor may read."""
    return records.entries(actor=actor).filter(person=person)
