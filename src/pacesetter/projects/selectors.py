"""Every read of projects, filtered by the caller's scope (``access``); and, for the system
that collects the leading cadres' achievement lists, the accepted projects and the roadshow
results of the projects' responsible leaders."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Case, CharField, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.engine import rank as engine_rank
from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit
from pacesetter.projects import access, lifecycle, schedule, scoring
from pacesetter.projects.models import (
    Claim,
    Grade,
    Judge,
    JudgeGroup,
    Milestone,
    Portfolio,
    Presentation,
    ProgressUpdate,
    Project,
    ProjectState,
    Roadshow,
    RoadshowPurpose,
    RoadshowState,
    Score,
)
from pacesetter.projects.schedule import MilestoneFacts


@dataclass(frozen=True)
class MilestoneView:
    milestone: Any  # a Milestone, or a MilestoneLine in lists
    state: str


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    health: str
    percent: int
    milestones: list[MilestoneView]
    report_late: bool
    next_report_due: datetime.date | None
    roles: set[str]
    steps: list[lifecycle.Step]


def facts(milestone: Any) -> MilestoneFacts:
    return MilestoneFacts(due_on=milestone.due_on, percent=milestone.percent,
                          done_on=milestone.done_on)


def health_of(project: Project, known: list[MilestoneFacts], today: datetime.date,
              portfolio: Portfolio) -> str:
    """The project's schedule health; a finished project (accepted or terminated) is done,
    whatever its milestones: nothing is chased on it any more."""
    if project.state in lifecycle.FINISHED:
        return schedule.DONE
    return schedule.project_health(known, today, portfolio.at_risk_days, project.deadline)


def project_overview(*, actor: Any, project: Project,
                     today: datetime.date | None = None) -> ProjectOverview:
    """A project as its page shows it: derived health and completion, each milestone's
    state, whether the owner is late with the cadence's report, and the steps open to the
    actor."""
    today = today or timezone.localdate()
    portfolio = project.portfolio
    milestones = list(project.milestones.all())
    known = [facts(m) for m in milestones]
    last = project.updates.order_by("-reported_at").values_list("reported_at", flat=True).first()
    last_day = timezone.localdate(last) if last else None
    running = project.state in lifecycle.RUNNING
    roles = access.roles_on(actor, project)
    return ProjectOverview(
        project=project,
        health=health_of(project, known, today, portfolio),
        percent=schedule.percent_complete(known),
        milestones=[MilestoneView(m, schedule.milestone_state(f, today,
                                                              portfolio.at_risk_days))
                    for m, f in zip(milestones, known, strict=True)],
        report_late=running and schedule.report_late(last_day, project.starts_on,
                                                     portfolio.cadence, today),
        next_report_due=schedule.report_due(last_day, project.starts_on,
                                            portfolio.cadence) if running else None,
        roles=roles,
        steps=lifecycle.steps_from(project.state, roles),
    )


def units_acting_under(*, actor: Any, portfolio: Portfolio) -> list[Unit]:
    """The units for which the actor claims or proposes projects of the portfolio: those they
    administer (the roots of their managed subtrees) strictly under the organizer."""
    manage = scope.manage_scope(actor)
    owner = portfolio.owner.path
    if manage.everything:
        return []  # a system administrator runs the portfolio; they claim for no one
    paths = [p for p in manage.paths if p.startswith(owner) and p != owner]
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def project_claims(*, actor: Any, project: Project, roles: set[str]) -> list[Claim]:
    """The project's claims the actor may see: all of them for the organizer, otherwise only
    those of units in the actor's scope (two-way selection is not a public contest)."""
    claims = project.claims.select_related("unit", "applied_by", "decided_by")
    if lifecycle.ORGANIZER not in roles:
        claims = claims.filter(scope.read_scope(actor).q("unit__path"))
    return list(claims)


# ---------------------------------------------------------------------------------------------
# portfolios: the list, the battle map (挂图作战) and the board


