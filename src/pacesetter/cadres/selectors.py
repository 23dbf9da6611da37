"""Reads of cadre records. A cadre's records are personnel records: only organization
departments (``scope.manage_scope``) over the cadre's unit read them."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.cadres.models import (
    Appraisal,
    FollowUp,
    FollowUpStatus,
    IndexRule,
    Rater,
    RaterRole,
    Rating,
)
from pacesetter.cadres.services import band_indexes
from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person
from pacesetter.projects import selectors as project_selectors


def _id(value: Any) -> int:
    try:
        return scope.as_id(value)
    except (TypeError, ValueError):
        return 0


def cadre_in_scope(actor: Any, person_id: Any) -> Person:
    """A person whose cadre records the actor may read (``NotFound`` otherwise)."""
    person = Person.objects.select_related("unit").filter(pk=_id(person_id)).first()
    if person is None or not scope.manage_scope(actor).contains(person.unit.path):
        raise NotFound(_("Cadre not found."))
    return person


def appraisal_in_scope(actor: Any, plan_id: Any) -> tuple[Any, Appraisal | None]:
    """A plan of cadres the actor runs, and its appraisal if it has one."""
    plan = assessment_selectors.plan_in_scope(actor=actor, plan_id=plan_id, for_write=True)
    if not plan.of_people:
        raise NotFound(_("Assessment plan not found."))
    return plan, Appraisal.objects.filter(plan=plan).first()


@dataclass(frozen=True)
class PanelProgress:
    role: str
    label: str
    issued: int
    voted: int


def panel_progress(appraisal: Appraisal) -> list[PanelProgress]:
    """Per panel, the codes issued and the ballots in."""
    counts = {row["role"]: row for row in appraisal.raters.values("role").annotate(
        issued=Count("pk"), voted=Count("pk", filter=Q(submitted_at__isnull=False)))}
    return [PanelProgress(role, str(label), counts.get(role, {}).get("issued", 0),
                          counts.get(role, {}).get("voted", 0))
            for role, label in RaterRole.choices]


def raters(appraisal: Appraisal) -> QuerySet[Rater]:
    return appraisal.raters.select_related("rates_unit", "person").prefetch_related("conflicts")


def follow_ups(*, actor: Any, status: str | None = None, person: Person | None = None
               ) -> QuerySet[FollowUp]:
    rows = FollowUp.objects.filter(scope.manage_scope(actor).q("unit__path")).select_related(
        "person", "unit", "version__plan", "closed_by")
    if status:
        rows = rows.filter(status=status) if status in FollowUpStatus.values else rows.none()
    if person is not None:
        rows = rows.filter(person=person)
    return rows


def follow_up_in_scope(actor: Any, follow_up_id: Any) -> FollowUp:
    found = follow_ups(actor=actor).filter(pk=_id(follow_up_id)).first()
    if found is None:
        raise NotFound(_("Follow-up not found."))
    return found


@dataclass
class Candidate:
    person: Person
    plan: Any
    total: Any
    reason: str


def candidates(*, actor: Any) -> list[Candidate]:
    """Candidates for selection (``上就从红榜选``): the cadres on the red list of each plan of
    cadres' latest published ranking, and those in a candidate band of a responsibility
    index, in the actor's scope, best first."""
    reading = scope.manage_scope(actor)
    found: dict[int, Candidate] = {}
    plans = list(assessment_selectors.cadre_plans(actor=actor))
    rules = {r.plan_id: r for r in IndexRule.objects.filter(plan__in=plans)}
    for plan in plans:
        version = assessment_selectors.latest_published(plan=plan)
        if version is None:
            continue
        rule = rules.get(plan.pk)
        rows = [r for r in assessment_selectors.version_results(version=version)
                if r.person_id and reading.contains(r.unit.path)]
        bands = band_indexes(rule, [float(r.total) for r in rows]) if rule else []
        for n, row in enumerate(rows):
            reasons = []
            if row.list_mark == "red":
                reasons.append(_("red list of %(plan)s") % {"plan": plan.name})
            if rule and rule.bands[bands[n]].get("candidate"):
                reasons.append(_("%(band)s in %(plan)s") % {"band": rule.bands[bands[n]]["label"],
                                                            "plan": plan.name})
            if reasons:
                previous = found.get(row.person_id)
                reason = "；".join(reasons)
                found[row.person_id] = Candidate(
                    row.person, plan, row.total,
                    f"{previous.reason}；{reason}" if previous else reason)
    return sorted(found.values(), key=lambda c: (-float(c.total), c.person.name))


