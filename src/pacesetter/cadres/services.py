"""Writes of the cadre assessment: appraisals and their rater panels, ballots under quotas,
the sources they fill into the plan, the index's follow-ups, and the reads of a cadre's
records, which are audited like changes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter import engine
from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.assessment import services as assessment_services
from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.cadres.models import (
    RATER_SOURCES,
    Appraisal,
    AppraisalStatus,
    FollowUp,
    FollowUpStatus,
    IndexRule,
    QuotaRounding,
    Rater,
    RaterRole,
    Rating,
    Source,
    default_dimensions,
    default_grades,
)
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit
from pacesetter.projects import selectors as project_selectors
from pacesetter.supervision import selectors as supervision_selectors
from pacesetter.surveys import selectors as survey_selectors
from pacesetter.surveys import services as survey_services

SOURCE_RULES = frozenset({"normalize", "bands", "target", "rank"})
DEDUCTION = "deduction"
#: Where the negative entries of attributed findings come from (``_entry_from``'s origin type).
FINDING_ORIGIN = "supervision.finding"
APPRAISAL_FIELDS = ["dimensions", "grades", "quota_rounding", "drop_highest", "drop_lowest",
                    "sources", "survey", "unit_plan", "status"]
# The values of assessment's ListMark, EntryKind and EntrySource this app writes.
LIST_RED, LIST_BLACK = "red", "black"
KIND_ACHIEVEMENT, KIND_NEGATIVE = "achievement", "negative"
SOURCE_ASSESSMENT, SOURCE_PROJECT, SOURCE_ROADSHOW, SOURCE_INSPECTION = (
    "assessment", "project", "roadshow", "inspection")
RATER_FIELDS = ["appraisal", "name", "role", "rates_unit", "person"]
RUN_DENIED = gettext_lazy("Only the organization department running the plan may do this.")


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})


def require_run(actor: Any, plan: Any) -> None:
    if not assessment_selectors.can_run(actor=actor, plan=plan):
        raise PermissionDenied(str(RUN_DENIED))


# The appraisal's rules.

def _number(value: Any, field: str, *, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _fail(field, _("Give a number.")) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _fail(field, _("Give a number from %(low)g to %(high)g.")
                    % {"low": low, "high": high})
    return number


def _names(rows: Sequence[Mapping[str, Any]], field: str) -> list[str]:
    names = [str(row.get("name") or "").strip()[:40] for row in rows]
    if not rows or not all(names):
        raise _fail(field, _("Give each one a name."))
    if len(set(names)) != len(names):
        raise _fail(field, _("Two of them have the same name."))
    return names


def clean_dimensions(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rated dimensions (政治思想, 业务能力…), each with a positive weight."""
    names = _names(rows, "dimensions")
    return [{"name": name, "weight": _number(row.get("weight"), "dimensions", low=0.01,
                                             high=1000)}
            for name, row in zip(names, rows, strict=True)]