@dataclass(frozen=True)
class ProjectRow:
    """A project as the battle map, the board and the lists show it."""

    project: Project
    health: str
    percent: int
    milestones: list[MilestoneView]
    report_late: bool
    last_report: datetime.date | None


@dataclass(frozen=True)
class PortfolioFilters:
    unit: int | None = None
    category: str = ""
    leader: int | None = None
    state: str = ""
    health: str = ""
    text: str = ""


def portfolio_projects(*, actor: Any, portfolio: Portfolio,
                       filters: PortfolioFilters = PortfolioFilters(),
                       today: datetime.date | None = None) -> list[ProjectRow]:
    """The portfolio's projects the actor sees, with their derived health, completion and
    milestone states, filtered: ``unit`` keeps projects led or co-run by the unit or a unit
    under it; ``health`` filters on the derived health. Two queries whatever the size."""
    return _portfolio_rows(access.projects_in_scope(actor).filter(portfolio=portfolio),
                           portfolio, filters, today or timezone.localdate())


def _portfolio_rows(projects: Any, portfolio: Portfolio, filters: PortfolioFilters,
                    today: datetime.date) -> list[ProjectRow]:
    projects = projects.select_related("lead_unit", "leader", "owner", "proposed_by").order_by(
        "code", "pk")
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        if unit is None:
            return []
        projects = projects.filter(Q(lead_unit__path__startswith=unit) | Q(
            co_units__path__startswith=unit)).distinct()
    if filters.category:
        projects = projects.filter(category=filters.category)
    if filters.leader is not None:
        projects = projects.filter(leader_id=filters.leader)
    if filters.state:
        projects = projects.filter(state=filters.state)
    if filters.text:
        projects = projects.filter(Q(title__icontains=filters.text)
                                   | Q(code__icontains=filters.text))
    projects = list(projects)
    ids = {p.pk for p in projects}
    last_reports = _last_reports(portfolio, ids)
    for project in projects:
        project.last_report = last_reports.get(project.pk)
    lines = _milestone_lines(portfolio, ids)
    rows = [_project_row(project, portfolio, today, lines.get(project.pk, []))
            for project in projects]
    if filters.health:  # a terminated project is "done" only for the schedule, not here
        rows = [row for row in rows if row.health == filters.health and not (
            row.project.state == ProjectState.TERMINATED and filters.health == schedule.DONE)]
    return rows


def _last_reports(portfolio: Portfolio, project_ids: set[int]) -> dict[int, datetime.datetime]:
    """When each project last reported: one grouped query on the reports alone (as an
    annotation of the projects it grouped every project and unit column, twice the cost)."""
    updates = ProgressUpdate.objects.filter(project__portfolio=portfolio)
    if len(project_ids) <= SHORT_IN_LIST:
        updates = updates.filter(project_id__in=project_ids)
    return dict(updates.values("project").annotate(last=Max("reported_at")).values_list(
        "project", "last"))


#: Up to this many projects, their rows are read by id; beyond, the whole portfolio's rows are
#: read and the others skipped (a long ``IN`` list costs more than the rows it saves).
SHORT_IN_LIST = 1000


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    """A milestone read for a list: its fields without a model instance, which would cost
    more than the rest of the battle map's row."""

    pk: int
    position: int
    title: str
    due_on: datetime.date
    deliverable: str
    percent: int
    done_on: datetime.date | None


def _milestone_lines(portfolio: Portfolio, project_ids: set[int]
                     ) -> dict[int, list[MilestoneLine]]:
    """The milestones of the portfolio's projects among ``project_ids``, in order: one query."""
    lines: dict[int, list[MilestoneLine]] = {}
    milestones = Milestone.objects.filter(project__portfolio=portfolio)
    if len(project_ids) <= SHORT_IN_LIST:
        milestones = milestones.filter(project_id__in=project_ids)
    for project_id, *fields in milestones.order_by(
            "project", "position", "due_on", "pk").values_list(
            "project_id", "pk", "position", "title", "due_on", "deliverable", "percent",
            "done_on"):
        if project_id in project_ids:
            lines.setdefault(project_id, []).append(MilestoneLine(*fields))
    return lines