@dataclass
class TimelineEvent:
    date: datetime.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""


@dataclass
class Profile:
    person: Person
    results: list[Any]
    entries: list[Any]
    follow_ups: list[FollowUp]
    appraisals: list[dict[str, Any]]
    index_trend: dict[str, Any]
    projects: list[Any] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)

    @property
    def achievements(self) -> list[Any]:
        return [e for e in self.entries if e.kind == "achievement"]

    @property
    def negatives(self) -> list[Any]:
        return [e for e in self.entries if e.kind == "negative"]


def _appraisal_summaries(person: Person) -> list[dict[str, Any]]:
    """Per appraisal, how many rated the cadre on each panel and the grades given, never who
    gave which (the raters' ballots are secret)."""
    summaries: dict[int, dict[str, Any]] = {}
    for rating in Rating.objects.filter(person=person).select_related(
            "rater__appraisal__plan__period"):
        appraisal = rating.rater.appraisal
        summary = summaries.setdefault(appraisal.pk, {
            "appraisal": appraisal, "panels": Counter(), "grades": Counter()})
        summary["panels"][rating.rater.get_role_display()] += 1
        summary["grades"][rating.grade] += 1
    return [{"appraisal": s["appraisal"], "panels": dict(s["panels"]),
             "grades": [(g, s["grades"].get(g, 0)) for g in s["appraisal"].grade_names]}
            for s in summaries.values()]


def _index_trend(results: list[Any]) -> dict[str, Any]:
    """The responsibility index over the periods (the results of plans with an index rule)."""
    rules = {r.plan_id: r for r in IndexRule.objects.filter(
        plan_id__in={r.version.plan_id for r in results})}
    points = [r for r in results if r.version.plan_id in rules]
    edges = sorted({b["min"] for rule in rules.values() for b in rule.bands[1:]})
    return {"labels": [f"{r.version.plan.period.label}" for r in points],
            "values": [round(float(r.total), 2) for r in points],
            "plans": [r.version.plan.name for r in points], "edges": edges,
            "name": _("Responsibility index")}


def _timeline(profile: Profile) -> list[TimelineEvent]:
    events = [TimelineEvent(
        timezone.localdate(r.version.published_at) if r.version.published_at
        else r.version.plan.period.end, "result",
        _("%(plan)s: %(total)s points, rank %(rank)d of the group") % {
            "plan": r.version.plan.name, "total": f"{r.total:.2f}", "rank": r.group_rank},
        r.get_list_mark_display() if r.list_mark else "",
        reverse("assessment:cadre_scorecard", args=[r.version.plan_id, profile.person.pk]))
        for r in profile.results]
    events += [TimelineEvent(e.date, e.kind, e.text[:120], e.get_source_display(),
                             getattr(e, "origin_url", "") or "")
               for e in profile.entries]
    events += [TimelineEvent(timezone.localdate(f.created_at), "follow_up",
                             f"{f.band}：{f.action}", f.get_status_display())
               for f in profile.follow_ups]
    return sorted(events, key=lambda e: e.date, reverse=True)


def profile(*, actor: Any, person: Person) -> Profile:
    """Everything on a cadre: results in every plan, list entries, follow-ups, appraisals,
    the index's trend, the projects they lead or own, and the timeline of them all."""
    results = list(assessment_selectors.cadre_results(person=person))
    found = Profile(
        person=person, results=results,
        entries=list(assessment_selectors.person_entries(actor=actor, person=person)),
        follow_ups=list(follow_ups(actor=actor, person=person)),
        appraisals=_appraisal_summaries(person), index_trend=_index_trend(results),
        projects=list(project_selectors.person_projects(person=person)))
    found.timeline = _timeline(found)
    return found


def open_follow_up_count(*, actor: Any) -> int:
    return follow_ups(actor=actor, status=FollowUpStatus.OPEN).count()
