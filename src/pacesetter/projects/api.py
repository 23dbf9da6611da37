"""The projects API: portfolios, projects and their milestones, lifecycle steps, claims (认项),
progress reports, follow-ups (督办), roadshows with their standings and scores; and, without
login, a judge's scoring sheet and scores (the judge's link token is the capability).

Handlers are thin: they load what the path names through ``access`` (404 outside the caller's
scope), call one service or selector, and serialize. The services decide who may act (403),
what state allows it (409) and what input is valid (422, naming the field).
"""

from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.api import Page
from pacesetter.orgs.models import Person, Unit
from pacesetter.projects import access, scoring, selectors, services
from pacesetter.projects.models import Claim, FollowUp, Portfolio, Score
from pacesetter.projects.schemas import (
    ClaimIn,
    ClaimOut,
    DecisionIn,
    FollowUpIn,
    FollowUpOut,
    JudgeSheetOut,
    MilestonesIn,
    PortfolioDetailOut,
    PortfolioIn,
    PortfolioOut,
    PortfolioProjectOut,
    ProjectDetailOut,
    ProjectFilter,
    ProjectIn,
    ProjectPatch,
    ReplyIn,
    RoadshowDetailOut,
    RoadshowOut,
    ScoreIn,
    ScoreOut,
    StandingsOut,
    StepIn,
    UpdateFormIn,
    UpdateIn,
    UpdateOut,
)
from pacesetter.projects.services import MilestoneData, ProjectData

router = Router(tags=["projects"])
public_router = Router(tags=["roadshow judges"])

# Paths with a fixed first segment (portfolios, roadshows, claims, follow-ups) come before
# ``/{project_id}``: Django tries the patterns in order.

# ---------------------------------------------------------------------------------------------
# portfolios


@router.get("/portfolios", response=list[PortfolioOut],
            summary="Portfolios the caller sees: organized by their units or by a unit above "
                    "them (to propose and claim), or holding their projects")
@paginate(Page)
def portfolio_list(request: HttpRequest) -> Any:
    return access.portfolios_in_scope(request.user).select_related("owner").order_by(
        "-year", "title", "pk")


@router.post("/portfolios", response={201: PortfolioDetailOut},
             summary="Create a portfolio organized by a unit the caller administers")
def portfolio_create(request: HttpRequest, payload: PortfolioIn) -> Any:
    owner = scope.get_unit_in_scope(request.user, payload.owner_id, for_write=True)
    portfolio = services.portfolio_create(
        actor=request.user, owner=owner, title=payload.title, year=payload.year,
        cadence=payload.cadence, at_risk_days=payload.at_risk_days,
        description=payload.description)
    return Status(201, _portfolio_detail(request.user, portfolio))


@router.get("/portfolios/{portfolio_id}", response=PortfolioDetailOut,
            summary="A portfolio with its projects' health counts and the filters' options")
def portfolio_detail(request: HttpRequest, portfolio_id: int) -> Any:
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    return _portfolio_detail(request.user, portfolio)


def _portfolio_detail(actor: Any, portfolio: Portfolio) -> Portfolio:
    rows = selectors.portfolio_projects(actor=actor, portfolio=portfolio)
    options = selectors.portfolio_filter_options(actor=actor, portfolio=portfolio)
    portfolio.can_run = access.can_run(actor, portfolio)  # type: ignore[attr-defined]
    portfolio.health_counts = selectors.health_counts(rows)  # type: ignore[attr-defined]
    portfolio.categories = options["categories"]  # type: ignore[attr-defined]
    portfolio.units = [{"id": u["pk"], "name": u["name"]}  # type: ignore[attr-defined]
                       for u in options["units"]]
    portfolio.leaders = [{"id": p["pk"], "name": p["name"]}  # type: ignore[attr-defined]
                         for p in options["leaders"]]
    return portfolio


@router.get("/portfolios/{portfolio_id}/projects", response=list[PortfolioProjectOut],
            summary="A portfolio's projects with derived health, completion and milestone "
                    "states (the battle map's data), filtered")
@paginate(Page)
def portfolio_project_list(request: HttpRequest, portfolio_id: int,
                           filters: Query[ProjectFilter]) -> Any:
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    return selectors.portfolio_projects(
        actor=request.user, portfolio=portfolio, filters=selectors.PortfolioFilters(
            unit=filters.unit, category=filters.category, leader=filters.leader,
            state=filters.state or "", health=filters.health or "", text=filters.q))


@router.post("/portfolios/{portfolio_id}/projects", response={201: ProjectDetailOut},
             summary="Create a draft project with its milestones: by the organizer, or "
                     "proposed by a unit under it (proposed_by_id)")