def _project_row(project: Project, portfolio: Portfolio, today: datetime.date,
                 milestones: list[Any] | None = None) -> ProjectRow:
    """``milestones``: the project's, read beforehand (else from its prefetched relation)."""
    if milestones is None:
        milestones = list(project.milestones.all())
    known = [facts(m) for m in milestones]
    last = getattr(project, "last_report", None)
    last_day = timezone.localdate(last) if last else None
    running = project.state in lifecycle.RUNNING
    return ProjectRow(
        project=project,
        health=health_of(project, known, today, portfolio),
        percent=schedule.percent_complete(known),
        milestones=[MilestoneView(m, schedule.milestone_state(f, today, portfolio.at_risk_days))
                    for m, f in zip(milestones, known, strict=True)],
        report_late=running and schedule.report_late(last_day, project.starts_on,
                                                     portfolio.cadence, today),
        last_report=last_day)


def health_counts(rows: Iterable[ProjectRow]) -> dict[str, int]:
    """How many projects are overdue, at risk, on track, done: the battle map's legend."""
    counts = dict.fromkeys(schedule.HEALTH_ORDER, 0)
    for row in rows:
        counts[row.health] += 1
    return counts


def board_columns(rows: Iterable[ProjectRow]) -> list[tuple[str, str, list[ProjectRow]]]:
    """The board: one column per lifecycle state (code, label, rows), in lifecycle order,
    the empty ones left out."""
    by_state: dict[str, list[ProjectRow]] = {}
    for row in rows:
        by_state.setdefault(row.project.state, []).append(row)
    return [(state, str(label), by_state[state])
            for state, label in ProjectState.choices if state in by_state]


@dataclass(frozen=True)
class PortfolioSummary:
    """A portfolio as the list shows it: how many of its projects the actor sees, how many
    of them are overdue, at risk, on track and done, and how many are in each lifecycle state
    (code, label, count; the empty states left out)."""

    portfolio: Portfolio
    total: int
    health: dict[str, int]
    states: list[tuple[str, str, int]]


def portfolio_summaries(*, actor: Any, portfolios: Iterable[Portfolio],
                        today: datetime.date | None = None) -> list[PortfolioSummary]:
    """The summaries of ``portfolios`` (a page of the list), in their order. Two queries
    whatever the number of portfolios and projects."""
    today = today or timezone.localdate()
    portfolios = list(portfolios)
    rows: dict[int, list[ProjectRow]] = {p.pk: [] for p in portfolios}
    known = {p.pk: p for p in portfolios}
    projects = (access.projects_in_scope(actor).filter(portfolio__in=portfolios)
                .prefetch_related("milestones").order_by())
    for project in projects:
        rows[project.portfolio_id].append(
            _project_row(project, known[project.portfolio_id], today))
    return [PortfolioSummary(
        portfolio=p, total=len(rows[p.pk]), health=health_counts(rows[p.pk]),
        states=[(state, label, count) for state, label, count in (
            (state, str(label), sum(1 for r in rows[p.pk] if r.project.state == state))
            for state, label in ProjectState.choices) if count])
        for p in portfolios]


def portfolio_filter_options(*, actor: Any, portfolio: Portfolio) -> dict[str, list[Any]]:
    """What the battle map's filters offer: the categories, lead units and leaders in use."""
    projects = access.projects_in_scope(actor).filter(portfolio=portfolio)
    return {
        "categories": sorted(set(projects.exclude(category="").values_list("category",
                                                                           flat=True))),
        "units": list(Unit.objects.filter(pk__in=projects.values("lead_unit"))
                      .order_by("path").values("pk", "name")),
        "leaders": list(Person.objects.filter(pk__in=projects.values("leader"))
                        .order_by("name").values("pk", "name")),
    }


# ---------------------------------------------------------------------------------------------
# half-year and year-end review


@dataclass(frozen=True)
class ReviewRow:
    """A project at a review: its completion on the review day, its best roadshow result as a
    percentage of the rubric's maximum, the composite and the rank (1 = best)."""

    project: Project
    percent: int
    roadshow_percent: float | None
    composite: float
    rank: int


