"""Every read of supervision: the bottom of a ranking as inspection targets, the figures of
inspections and units (整改率, on-time rate, the seed-002 summary), and the findings attributed
to leading cadres, which their negative lists take in."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.errors import NotFound
from pacesetter.orgs.models import Unit
from pacesetter.supervision import access, lifecycle, schedule
from pacesetter.supervision.boards import LIGHTS, light_q
from pacesetter.supervision.models import (
    Finding,
    Inspection,
    RecheckVerdict,
    Rectification,
    RectificationState,
    Suggestion,
    Verdict,
)
from pacesetter.surveys import selectors as survey_selectors
from pacesetter.surveys import services as survey_services

# ---------------------------------------------------------------------------------------------
# the bottom of a ranking, as targets


@dataclass(frozen=True)
class RankedTarget:
    """A unit at the bottom of a ranking: why it is inspected, and the figures behind it."""

    unit: Unit
    group: str
    rank: int
    of: int
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)


def _bottom(rows: list[dict[str, Any]], bottom: int | Mapping[str, int]) -> list[dict[str, Any]]:
    """The last ``bottom`` ranked rows of each group (a number for every group, or one per
    group name); unranked rows are left out."""
    chosen = []
    for row in rows:
        n = bottom.get(row["group"], 0) if isinstance(bottom, Mapping) else bottom
        if row["rank"] and n > 0 and row["rank"] > row["of"] - n:
            chosen.append(row)
    return sorted(chosen, key=lambda r: (r["group"], -r["rank"]))


def survey_bottom(*, actor: Any, campaign_id: Any, bottom: int | Mapping[str, int]
                  ) -> tuple[Any, list[RankedTarget]]:
    """The campaign (in the actor's scope) and its lowest-ranked units per ranking group, with
    the satisfaction index and its interval as figures."""
    campaign = survey_selectors.campaign_list(actor=actor).filter(pk=_id(campaign_id)).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."))
    data = survey_services.results_current(campaign=campaign)
    rows = [{**row, "of": row["group_size"]} for row in data["targets"]]
    units = Unit.objects.in_bulk([row["unit_id"] for row in rows])
    return campaign, [
        RankedTarget(
            unit=units[row["unit_id"]], group=row["group"], rank=row["rank"], of=row["of"],
            reason=_("%(title)s: %(group)s rank %(rank)d of %(of)d, index %(index)s") % {
                "title": campaign.title, "group": row["group"] or _("all"),
                "rank": row["rank"], "of": row["of"], "index": _number(row["index"])},
            figures={"index": row["index"], "low": row["low"], "high": row["high"],
                     "rank": row["rank"], "of": row["of"], "group": row["group"],
                     "significant": row.get("significant", False)})
        for row in _bottom(rows, bottom) if row["unit_id"] in units]


def assessment_bottom(*, actor: Any, plan_id: Any, bottom: int | Mapping[str, int]
                      ) -> tuple[Any, list[RankedTarget]]:
    """The plan (in the actor's scope) and its lowest-ranked units per ranking group in its
    latest published result, with the total as figure."""
    plan = assessment_selectors.plan_list(actor=actor).filter(pk=_id(plan_id)).first()
    if plan is None:
        raise NotFound(_("Plan not found."))
    version = assessment_selectors.result_version(actor=actor, plan=plan)
    results = list(assessment_selectors.results(actor=actor, version=version))
    sizes = Counter(r.ranking_group for r in results)
    rows = [{"result": r, "group": r.ranking_group, "rank": r.group_rank,
             "of": sizes[r.ranking_group]} for r in results]
    return plan, [
        RankedTarget(
            unit=row["result"].unit, group=row["group"], rank=row["rank"], of=row["of"],
            reason=_("%(title)s: %(group)s rank %(rank)d of %(of)d, total %(total)s") % {
                "title": plan.name, "group": row["group"] or _("all"), "rank": row["rank"],
                "of": row["of"], "total": _number(row["result"].total)},
            figures={"total": float(row["result"].total), "rank": row["rank"],
                     "of": row["of"], "group": row["group"], "version": version.number})
        for row in _bottom(rows, bottom)]


def _number(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _percent(value: float | None) -> str:
    """A rate as the cards show it (one decimal)."""
    return "—" if value is None else f"{value:.1f}"


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None


# ---------------------------------------------------------------------------------------------
# findings attributed to leading cadres


def findings_attributed(since: datetime.date | None = None) -> QuerySet[Finding]:
    """Every finding attributed to a leading cadre (``Finding.person``), recorded on or after
    ``since`` (a local day) when given, oldest first, with its inspection, unit and person.
    Not scoped to a reader: it is what the cadres' negative lists are collected from, by the
    system; whoever reads the lists is scoped there. The page of each is ``finding_path``."""
    findings = Finding.objects.filter(person__isnull=False)
    if since is not None:
        findings = findings.filter(recorded_at__gte=timezone.make_aware(
            datetime.datetime.combine(since, datetime.time.min)))
    return findings.select_related("inspection", "unit", "person").order_by("recorded_at",
                                                                            "pk")


def finding_path(finding: Finding) -> str:
    """Where a finding is shown: its place on its inspection's page (``supervision:inspection``
    with the inspection's id, at the anchor ``#finding-<number>``)."""
    return (f"{reverse('supervision:inspection', args=[finding.inspection_id])}"
            f"#finding-{finding.number}")


# ---------------------------------------------------------------------------------------------
# figures


#: The states in which the unit has reported and the supervising side is to verify.
VERIFYING = frozenset({RectificationState.REPORTED, RectificationState.UNDER_REVIEW})


@dataclass(frozen=True)
class Figures:
    """What an inspection (or a unit, or a whole organizer) has found and rectified."""

    findings: int
    suggestions: int
    by_category: dict[str, int]
    by_severity: dict[str, int]
    tasks: int
    rectified: int  # completed or closed out
    rectified_on_time: int
    late: int  # open and past the deadline
    open: int  # still the unit's to do
    lights: dict[str, int]
    verifying: int = 0  # reported or under review: the supervising side's to verify
    unassigned: int = 0  # registered, not yet assigned

    @property
    def rectification_rate(self) -> float | None:
        """整改率: rectified tasks over all tasks, in percent."""
        return round(100 * self.rectified / self.tasks, 1) if self.tasks else None

    @property
    def on_time_rate(self) -> float | None:
        """Rectified on time (reported and completed by the deadline) over rectified."""
        return (round(100 * self.rectified_on_time / self.rectified, 1) if self.rectified
                else None)

    def summary(self) -> str:
        """The bulletin's sentence, as seed 002 words it."""
        rate = self.rectification_rate
        return _("%(findings)d problems pointed out and %(suggestions)d suggestions made; "
                 "%(rectified)d rectified (rate %(rate)s), %(open)d in progress (%(late)d "
                 "overdue), %(verifying)d to verify, %(unassigned)d not yet assigned.") % {
            "findings": self.findings, "suggestions": self.suggestions,
            "rectified": self.rectified,
            "rate": "—" if rate is None else f"{_percent(rate)}%",
            "open": self.open, "late": self.late, "verifying": self.verifying,
            "unassigned": self.unassigned}


def figures(*, findings: QuerySet[Finding], tasks: QuerySet[Rectification],
            today: datetime.date | None = None) -> Figures:
    """The figures of these findings and tasks (already scoped and filtered), counted by the
    database: three queries, whatever the number of tasks (the lights are
    ``boards.light_q``, the conditions that match ``schedule.traffic_light``)."""
    today = today or timezone.localdate()
    found = list(findings.order_by().values_list("category__name", "severity")
                 .annotate(n=Count("pk")))
    suggestions = Suggestion.objects.filter(finding__in=findings.order_by().values("pk")
                                            ).count()
    rectified, open_ = Q(state__in=lifecycle.RECTIFIED), Q(state__in=lifecycle.OPEN)
    counts = tasks.order_by().aggregate(
        tasks=Count("pk"), rectified=Count("pk", filter=rectified),
        on_time=Count("pk", filter=rectified & Q(reported_late=False, completed_late=False)),
        open=Count("pk", filter=open_), late=Count("pk", filter=open_ & Q(deadline__lt=today)),
        verifying=Count("pk", filter=Q(state__in=VERIFYING)),
        unassigned=Count("pk", filter=Q(state=RectificationState.REGISTERED)),
        **{f"light_{light}": Count("pk", filter=light_q(light, today)) for light in LIGHTS})
    by_category: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    for name, severity, n in found:
        by_category[name or _("Uncategorized")] += n
        by_severity[severity] += n
    return Figures(
        findings=sum(by_severity.values()), suggestions=suggestions,
        by_category=dict(by_category), by_severity=dict(by_severity),
        tasks=counts["tasks"], rectified=counts["rectified"],
        rectified_on_time=counts["on_time"], late=counts["late"], open=counts["open"],
        verifying=counts["verifying"], unassigned=counts["unassigned"],
        lights={light: counts[f"light_{light}"] for light in (
            schedule.GREEN, schedule.YELLOW, schedule.RED, schedule.NONE)})


def inspection_figures(*, actor: Any, inspection: Inspection,
                       unit: Unit | None = None) -> Figures:
    """An inspection's figures, or those of one of its target units, as the actor may see
    them."""
    findings = access.findings_in_scope(actor).filter(inspection=inspection)
    tasks = access.rectifications_in_scope(actor).filter(finding__inspection=inspection)
    if unit is not None:
        findings = findings.filter(unit__path__startswith=unit.path)
        tasks = tasks.filter(lead_unit__path__startswith=unit.path)
    return figures(findings=findings, tasks=tasks)


# ---------------------------------------------------------------------------------------------
# re-checks (回头看)


@dataclass(frozen=True)
class RecheckItem:
    """A finding a re-check revisits: its task as it stands, and the re-check's verdict."""

    finding: Finding
    task: Rectification | None
    verdict: RecheckVerdict | None

    @property
    def awaiting_verdict(self) -> bool:
        """Closed out, and not yet judged by this re-check."""
        return (self.verdict is None and self.task is not None
                and self.task.state == RectificationState.CLOSED)

    @property
    def reopen_deadline(self) -> datetime.date:
        """The deadline a reopened task gets unless another is given."""
        return schedule.default_deadline(self.finding.severity, timezone.localdate())


@dataclass(frozen=True)
class RecheckFigures:
    findings: int  # the revisited inspection's findings at the re-check's targets
    holds: int
    reopened: int
    awaiting: int  # closed out, no verdict yet
    unfinished: int  # not closed out: nothing to re-check yet

    def summary(self) -> str:
        """The re-check's sentence for the bulletin."""
        return _("Re-check of %(findings)d problems: %(holds)d rectifications hold, "
                 "%(reopened)d problems are back and reopened, %(awaiting)d closed out still "
                 "to verify, %(unfinished)d not closed out yet.") % {
            "findings": self.findings, "holds": self.holds, "reopened": self.reopened,
            "awaiting": self.awaiting, "unfinished": self.unfinished}


def recheck_items(*, actor: Any, recheck: Inspection) -> list[RecheckItem]:
    """The findings a re-check revisits, as the actor sees them: those of the inspection it
    re-checks at its target units, by unit and number, each with its task and verdict."""
    if recheck.rechecks_id is None:
        return []
    units = recheck.targets.values("unit_id")
    findings = (access.findings_in_scope(actor)
                .filter(inspection_id=recheck.rechecks_id, unit_id__in=units)
                .select_related("unit", "category", "rectification")
                .order_by("unit__path", "number"))
    verdicts = {v.finding_id: v for v in RecheckVerdict.objects.filter(
        recheck=recheck).select_related("by")}
    return [RecheckItem(finding=f, task=getattr(f, "rectification", None),
                        verdict=verdicts.get(f.pk)) for f in findings]


def recheck_figures(items: list[RecheckItem]) -> RecheckFigures:
    verdicts = Counter(i.verdict.verdict for i in items if i.verdict is not None)
    awaiting = sum(1 for i in items if i.awaiting_verdict)
    return RecheckFigures(findings=len(items), holds=verdicts[Verdict.HOLDS],
                          reopened=verdicts[Verdict.REOPENED], awaiting=awaiting,
                          unfinished=len(items) - sum(verdicts.values()) - awaiting)