def clean_grades(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The grades a rater gives (优秀, 称职…), best first, each worth points, some limited to
    a share of the ballot."""
    names = _names(rows, "grades")
    cleaned = []
    for name, row in zip(names, rows, strict=True):
        grade: dict[str, Any] = {"name": name,
                                 "points": _number(row.get("points"), "grades", low=0, high=100)}
        if row.get("quota") not in (None, ""):
            grade["quota"] = _number(row.get("quota"), "grades", low=0, high=1)
        cleaned.append(grade)
    points = [g["points"] for g in cleaned]
    if points != sorted(points, reverse=True):
        raise _fail("grades", _("List the grades from best to worst."))
    return cleaned


def _clean_sources(plan: Any, sources: Mapping[str, str], survey: Any, unit_plan: Any
                   ) -> dict[str, str]:
    codes = assessment_selectors.plan_codes(plan=plan)
    cleaned: dict[str, str] = {}
    for source, code in sources.items():
        code = (code or "").strip()
        if not code:
            continue
        if source not in Source.values:
            raise _fail("sources", _("Unknown source: %(source)s.") % {"source": source})
        if source == Source.FINDINGS and codes.get(code) != DEDUCTION:
            raise _fail("sources", _("%(code)s is not a deduction item of the plan: findings "
                                     "count under one fed by the negative lists.")
                        % {"code": code})
        if source != Source.FINDINGS and codes.get(code) not in SOURCE_RULES:
            raise _fail("sources", _("%(code)s is not a weighted indicator of the plan.")
                        % {"code": code})
        cleaned[source] = code
    if len(set(cleaned.values())) != len(cleaned):
        raise _fail("sources", _("Two sources fill the same indicator."))
    if Source.PUBLIC in cleaned and survey is None:
        raise _fail("survey", _("Choose the public survey that fills %(code)s.")
                    % {"code": cleaned[Source.PUBLIC]})
    if Source.UNIT_RESULT in cleaned and unit_plan is None:
        raise _fail("unit_plan", _("Choose the units' plan whose results fill %(code)s.")
                    % {"code": cleaned[Source.UNIT_RESULT]})
    return cleaned


def _check_links(actor: Any, survey: Any, unit_plan: Any) -> None:
    if survey is not None and not survey_selectors.campaign_list(actor=actor).filter(
            pk=survey.pk).exists():
        raise _fail("survey", _("Survey not found."))
    if unit_plan is not None and (unit_plan.of_people or not assessment_selectors.plan_list(
            actor=actor).filter(pk=unit_plan.pk).exists()):
        raise _fail("unit_plan", _("Choose a plan that assesses units."))


@transaction.atomic
def appraisal_save(*, actor: Any, plan: Any, sources: Mapping[str, str],
                   survey: Any = None, unit_plan: Any = None,
                   dimensions: Sequence[Mapping[str, Any]] | None = None,
                   grades: Sequence[Mapping[str, Any]] | None = None,
                   quota_rounding: str = QuotaRounding.FLOOR, drop_highest: int = 0,
                   drop_lowest: int = 0) -> Appraisal:
    """Set up (or, before rating starts, change) the multi-source appraisal of a plan of
    cadres: which plan indicator each source fills, the dimensions and grades raters use,
    the grade quotas and how many extreme ratings a panel drops."""
    require_run(actor, plan)
    if not plan.of_people:
        raise Conflict(_("A multi-source appraisal is of leading cadres: choose a plan of "
                         "cadres."))
    if quota_rounding not in QuotaRounding.values:
        raise _fail("quota_rounding", _("Choose how quotas are rounded."))
    if drop_highest < 0 or drop_lowest < 0 or drop_highest + drop_lowest > 10:
        raise _fail("drop_highest", _("Drop from 0 to 10 ratings in all."))
    _check_links(actor, survey, unit_plan)
    appraisal = Appraisal.objects.select_for_update().filter(plan=plan).first()
    if appraisal is not None and appraisal.status != AppraisalStatus.DRAFT:
        raise Conflict(_("Rating has started: the appraisal's rules no longer change."))
    before = snapshot(appraisal, APPRAISAL_FIELDS) if appraisal else None
    appraisal = appraisal or Appraisal(plan=plan, created_by=actor)
    appraisal.sources = _clean_sources(plan, sources, survey, unit_plan)
    appraisal.survey, appraisal.unit_plan = survey, unit_plan
    appraisal.dimensions = clean_dimensions(dimensions or default_dimensions())
    appraisal.grades = clean_grades(grades or default_grades())
    appraisal.quota_rounding = quota_rounding
    appraisal.drop_highest, appraisal.drop_lowest = drop_highest, drop_lowest
    appraisal.save()
    entry_record(actor=actor, obj=appraisal,
                 action=AuditAction.UPDATE if before else AuditAction.CREATE,
                 unit_path=plan.owner.path, before=before,
                 after=snapshot(appraisal, APPRAISAL_FIELDS))
    return appraisal


STATUS_STEPS = {AppraisalStatus.RATING: AppraisalStatus.DRAFT,
                AppraisalStatus.CLOSED: AppraisalStatus.RATING}


@transaction.atomic
def appraisal_status_set(*, actor: Any, appraisal: Appraisal, status: str) -> Appraisal:
    """Open rating (the rules are fixed from then on) or close it (no more ballots)."""
    require_run(actor, appraisal.plan)
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if STATUS_STEPS.get(status) != appraisal.status:
        raise Conflict(_("The appraisal cannot go from %(now)s to that step.")
                       % {"now": appraisal.get_status_display()})
    if status == AppraisalStatus.RATING and not appraisal.raters.exists():
        raise Conflict(_("Issue codes to the rater panels before rating starts."))
    before = snapshot(appraisal, ["status"])
    appraisal.status = status
    appraisal.save(update_fields=["status"])
    entry_record(actor=actor, obj=appraisal, action=AuditAction.UPDATE,
                 unit_path=appraisal.plan.owner.path, before=before,
                 after=snapshot(appraisal, ["status"]))
    return appraisal


# Rater panels and their ballots.

def code_key(code: str) -> str:
    """What a code is kept as, its keyed hash: the phone ballot's session holds this between
    the code and the vote, never the code itself."""
    return survey_services.keyed_hash("cadre-rater", (code or "").strip().upper())


@transaction.atomic
def raters_issue(*, actor: Any, appraisal: Appraisal, role: str, rates_unit: Unit,
                 raters: Sequence[tuple[str, Person | None]]) -> list[tuple[Rater, str]]:
    """Issue one-time codes to a panel: ``raters`` are (name, person in the register or
    None); each will rate the plan's cadres in ``rates_unit``'s subtree. Returns (rater,
    code) pairs: the only time the codes exist in clear, for the printed slips."""
    require_run(actor, appraisal.plan)
    if appraisal.status == AppraisalStatus.CLOSED:
        raise Conflict(_("Rating is closed."))
    if role not in RaterRole.values:
        raise _fail("role", _("Choose the panel."))
    if not scope.manage_scope(actor).contains(rates_unit.path):
        raise NotFound(_("Unit not found."))
    cleaned = [(name.strip()[:100], person) for name, person in raters if name.strip()]
    if not cleaned:
        raise _fail("raters", _("Give at least one rater's name."))
    issued = []
    for name, person in cleaned:
        code = survey_services.panel_code_text()
        issued.append((Rater(appraisal=appraisal, name=name, role=role, rates_unit=rates_unit,
                             person=person, code_hash=code_key(code)), code))
    try:
        with transaction.atomic():
            Rater.objects.bulk_create([rater for rater, _code in issued])
    except IntegrityError:
        raise _fail("raters", _("A person can be on only one panel of an appraisal.")) from None
    if not all(rater.pk for rater, _code in issued):
        hashes = {rater.code_hash: code for rater, code in issued}
        issued = [(rater, hashes[rater.code_hash]) for rater in
                  Rater.objects.filter(code_hash__in=hashes)]
    entries_record(actor=actor, changes=[
        Change(obj=rater, action=AuditAction.CREATE, unit_path=rates_unit.path,
               after=snapshot(rater, RATER_FIELDS)) for rater, _code in issued],
        note=_("One-time code issued to the %(panel)s panel for %(unit)s")
        % {"panel": RaterRole(role).label, "unit": rates_unit.name})
    return issued


@transaction.atomic
def conflicts_declare(*, actor: Any, rater: Rater, people: Sequence[Person]) -> Rater:
    """Record the cadres ``rater`` must not rate (a relative, a superior in a dispute…):
    they leave the rater's ballot."""
    require_run(actor, rater.appraisal.plan)
    if rater.submitted_at is not None:
        raise Conflict(_("The rater has already voted."))
    before = {"conflicts": sorted(rater.conflicts.values_list("pk", flat=True))}
    rater.conflicts.set(people)
    entry_record(actor=actor, obj=rater, action=AuditAction.UPDATE,
                 unit_path=rater.rates_unit.path, before=before,
                 after={"conflicts": sorted(p.pk for p in people)})
    return rater


def ballot_cadres(rater: Rater) -> list[Any]:
    """The plan's cadres on ``rater``'s ballot: those of the unit they rate, without
    themselves and the cadres they declared a conflict of interest with."""
    excluded = set(rater.conflicts.values_list("pk", flat=True))
    if rater.person_id:
        excluded.add(rater.person_id)
    return [s for s in assessment_selectors.plan_subjects(plan=rater.appraisal.plan).filter(
        unit__path__startswith=rater.rates_unit.path) if s.person_id not in excluded]


def rater_for_code(code: str) -> Rater:
    """The rater a one-time code belongs to (``NotFound`` if none)."""
    return rater_for_key(code_key(code))


def rater_for_key(key: str, *, for_update: bool = False) -> Rater:
    """The rater whose code has the keyed hash ``key`` (``code_key``; ``NotFound`` if none);
    ``for_update`` locks the rater's row alone (not its appraisal, plan or unit, which every
    ballot reads: locking them would make the panels vote one at a time)."""
    raters = Rater.objects.select_related("appraisal__plan", "rates_unit")
    if for_update:
        raters = raters.select_for_update(of=("self",))
    rater = raters.filter(code_hash=key).first() if key else None
    if rater is None:
        raise NotFound(_("This code is not valid. Check it and try again."))
    return rater


@dataclass(frozen=True)
class BallotRating:
    grade: str
    dimension_grades: list[str]


def _quota_message(appraisal: Appraisal, excess: dict[str, int], size: int) -> str:
    grade = next(iter(excess))
    allowed = engine.quota_allowed(appraisal.quotas[grade], size,
                                   rounding=appraisal.quota_rounding)
    return _("At most %(allowed)d of the %(size)d cadres on your ballot may be graded "
             "%(grade)s; you gave %(given)d. Change %(over)d of them.") % {
        "allowed": allowed, "size": size, "grade": grade, "given": allowed + excess[grade],
        "over": excess[grade]}


def _ratings_checked(appraisal: Appraisal, cadres: list[Any],
                     ratings: Mapping[int, BallotRating]) -> list[Rating]:
    points = {g["name"]: float(g["points"]) for g in appraisal.grades}
    width = len(appraisal.dimensions)
    on_ballot = {s.person_id: s for s in cadres}
    errors = [{"field": f"cadre-{pid}", "message": _("This cadre is not on your ballot.")}
              for pid in ratings if pid not in on_ballot]
    rows = []
    for pid, subject in on_ballot.items():
        rating = ratings.get(pid)
        if (rating is None or rating.grade not in points
                or len(rating.dimension_grades) != width
                or any(g not in points for g in rating.dimension_grades)):
            errors.append({"field": f"cadre-{pid}",
                           "message": _("Give %(name)s an overall grade and a grade on every "
                                        "dimension.") % {"name": subject.person.name}})
            continue
        rows.append(Rating(person_id=pid, grade=rating.grade,
                           dimension_points=[points[g] for g in rating.dimension_grades]))
    if errors:
        raise ValidationFailed(_("The ballot is not complete: %(count)d cadres need a "
                                 "grade; nothing was saved.") % {"count": len(errors)},
                               extra={"errors": errors})
    excess = engine.quota_excess([r.grade for r in rows], appraisal.quotas,
                                 rounding=appraisal.quota_rounding)
    if excess:
        raise _fail("grade", _quota_message(appraisal, excess, len(rows)))
    return rows


@transaction.atomic
def ballot_submit(*, ratings: Mapping[int, BallotRating], code: str = "", key: str = ""
                  ) -> int:
    """A rater's whole ballot, once: every cadre on it graded overall and on each dimension,
    the grade quotas kept (checked before anything is saved), the code spent: ``code`` as
    typed, or its ``key`` (``code_key``). Returns the number of ratings."""
    rater = rater_for_key(key or code_key(code), for_update=True)
    if rater.submitted_at is not None:
        raise Conflict(_("This code has already been used to vote."))
    if rater.appraisal.status != AppraisalStatus.RATING:
        raise Conflict(_("Rating is not open."))
    cadres = ballot_cadres(rater)
    if not cadres:
        raise Conflict(_("There is no cadre on your ballot."))
    rows = _ratings_checked(rater.appraisal, cadres, ratings)
    for row in rows:
        row.rater = rater
    Rating.objects.bulk_create(rows)
    rater.submitted_at = timezone.now()
    rater.save(update_fields=["submitted_at"])
    entry_record(actor=None, obj=rater, action=AuditAction.UPDATE,
                 unit_path=rater.rates_unit.path, before={"submitted_at": None},
                 after=snapshot(rater, ["submitted_at"]),
                 note=_("Ballot submitted: %(count)d cadres rated") % {"count": len(rows)})
    return len(rows)


# The sources, into the plan's indicators.

def _panel_scores(appraisal: Appraisal, person_ids: list[int]) -> dict[str, np.ndarray]:
    """Per rater panel, each cadre's score (``engine.panel_score``), NaN where unrated."""
    position = {pid: n for n, pid in enumerate(person_ids)}
    weights = [float(d["weight"]) for d in appraisal.dimensions]
    ratings = (Rating.objects.filter(rater__appraisal=appraisal,
                                     rater__submitted_at__isnull=False)
               .values_list("rater_id", "rater__role", "person_id", "dimension_points"))
    by_role: dict[str, dict[int, list[tuple[int, list[float]]]]] = {}
    for rater_id, role, person_id, dimension_points in ratings:
        if person_id in position:
            by_role.setdefault(role, {}).setdefault(rater_id, []).append(
                (position[person_id], dimension_points))
    scores = {}
    for role, raters in by_role.items():
        cube = np.full((len(raters), len(person_ids), len(weights)), np.nan)
        for r, rows in enumerate(raters.values()):
            for cadre, dimension_points in rows:
                cube[r, cadre, :] = dimension_points
        scores[role] = engine.panel_score(cube, weights, drop_highest=appraisal.drop_highest,
                                          drop_lowest=appraisal.drop_lowest)
    return scores


def _by_unit(appraisal: Appraisal) -> dict[str, dict[int, float]]:
    found: dict[str, dict[int, float]] = {}
    if appraisal.survey is not None and Source.PUBLIC in appraisal.sources:
        data = survey_services.results_current(campaign=appraisal.survey)
        found[Source.PUBLIC] = {row["unit_id"]: row["index"] for row in data["targets"]
                                if row["index"] is not None}
    if appraisal.unit_plan is not None and Source.UNIT_RESULT in appraisal.sources:
        version = assessment_selectors.latest_published(plan=appraisal.unit_plan)
        found[Source.UNIT_RESULT] = {} if version is None else {
            r.unit_id: float(r.total) for r in assessment_selectors.version_results(
                version=version)}
    return found


@dataclass
class SourceRow:
    subject: Any
    scores: list[float | None]
    coverage: float


def source_table(appraisal: Appraisal) -> tuple[list[str], list[SourceRow]]:
    """Each cadre's score from each configured source (None where the source has none), and
    the share of the sources' weight behind them (``engine.multi_source_composite``)."""
    subjects = list(assessment_selectors.plan_subjects(plan=appraisal.plan))
    sources = [s for s in Source.values if s in appraisal.sources]  # jsonb keeps no order
    if not subjects or not sources:
        return sources, [SourceRow(s, [None] * len(sources), 0.0) for s in subjects]
    panels = _panel_scores(appraisal, [s.person_id for s in subjects])
    units = _by_unit(appraisal)
    matrix = np.full((len(subjects), len(sources)), np.nan)
    for j, source in enumerate(sources):
        if source in RATER_SOURCES:
            matrix[:, j] = panels.get(source, np.full(len(subjects), np.nan))
        elif source == Source.FINDINGS:
            found = assessment_selectors.collected_counts(appraisal.plan, FINDING_ORIGIN)
            matrix[:, j] = [found.get(s.person_id, 0) for s in subjects]
        else:
            values = units.get(source, {})
            matrix[:, j] = [values.get(s.unit_id, np.nan) for s in subjects]
    weights = _source_weights(appraisal, sources)
    coverage = engine.multi_source_composite(matrix, weights).coverage
    return sources, [
        SourceRow(s, [None if np.isnan(v) else round(float(v), 2) for v in matrix[i]],
                  round(float(coverage[i]), 4))
        for i, s in enumerate(subjects)]


def _source_weights(appraisal: Appraisal, sources: list[str]) -> list[float]:
    weights = assessment_selectors.plan_weights(plan=appraisal.plan)
    found = [float(weights.get(appraisal.sources[s], 0)) for s in sources]
    return found if any(w > 0 for w in found) else [1.0] * len(sources)


@transaction.atomic
def appraisal_fill(*, actor: Any, appraisal: Appraisal) -> int:
    """Write each cadre's source scores into the plan's source indicators, as the cadre's
    figures (the plan must be collecting); a source without a score for a cadre is left
    empty, and scores 0 under the plan's rule. The findings attributed to the cadres within
    the period are made to count under the deduction item chosen for them. Returns how many
    figures and findings changed."""
    require_run(actor, appraisal.plan)
    if appraisal.status == AppraisalStatus.DRAFT:
        raise Conflict(_("Open rating first: the panels' scores come from their ballots."))
    sources, rows = source_table(appraisal)
    labels = {source: str(Source(source).label) for source in sources}
    figures = [(row.subject.unit, row.subject.person,
                {appraisal.sources[source]: (Decimal(str(score)), labels[source])
                 for source, score in zip(sources, row.scores, strict=True)
                 if score is not None and source != Source.FINDINGS}) for row in rows]
    changed = assessment_services.values_save_many(
        actor=actor, plan=appraisal.plan, figures=[f for f in figures if f[2]])
    if Source.FINDINGS in appraisal.sources:
        item = next(i for i in assessment_selectors.list_items(appraisal.plan)
                    if i.indicator.code == appraisal.sources[Source.FINDINGS])
        changed += assessment_services.collected_count_under(
            actor=actor, plan=appraisal.plan, plan_indicator=item, origin_type=FINDING_ORIGIN)
    return changed


# The responsibility index: bands, and the follow-ups they call for.

def clean_bands(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Ascending bands: the first from the bottom (no ``min``), each next from its ``min``."""
    if not rows:
        raise _fail("bands", _("Give at least one band."))
    cleaned = []
    for n, row in enumerate(rows):
        label = str(row.get("label") or "").strip()[:100]
        if not label:
            raise _fail("bands", _("Give each band a name."))
        low = None if n == 0 else _number(row.get("min"), "bands", low=-1000, high=1000)
        cleaned.append({"min": low, "label": label,
                        "action": str(row.get("action") or "").strip()[:300],
                        "candidate": bool(row.get("candidate"))})
    edges = [b["min"] for b in cleaned[1:]]
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise _fail("bands", _("Each band must start above the one before."))
    return cleaned


@transaction.atomic
def index_rule_save(*, actor: Any, plan: Any, bands: Sequence[Mapping[str, Any]]
                    ) -> IndexRule:
    """Make a plan of cadres their responsibility index, with its bands and actions."""
    require_run(actor, plan)
    if not plan.of_people:
        raise Conflict(_("The responsibility index is of leading cadres: choose a plan of "
                         "cadres."))
    rule = IndexRule.objects.select_for_update().filter(plan=plan).first()
    before = snapshot(rule, ["bands"]) if rule else None
    rule = rule or IndexRule(plan=plan, created_by=actor)
    rule.bands = clean_bands(bands)
    rule.save()
    entry_record(actor=actor, obj=rule, action=AuditAction.UPDATE if before
                 else AuditAction.CREATE, unit_path=plan.owner.path, before=before,
                 after=snapshot(rule, ["bands"]))
    return rule


def band_indexes(rule: IndexRule, totals: Sequence[float]) -> list[int]:
    """The band of each total (``engine.band_of`` at the bands' lower edges)."""
    if not totals:
        return []
    edges = [b["min"] for b in rule.bands[1:]]
    if not edges:
        return [0] * len(totals)
    return [int(b) for b in engine.band_of(totals, edges)]


def follow_ups_raise(*, version: Any) -> int:
    """The follow-ups a published version's indexes call for, one per cadre in a band with
    an action (none twice for a version). Returns how many were raised."""
    rule = IndexRule.objects.filter(plan_id=version.plan_id).first()
    if rule is None:
        return 0
    results = list(assessment_selectors.version_results(version=version))
    bands = band_indexes(rule, [float(r.total) for r in results])
    raised = [FollowUp(rule=rule, version=version, person_id=r.person_id, unit_id=r.unit_id,
                       index=r.total, band=rule.bands[b]["label"],
                       action=rule.bands[b]["action"])
              for r, b in zip(results, bands, strict=True)
              if rule.bands[b]["action"] and r.person_id]
    FollowUp.objects.bulk_create(raised, ignore_conflicts=True)
    saved = FollowUp.objects.filter(rule=rule, version=version).select_related("unit")
    entries_record(actor=None, changes=[
        Change(obj=f, action=AuditAction.CREATE, unit_path=f.unit.path,
               after=snapshot(f, ["person", "index", "band", "action"])) for f in saved],
        note=_("Raised by the responsibility index of %(plan)s") % {"plan": version.plan})
    return len(raised)


@transaction.atomic
def follow_up_close(*, actor: Any, follow_up: FollowUp, outcome: str) -> FollowUp:
    """Record what was done (the conversation held, the review made) and close it."""
    follow_up = FollowUp.objects.select_for_update().select_related("unit").get(
        pk=follow_up.pk)
    if not scope.manage_scope(actor).contains(follow_up.unit.path):
        raise NotFound(_("Follow-up not found."))
    if follow_up.status == FollowUpStatus.DONE:
        raise Conflict(_("This follow-up is already closed."))
    if not outcome.strip():
        raise _fail("outcome", _("Say what was done."))
    before = snapshot(follow_up, ["status", "outcome"])
    follow_up.status, follow_up.outcome = FollowUpStatus.DONE, outcome.strip()[:2000]
    follow_up.closed_by, follow_up.closed_at = actor, timezone.now()
    follow_up.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
    entry_record(actor=actor, obj=follow_up, action=AuditAction.UPDATE,
                 unit_path=follow_up.unit.path, before=before,
                 after=snapshot(follow_up, ["status", "outcome"]))
    return follow_up


# Reads of personnel records, audited.

def record_read(*, actor: Any, person: Person, what: str) -> None:
    """Record that ``actor`` read ``person``'s cadre records (``what``: the profile, an
    export): personnel records are audited when read, not only when changed."""
    entry_record(actor=actor, obj=person, action=AuditAction.VIEW, unit_path=person.unit.path,
                 note=what[:300])


# Entries that flow onto cadres' lists from other areas, each linked to its origin.

def _entry_from(*, person: Any, kind: str, source: str, date: Any, text: str, origin: Any,
                label: str, url: str) -> bool:
    """One entry on ``person``'s list (at their present unit), once per origin."""
    _entry, created = assessment_services.list_entry_from_origin(
        unit=person.unit, person=person,
        kind=kind, source=source, date=date, text=text[:2000],
        origin_type=origin._meta.label_lower, origin_id=origin.pk, origin_label=label[:300],
        origin_url=url)
    return created


def lists_from_results(*, version: Any) -> int:
    """A published ranking of cadres: its red list onto their achievement lists, its black
    list onto their negative lists (``上就从红榜选、下就从黑榜出``). Returns entries added."""
    plan = version.plan
    added = 0
    for result in assessment_selectors.version_results(version=version).filter(
            list_mark__in=[LIST_RED, LIST_BLACK], person__isnull=False):
        red = result.list_mark == LIST_RED
        label = (_("Red list of %(plan)s, rank %(rank)d") if red
                 else _("Black list of %(plan)s, rank %(rank)d")) % {
            "plan": plan.name, "rank": result.group_rank}
        added += _entry_from(
            person=result.person, kind=KIND_ACHIEVEMENT if red else KIND_NEGATIVE,
            source=SOURCE_ASSESSMENT, date=timezone.localdate(version.published_at),
            text=label, origin=result, label=label,
            url=reverse("assessment:cadre_scorecard", args=[plan.pk, result.person_id]))
    return added


def _local_day(moment: Any) -> Any:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


@transaction.atomic
def lists_collect(*, since: Any = None) -> int:
    """Collect onto cadres' lists what other areas recorded about them, each entry linked to
    its origin and never twice: a project they led accepted with a grade and a roadshow their
    project presented at (achievement list), a finding attributed to them (negative list).
    Run by the scheduler every few minutes and after the demo is loaded. Returns how many
    entries were added."""
    added = 0
    for project in project_selectors.accepted_projects_with_leader(since):
        label = _("Project %(title)s accepted: %(grade)s") % {
            "title": project.title, "grade": project.get_grade_display()}
        added += _entry_from(person=project.leader, kind=KIND_ACHIEVEMENT,
                             source=SOURCE_PROJECT, date=_local_day(project.accepted_at),
                             text=label, origin=project, label=label,
                             url=project_selectors.project_path(project))
    for row in project_selectors.roadshow_results_with_leader(since):
        label = _("Roadshow %(roadshow)s: %(project)s scored %(result).2f of %(maximum)g, "
                  "rank %(rank)d of %(of)d") % {
            "roadshow": row.roadshow.title, "project": row.project.title,
            "result": row.result, "maximum": row.maximum, "rank": row.rank, "of": row.of}
        added += _entry_from(person=row.leader, kind=KIND_ACHIEVEMENT, source=SOURCE_ROADSHOW,
                             date=row.roadshow.held_on, text=label, origin=row.presentation,
                             label=label, url=row.path)
    for finding in supervision_selectors.findings_attributed(since):
        label = _("Finding of %(inspection)s: %(text)s") % {
            "inspection": finding.inspection.title, "text": finding.description}
        added += _entry_from(person=finding.person, kind=KIND_NEGATIVE,
                             source=SOURCE_INSPECTION, date=_local_day(finding.recorded_at),
                             text=label, origin=finding, label=label,
                             url=supervision_selectors.finding_path(finding))
    return added