def review_day(year: int, period: str) -> datetime.date:
    """The day a review looks at: 30 June for the half-year, 31 December for the year end."""
    return datetime.date(year, 6, 30) if period == "half" else datetime.date(year, 12, 31)


def portfolio_review(*, actor: Any, portfolio: Portfolio, period: str = "year",
                     completion_weight: float = 0.5) -> list[ReviewRow]:
    """Rank the portfolio's approved projects at the half-year or year end.

    composite = w · completion + (1 − w) · roadshow, both in percent, where completion is the
    mean of the milestones' percents reported by the review day (``percent_complete`` on the
    progress history), and roadshow is the project's best result at a closed roadshow of the
    portfolio held by the review day, as a share of the rubric's total; a project that did not
    present scores 0 there. Before any roadshow, the rank is on completion alone. Ties share
    a rank. The ranks are over the whole portfolio; the actor gets the rows they may see."""
    day = review_day(portfolio.year, period)
    rows = [row for row in _portfolio_rows(Project.objects.filter(portfolio=portfolio),
                                           portfolio, PortfolioFilters(), day)
            if row.project.state in REVIEWED]
    percents = _percents_on(day, portfolio, rows)
    shows = _roadshow_percents(portfolio, day)
    weight = min(max(completion_weight, 0.0), 1.0) if shows else 1.0
    scored = []
    for row in rows:
        percent = percents.get(row.project.pk, 0)
        show = shows.get(row.project.pk)
        composite = weight * percent + (1 - weight) * (show or 0.0)
        scored.append((row.project, percent, show, round(composite, 2)))
    ranks = engine_rank([composite for *_rest, composite in scored]) if scored else []
    visible = set(access.projects_in_scope(actor).filter(portfolio=portfolio)
                  .values_list("pk", flat=True))
    return sorted((ReviewRow(project, percent, show, composite, int(rank))
                   for (project, percent, show, composite), rank in zip(scored, ranks,
                                                                        strict=True)
                   if project.pk in visible),
                  key=lambda r: (r.rank, r.project.code, r.project.pk))


#: The projects a review ranks: those approved into the list and not terminated.
REVIEWED = frozenset({ProjectState.APPROVED, ProjectState.IN_PROGRESS,
                      ProjectState.AWAITING_ACCEPTANCE, ProjectState.ACCEPTED})


def _percents_on(day: datetime.date, portfolio: Portfolio, rows: list[ProjectRow]
                 ) -> dict[int, int]:
    """Each project's completion as it stood on ``day``: a milestone's percent is the last one
    reported by then (reports only raise it), 100 if it was done by then. One query."""
    if day >= timezone.localdate():
        return {row.project.pk: row.percent for row in rows}
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    reported: dict[int, int] = {}
    updates = ProgressUpdate.objects.filter(project__portfolio=portfolio, reported_at__lte=end)
    if len(rows) <= SHORT_IN_LIST:
        updates = updates.filter(project_id__in=[row.project.pk for row in rows])
    for percents in updates.values_list("percents", flat=True):
        for key, value in percents.items():
            reported[int(key)] = max(reported.get(int(key), 0), int(value))
    result = {}
    for row in rows:
        known = [MilestoneFacts(due_on=m.due_on, percent=reported.get(m.pk, 0),
                                done_on=m.done_on if m.done_on and m.done_on <= day else None)
                 for m in (view.milestone for view in row.milestones)]
        result[row.project.pk] = schedule.percent_complete(known)
    return result


def _roadshow_percents(portfolio: Portfolio, day: datetime.date) -> dict[int, float]:
    best: dict[int, float] = {}
    for roadshow in portfolio.roadshows.filter(state=RoadshowState.CLOSED, held_on__lte=day):
        top = sum(c.maximum for c in scoring.criteria_of(roadshow.criteria))
        if top <= 0:
            continue
        for row in roadshow_standings(roadshow).rows:
            if row.result is not None:
                share = round(100 * row.result / top, 2)
                best[row.project.pk] = max(best.get(row.project.pk, 0.0), share)
    return best