def project_create(request: HttpRequest, portfolio_id: int, payload: ProjectIn) -> Any:
    portfolio = access.get_portfolio_in_scope(request.user, portfolio_id)
    proposed_by = (scope.get_unit_in_scope(request.user, payload.proposed_by_id)
                   if payload.proposed_by_id is not None else None)
    data = _plan_data(request.user, ProjectData(title=payload.title), payload.dict(
        exclude={"milestones", "proposed_by_id"}))
    project = services.project_create(
        actor=request.user, portfolio=portfolio, data=data, proposed_by=proposed_by,
        milestones=_milestones(payload.milestones))
    return Status(201, _project_full(request.user, project.pk))


# ---------------------------------------------------------------------------------------------
# roadshows


@router.get("/roadshows", response=list[RoadshowOut],
            summary="Roadshows the caller sees: organized by their units, or where their "
                    "projects present")
@paginate(Page)
def roadshow_list(request: HttpRequest) -> Any:
    return access.roadshows_in_scope(request.user).select_related("owner").order_by(
        "-held_on", "title", "pk")


@router.get("/roadshows/{roadshow_id}", response=RoadshowDetailOut,
            summary="A roadshow: its rubric, judge groups, judges and presentations in order")
def roadshow_detail(request: HttpRequest, roadshow_id: int) -> Any:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id)
    chair = access.can_chair(request.user, roadshow)
    roadshow.can_chair = chair  # type: ignore[attr-defined]
    roadshow.maximum = sum(  # type: ignore[attr-defined]
        c.maximum for c in scoring.criteria_of(roadshow.criteria))
    roadshow.panel = _judges(roadshow.judges.all(), chair)  # type: ignore[attr-defined]
    roadshow.running_order = list(  # type: ignore[attr-defined]
        roadshow.presentations.select_related("project__lead_unit"))
    return roadshow


def _judges(judges: Iterable[Any], chair: bool) -> list[dict[str, Any]]:
    """The panel; the scoring link tokens only for the organizer (they are capabilities)."""
    return [{"id": j.pk, "name": j.name, "group_id": j.group_id, "unit_id": j.unit_id,
             "token": j.token if chair else None} for j in judges]


@router.get("/roadshows/{roadshow_id}/standings", response=StandingsOut,
            summary="The live ranking: each presentation's result (group-weighted trimmed "
                    "mean), rank, group means and counts; each judge's total for the organizer")
def roadshow_standings(request: HttpRequest, roadshow_id: int) -> Any:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id)
    chair = access.can_chair(request.user, roadshow)
    standings = selectors.roadshow_standings(roadshow)
    rows = [SimpleNamespace(**vars(row), judge_totals=_judge_totals(
        standings.scores, row.presentation.pk, standings.judges) if chair else None)
        for row in standings.ranked]
    return {"roadshow_id": roadshow.pk, "state": roadshow.state,
            "state_label": roadshow.get_state_display(),
            "maximum": standings.maximum, "drop_highest": roadshow.drop_highest,
            "drop_lowest": roadshow.drop_lowest, "groups": standings.groups,
            "judges": _judges(standings.judges, chair) if chair else None, "rows": rows}


def _judge_totals(scores: Mapping[tuple[int, int], Score], presentation_id: int,
                  judges: Iterable[Any]) -> dict[str, float]:
    return {str(judge.pk): scores[(presentation_id, judge.pk)].total for judge in judges
            if (presentation_id, judge.pk) in scores}


@router.get("/roadshows/{roadshow_id}/scores", response=list[ScoreOut],
            summary="Every judge's score of every presentation (the organizer only)")
@paginate(Page)
def roadshow_scores(request: HttpRequest, roadshow_id: int) -> Any:
    roadshow = access.get_roadshow_in_scope(request.user, roadshow_id, for_write=True)
    return Score.objects.filter(presentation__roadshow=roadshow).select_related(
        "judge").order_by("presentation__position", "presentation_id", "judge__position",
                          "judge_id")


# ---------------------------------------------------------------------------------------------
# claims and follow-ups, by their own ids


@router.post("/claims/{claim_id}/decision", response=ClaimOut,
             summary="The organizer approves or declines a claim; the first approved unit "
                     "leads the project")
def claim_decide(request: HttpRequest, claim_id: int, payload: DecisionIn) -> Any:
    claim = _claim_in_scope(request.user, claim_id)
    return services.claim_decide(actor=request.user, claim=claim, approve=payload.approve,
                                 note=payload.note)