# ---------------------------------------------------------------------------------------------
# roadshows


@dataclass(frozen=True)
class Standing:
    """A presentation's standing: its result (``None`` until scored), rank (0 = unscored),
    how many judges scored, each group's trimmed mean, and the judges' grades."""

    presentation: Presentation
    project: Project
    result: float | None
    rank: int
    count: int
    group_means: list[float | None]
    grades: dict[str, int]


@dataclass(frozen=True)
class Standings:
    roadshow: Roadshow
    groups: list[JudgeGroup]
    judges: list[Judge]
    rows: list[Standing]  # in running order
    scores: dict[tuple[int, int], Score]  # (presentation id, judge id) → score
    eligible: dict[int, set[int]]  # presentation id → the judges who score it

    @property
    def ranked(self) -> list[Standing]:
        """Scored presentations best first, then the unscored in running order."""
        return sorted(self.rows, key=lambda s: (s.rank == 0, s.rank, s.presentation.position))

    @property
    def maximum(self) -> float:
        return sum(c.maximum for c in scoring.criteria_of(self.roadshow.criteria))


def roadshow_standings(roadshow: Roadshow) -> Standings:
    """Every presentation's result: per judge group the trimmed mean of the judges' totals
    (dropping ``drop_highest`` and ``drop_lowest``), combined by the groups' weights
    (``scoring.panel_results``), and the rank. A score of a judge from the presenting unit
    (who became one after scoring, when the project's units changed) does not count. Four
    queries."""
    groups = list(roadshow.groups.all())
    judges = list(roadshow.judges.select_related("group", "unit"))
    presentations = list(roadshow.presentations.select_related("project__lead_unit")
                         .prefetch_related("project__co_units"))
    scores = {(s.presentation_id, s.judge_id): s
              for s in Score.objects.filter(presentation__roadshow=roadshow)}
    co_paths = {p.pk: [u.path for u in p.project.co_units.all()] for p in presentations}
    eligible = {p.pk: {j.pk for j in judges if not access.conflicted(j, p.project,
                                                                     co_paths[p.pk])}
                for p in presentations}
    group_index = {g.pk: n for n, g in enumerate(groups)}
    totals = np.full((len(presentations), len(judges)), np.nan)
    for i, presentation in enumerate(presentations):
        for j, judge in enumerate(judges):
            score = scores.get((presentation.pk, judge.pk))
            if score is not None and judge.pk in eligible[presentation.pk]:
                totals[i, j] = score.total
    rows = []
    if presentations and judges and groups:
        panel = scoring.panel_results(
            totals, [group_index[j.group_id] for j in judges], [g.weight for g in groups],
            drop_highest=roadshow.drop_highest, drop_lowest=roadshow.drop_lowest)
    for i, presentation in enumerate(presentations):
        grades: dict[str, int] = {}
        for judge in judges:
            score = scores.get((presentation.pk, judge.pk))
            if score is not None and score.grade and judge.pk in eligible[presentation.pk]:
                grades[score.grade] = grades.get(score.grade, 0) + 1
        if presentations and judges and groups:
            result = None if np.isnan(panel.results[i]) else float(panel.results[i])
            rows.append(Standing(
                presentation=presentation, project=presentation.project, result=result,
                rank=int(panel.ranks[i]), count=int(panel.counts[i]),
                group_means=[None if np.isnan(v) else round(float(v), 2)
                             for v in panel.group_means[i]], grades=grades))
        else:
            rows.append(Standing(presentation=presentation, project=presentation.project,
                                 result=None, rank=0, count=0,
                                 group_means=[None] * len(groups), grades=grades))
    return Standings(roadshow=roadshow, groups=groups, judges=judges, rows=rows,
                     scores=scores, eligible=eligible)


@dataclass(frozen=True)
class JudgeLine:
    """A presentation on a judge's phone: the judge's score so far, and whether the judge is
    from the presenting unit (then they do not score it)."""

    presentation: Presentation
    score: Score | None
    conflicted: bool


def judge_sheet(judge: Judge) -> list[JudgeLine]:
    """The judge's scoring page: the presentations in running order with the judge's own
    scores. Two queries (co-units prefetched for the conflict check)."""
    presentations = judge.roadshow.presentations.select_related(
        "project__lead_unit").prefetch_related("project__co_units")
    mine = {s.presentation_id: s for s in judge.scores.all()}
    return [JudgeLine(presentation=p, score=mine.get(p.pk),
                      conflicted=access.conflicted(judge, p.project,
                                            [u.path for u in p.project.co_units.all()]))
            for p in presentations]


def grades_used(judge: Judge) -> dict[str, int]:
    """How many of each grade the judge has given, against the roadshow's quotas."""
    used: dict[str, int] = {}
    for grade in judge.scores.exclude(grade="").values_list("grade", flat=True):
        used[grade] = used.get(grade, 0) + 1
    return used


# ---------------------------------------------------------------------------------------------
# roadshow pages: set-up, chair's console, big screen


def roadshow_scored(roadshow: Roadshow) -> bool:
    """Whether a judge has scored: the rubric is frozen from then on."""
    return Score.objects.filter(presentation__roadshow=roadshow).exists()


def roadshow_eligible(standings: Standings) -> dict[int, set[int]]:
    """Per presentation, the judges who score it: the panel less those from the presenting
    unit (``access.conflicted``), so that "scored 4 of 5" counts the right five."""
    return standings.eligible


def roadshow_candidates(*, actor: Any, roadshow: Roadshow) -> list[Project]:
    """The projects the actor may put on the roadshow: those of its portfolio (of any
    portfolio of its organizer when it has none) past the draft, the call for claims and not
    terminated, and those already presenting whatever their state."""
    projects = access.projects_in_scope(actor)
    projects = (projects.filter(portfolio=roadshow.portfolio_id) if roadshow.portfolio_id
                else projects.filter(portfolio__owner=roadshow.owner_id))
    presenting = Presentation.objects.filter(roadshow=roadshow).values("project")
    return list(projects.filter(~Q(state__in=lifecycle.NOT_PRESENTABLE) | Q(pk__in=presenting))
                .select_related("lead_unit").order_by("code", "pk")[:2000])


@dataclass(frozen=True)
class PanelVerdict:
    """What an acceptance panel (a closed mid-term or final roadshow) made of a project: its
    result and rank, and the grade most judges gave (the panel's proposal for 验收等次)."""

    roadshow: Roadshow
    result: float | None
    rank: int
    of: int
    grade: str
    grades: dict[str, int]


def panel_verdict(project: Project) -> PanelVerdict | None:
    """The latest closed acceptance roadshow (final before mid-term on the same day) where the
    project presented, or ``None``. On a tie between grades the lower one is proposed: a
    panel split between 优秀 and 良好 has not agreed on 优秀."""
    roadshow = (Roadshow.objects.filter(
        state=RoadshowState.CLOSED, presentations__project=project,
        purpose__in=[RoadshowPurpose.MIDTERM, RoadshowPurpose.FINAL])
        .order_by("-held_on", "purpose", "-pk").first())  # "final" sorts before "midterm"
    if roadshow is None:
        return None
    standings = roadshow_standings(roadshow)
    row = next(r for r in standings.rows if r.project.pk == project.pk)
    return PanelVerdict(roadshow=roadshow, result=row.result, rank=row.rank,
                        of=sum(1 for r in standings.rows if r.rank),
                        grade=_panel_grade(row.grades), grades=row.grades)


def _panel_grade(grades: dict[str, int]) -> str:
    """The grade most judges gave ("" when none did); on a tie the lower one."""
    order = list(Grade.values)  # best first
    return max(grades, key=lambda g: (grades[g], order.index(g)), default="")


# ---------------------------------------------------------------------------------------------
# the leading cadres' achievements (read by the system that collects their lists, unscoped)