def _claim_in_scope(actor: Any, claim_id: Any) -> Claim:
    """A claim on a project the actor sees, seen from the organizer's side or from the
    claiming unit's: one unit does not see another's claim."""
    read = scope.read_scope(actor)
    try:
        return Claim.objects.select_related("unit").filter(
            Q(read.q("project__portfolio__owner__path")) | Q(read.q("unit__path")),
            project__in=access.projects_in_scope(actor)).get(pk=scope.as_id(claim_id))
    except (Claim.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Claim not found.")) from None


@router.post("/follow-ups/{follow_up_id}/reply", response=FollowUpOut,
             summary="The lead unit replies to a follow-up")
def follow_up_reply(request: HttpRequest, follow_up_id: int, payload: ReplyIn) -> Any:
    try:
        follow_up = FollowUp.objects.get(
            project__in=access.projects_in_scope(request.user), pk=scope.as_id(follow_up_id))
    except (FollowUp.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Follow-up not found.")) from None
    return services.follow_up_reply(actor=request.user, follow_up=follow_up,
                                    reply=payload.reply)


# ---------------------------------------------------------------------------------------------
# a project


@router.get("/{project_id}", response=ProjectDetailOut,
            summary="A project: plan, milestones with their state, health, completion, late "
                    "report, the caller's roles and open steps, claims and follow-ups")
def project_detail(request: HttpRequest, project_id: int) -> Any:
    return _project_full(request.user, project_id)


@router.patch("/{project_id}", response=ProjectDetailOut,
              summary="Change a project's plan (only the fields sent), and its milestones with "
                      "it when sent")
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    current = ProjectData(
        title=project.title, code=project.code, category=project.category,
        lead_unit=project.lead_unit, co_units=list(project.co_units.all()),
        leader=project.leader, owner=project.owner, goal=project.goal,
        measures=project.measures, starts_on=project.starts_on, deadline=project.deadline,
        budget=project.budget, tags=list(project.tags))
    changes = payload.dict(exclude_unset=True)
    changes.pop("milestones", None)
    data = _plan_data(request.user, current, changes)
    services.project_update(actor=request.user, project=project, data=data,
                            milestones=None if payload.milestones is None else
                            _milestones(payload.milestones))
    return _project_full(request.user, project.pk)


@router.put("/{project_id}/milestones", response=ProjectDetailOut,
            summary="Set the milestones, in order (a milestone named by its id, or else by "
                    "its unchanged title, keeps its progress and follow-ups)")
def milestones_replace(request: HttpRequest, project_id: int, payload: MilestonesIn) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    services.milestones_replace(actor=request.user, project=project,
                                milestones=_milestones(payload.milestones))
    return _project_full(request.user, project.pk)


@router.post("/{project_id}/steps", response=ProjectDetailOut,
             summary="Take a lifecycle step (submit, approve, start, accept with a grade…)")
def project_step(request: HttpRequest, project_id: int, payload: StepIn) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    services.project_step(actor=request.user, project=project, step=payload.step,
                          note=payload.note, grade=payload.grade or "")
    return _project_full(request.user, project.pk)


@router.post("/{project_id}/claims", response={201: ClaimOut},
             summary="A unit applies to undertake a project open for claims, with its plan")
def claim_apply(request: HttpRequest, project_id: int, payload: ClaimIn) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    unit = scope.get_unit_in_scope(request.user, payload.unit_id)
    claim = services.claim_apply(actor=request.user, project=project, unit=unit,
                                 plan=payload.plan)
    return Status(201, claim)


@router.get("/{project_id}/updates", response=list[UpdateOut],
            summary="Progress reports, newest first, with their files")
@paginate(Page)
def update_list(request: HttpRequest, project_id: int) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    return project.updates.select_related("author").prefetch_related("attachments").order_by(
        "-reported_at", "-pk")


@router.post("/{project_id}/updates", response={201: UpdateOut},
             summary="Report progress: text and the percent complete of milestones")
def update_create(request: HttpRequest, project_id: int, payload: UpdateIn) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    update = services.progress_report(actor=request.user, project=project, text=payload.text,
                                      percents=payload.percents)
    return Status(201, update)


@router.post("/{project_id}/updates/with-files", response={201: UpdateOut},
             summary="Report progress with photos or files (multipart/form-data)",
             description="Form fields `text` and `percents` (a JSON object: milestone id → "
                         "percent), and up to 9 `files` (photos, PDF, Office; 20 MB each).")
def update_create_with_files(request: HttpRequest, project_id: int,
                             payload: Form[UpdateFormIn],
                             files: File[list[UploadedFile]] = None) -> Any:  # type: ignore[assignment]
    project = access.get_project_in_scope(request.user, project_id)
    update = services.progress_report(actor=request.user, project=project, text=payload.text,
                                      percents=payload.percents or {}, files=files or [])
    return Status(201, update)


@router.post("/{project_id}/follow-ups", response={201: FollowUpOut},
             summary="The organizer chases a late project or an overdue milestone (督办)")
def follow_up_raise(request: HttpRequest, project_id: int, payload: FollowUpIn) -> Any:
    project = access.get_project_in_scope(request.user, project_id)
    milestone = None
    if payload.milestone_id is not None:
        milestone = project.milestones.filter(pk=payload.milestone_id).first()
        if milestone is None:
            raise NotFound(_("Milestone not found."))
    return Status(201, services.follow_up_raise(actor=request.user, project=project,
                                                reason=payload.reason, milestone=milestone))


def _project_full(actor: Any, project_id: Any) -> SimpleNamespace:
    """The overview of a project with what its page lists beside: co-units, the claims the
    actor may see and the follow-ups."""
    project = access.get_project_in_scope(actor, project_id)
    overview = selectors.project_overview(actor=actor, project=project)
    read = scope.read_scope(actor)
    claims = project.claims.select_related("unit")
    if not read.contains(project.portfolio.owner.path):
        claims = claims.filter(read.q("unit__path"))
    return SimpleNamespace(
        **vars(overview),
        co_units=[{"id": u.pk, "name": u.name} for u in project.co_units.order_by("path")],
        claims=list(claims), follow_ups=list(project.follow_ups.all()))


def _plan_data(actor: Any, data: ProjectData, changes: Mapping[str, Any]) -> ProjectData:
    """``data`` with ``changes`` (schema field names) applied, units and people loaded within
    the actor's scope (404 otherwise); a null clears a field."""
    for name, value in changes.items():
        if name == "lead_unit_id":
            data.lead_unit = _units(actor, [value])[0] if value is not None else None
        elif name == "co_unit_ids":
            data.co_units = _units(actor, value or [])
        elif name in ("leader_id", "owner_id"):
            setattr(data, name[:-3], _person(actor, value) if value is not None else None)
        elif name == "tags":
            data.tags = list(value or [])
        elif name in ("title", "code", "category", "goal", "measures"):
            setattr(data, name, value or "")
        else:
            setattr(data, name, value)
    return data


def _units(actor: Any, ids: Iterable[int]) -> list[Unit]:
    wanted = list(dict.fromkeys(ids))
    found = {u.pk: u for u in scope.units_in_scope(actor).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound(_("Unit not found."))
    return [found[pk] for pk in wanted]


def _person(actor: Any, person_id: int) -> Person:
    return scope.get_person_in_scope(actor, person_id)


def _milestones(items: Iterable[Any]) -> list[MilestoneData]:
    return [MilestoneData(title=m.title, due_on=m.due_on, deliverable=m.deliverable,
                          percent=m.percent, id=getattr(m, "id", None)) for m in items]


# ---------------------------------------------------------------------------------------------
# judges, without login


@public_router.get("/{token}", auth=None, response=JudgeSheetOut,
                   summary="A judge's scoring sheet: the presentations in running order with "
                           "the judge's own scores",
                   description="No login: the token of the judge's personal link.")
def judge_sheet(request: HttpRequest, token: str) -> Any:
    judge = services.judge_by_token(token)
    roadshow = judge.roadshow
    return {"judge_name": judge.name, "group_name": judge.group.name,
            "roadshow_id": roadshow.pk, "roadshow_title": roadshow.title,
            "held_on": roadshow.held_on, "venue": roadshow.venue,
            "roadshow_state": roadshow.state, "criteria": roadshow.criteria,
            "grade_quotas": roadshow.grade_quotas, "grades_used": selectors.grades_used(judge),
            "lines": selectors.judge_sheet(judge)}


@public_router.post("/{token}/scores", auth=None, response=ScoreOut,
                    summary="A judge scores a presentation (or changes the score until the "
                            "chair closes it)",
                    description="No login. 404 for an unknown link or presentation; 409 when "
                                "scoring is not open or a grade quota is used up; 403 when "
                                "the judge is from the presenting unit; 422 naming each bad "
                                "criterion (`errors[].field` = `points.<code>`).")
def score_submit(request: HttpRequest, token: str, payload: ScoreIn) -> Any:
    judge = services.judge_by_token(token)
    return services.score_submit(judge=judge, presentation_id=payload.presentation_id,
                                 points=payload.points, grade=payload.grade or "")