def accepted_projects_with_leader(since: datetime.date | None = None) -> QuerySet[Project]:
    """Projects accepted with a grade (验收等次) that have a responsible leader, oldest
    acceptance first, each annotated with ``accepted_at``: when the acceptance step was taken.
    A project keeps no date of its own for it, so it is read from the audit log (the update
    that moved it to accepted, which ``services.project_step`` writes), else the project's
    ``updated_at`` (a project accepted before the log, or loaded without the services; a later
    recognition moves that date). ``since``: accepted on or after that local day. Not scoped
    to a reader: whoever reads the cadres' lists is scoped there. The page of each is
    ``project_path``."""
    acceptance = AuditEntry.objects.filter(
        object_type=Project._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        after__state=ProjectState.ACCEPTED).order_by("-at").values("at")[:1]
    projects = (Project.objects.filter(state=ProjectState.ACCEPTED, leader__isnull=False)
                .exclude(grade="")
                .annotate(accepted_at=Coalesce(Subquery(acceptance), F("updated_at"))))
    if since is not None:
        projects = projects.filter(accepted_at__gte=timezone.make_aware(
            datetime.datetime.combine(since, datetime.time.min)))
    return projects.select_related("portfolio__owner", "lead_unit", "leader__unit").order_by(
        "accepted_at", "pk")


def person_projects(*, person: Any) -> QuerySet[Project]:
    """The projects ``person`` leads (responsible leader) or owns, newest first, each with
    ``role`` "leader" or "owner", for the cadre's profile (not scoped to a reader: whoever
    reads the profile is scoped there). The page of each is ``project_path``."""
    return (Project.objects.filter(Q(leader=person) | Q(owner=person))
            .annotate(role=Case(When(leader=person, then=Value("leader")),
                                default=Value("owner"), output_field=CharField()))
            .select_related("portfolio", "lead_unit").order_by("-portfolio__year", "-pk"))


def project_path(project: Project) -> str:
    """A project's page (``projects:project`` with the project's id)."""
    return reverse("projects:project", args=[project.pk])


@dataclass(frozen=True)
class RoadshowResult:
    """A presentation's final result at a closed roadshow, as ``roadshow_standings`` ranks it
    (the judges' trimmed means per group, combined by the groups' weights), with the
    presenting project's responsible leader."""

    roadshow: Roadshow
    presentation: Presentation
    project: Project
    leader: Person
    result: float
    maximum: float  # the rubric's total points
    rank: int  # 1 = best, ties share
    of: int  # how many presentations were ranked
    grade: str  # the grade most judges gave, "" when none did

    @property
    def path(self) -> str:
        """Where the result is shown: the roadshow's page (``projects:roadshow``)."""
        return reverse("projects:roadshow", args=[self.roadshow.pk])


def roadshow_results_with_leader(since: datetime.date | None = None) -> list[RoadshowResult]:
    """The scored presentations of closed roadshows (held on or after ``since`` when given)
    whose project has a responsible leader, with their final result and rank, oldest roadshow
    first and in rank order. A roadshow is final once closed (closing it closes every
    presentation). One query for the roadshows, ``roadshow_standings``' four for each, one for
    the leaders."""
    roadshows = Roadshow.objects.filter(
        state=RoadshowState.CLOSED,
        pk__in=Presentation.objects.filter(project__leader__isnull=False).values("roadshow"))
    if since is not None:
        roadshows = roadshows.filter(held_on__gte=since)
    every = [roadshow_standings(roadshow) for roadshow in roadshows.order_by("held_on", "pk")]
    leaders = Person.objects.select_related("unit").in_bulk(
        {row.project.leader_id for standings in every for row in standings.rows
         if row.project.leader_id is not None and row.result is not None})
    results = []
    for standings in every:
        ranked = sum(1 for row in standings.rows if row.rank)
        results.extend(
            RoadshowResult(roadshow=standings.roadshow, presentation=row.presentation,
                           project=row.project, leader=leaders[row.project.leader_id],
                           result=row.result, maximum=standings.maximum, rank=row.rank,
                           of=ranked, grade=_panel_grade(row.grades))
            for row in standings.ranked
            if row.result is not None and row.project.leader_id in leaders)
    return results
