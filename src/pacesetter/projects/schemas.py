"""Schemas of the projects API: separate input and output schemas per operation.

Output schemas read the selectors' rows (``ProjectRow``, ``ProjectOverview``, ``Standing``…)
and the models directly; dotted aliases (``project.title``) reach into a row's project. Every
state comes with its label in the caller's language (``state_label``, ``health_label``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, Json

from pacesetter.projects import schedule
from pacesetter.projects.models import (
    Cadence,
    ClaimState,
    Grade,
    MilestoneState,
    PresentationState,
    ProjectState,
    RoadshowPurpose,
    RoadshowState,
)
from pacesetter.userinput import api_text

# ---------------------------------------------------------------------------------------------
# building blocks


Title = api_text(200, required=True)
Short = api_text(64)
LongText = api_text(5000)
Note = api_text(500)
Code = api_text(32)
Search = api_text(50)
Deliverable = api_text(300)
Text2000 = api_text(2000)
CriterionCode = api_text(64)
HealthName = Literal["overdue", "at_risk", "on_track", "done"]
MilestoneStateName = Literal["not_due", "at_risk", "overdue", "done"]
#: Dates a plan may name: wide enough for any real plan, narrow enough that the schedule's
#: date arithmetic (a report due a month after the start) never leaves the calendar.
PlanDate = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1),
                                          le=datetime.date(2100, 12, 31))]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Percent = Annotated[int, Field(ge=0, le=100)]
StepName = Literal["list", "submit", "return", "approve", "start", "request_acceptance",
                   "rework", "accept", "terminate"]

def health_label(health: str) -> str:
    """The project page's words for a derived health (``schedule``)."""
    labels = {schedule.OVERDUE: _("Overdue"), schedule.AT_RISK: _("At risk"),
              schedule.ON_TRACK: _("On track"), schedule.DONE: _("Done")}
    return labels.get(health, health)


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class NamedOut(Schema):
    id: int
    name: str


# ---------------------------------------------------------------------------------------------
# portfolios


class PortfolioOut(Schema):
    id: int
    title: str
    year: int
    description: str
    cadence: Cadence
    cadence_label: str
    at_risk_days: int
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    created_at: datetime.datetime

    @staticmethod
    def resolve_cadence_label(obj: Any) -> str:
        return str(obj.get_cadence_display())


class HealthCountsOut(Schema):
    overdue: int
    at_risk: int
    on_track: int
    done: int


class PortfolioDetailOut(PortfolioOut):
    can_run: bool
    health_counts: HealthCountsOut
    categories: list[str]
    units: list[NamedOut]
    leaders: list[NamedOut]


class PortfolioIn(StrictIn):
    owner_id: Id = Field(..., description="The organizing unit (the department's unit).")
    title: Title
    year: int = Field(..., ge=2000, le=2100)
    description: LongText = ""
    cadence: Cadence = Cadence.MONTHLY
    at_risk_days: int = Field(14, ge=0, le=365, description=(
        "A milestone due within this many days without progress puts its project at risk."))


class ProjectFilter(Schema):
    unit: Id | None = Field(None, description="led or co-run by this unit or a unit under it")
    category: Short = ""
    leader: Id | None = Field(None, description="the responsible leader's person id")
    state: ProjectState | None = None
    health: HealthName | None = None
    q: Search = Field("", description="title or number contains")


# ---------------------------------------------------------------------------------------------
# projects


class MilestoneOut(Schema):
    id: int = Field(..., alias="milestone.pk")
    position: int = Field(..., alias="milestone.position")
    title: str = Field(..., alias="milestone.title")
    due_on: datetime.date = Field(..., alias="milestone.due_on")
    deliverable: str = Field(..., alias="milestone.deliverable")
    percent: int = Field(..., alias="milestone.percent")
    done_on: datetime.date | None = Field(..., alias="milestone.done_on")
    state: MilestoneStateName = Field(..., description="derived: not_due, at_risk, overdue, done")
    state_label: str

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(MilestoneState(obj.state).label)


class ProjectRowOut(Schema):
    """A project in a portfolio's list: its plan at a glance and its derived schedule."""

    id: int = Field(..., alias="project.pk")
    code: str = Field(..., alias="project.code")
    title: str = Field(..., alias="project.title")
    category: str = Field(..., alias="project.category")
    state: ProjectState = Field(..., alias="project.state")
    state_label: str
    lead_unit_id: int | None = Field(..., alias="project.lead_unit_id")
    lead_unit_name: str | None
    leader_id: int | None = Field(..., alias="project.leader_id")
    leader_name: str | None
    owner_id: int | None = Field(..., alias="project.owner_id")
    owner_name: str | None
    starts_on: datetime.date | None = Field(..., alias="project.starts_on")
    deadline: datetime.date | None = Field(..., alias="project.deadline")
    health: HealthName
    health_label: str
    percent: int
    report_late: bool
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.project.get_state_display())

    @staticmethod
    def resolve_health_label(obj: Any) -> str:
        return health_label(obj.health)

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str | None:
        return obj.project.lead_unit.name if obj.project.lead_unit_id else None

    @staticmethod
    def resolve_leader_name(obj: Any) -> str | None:
        return obj.project.leader.name if obj.project.leader_id else None

    @staticmethod
    def resolve_owner_name(obj: Any) -> str | None:
        return obj.project.owner.name if obj.project.owner_id else None


class PortfolioProjectOut(ProjectRowOut):
    last_report: datetime.date | None


class StepOut(Schema):
    name: str
    label: str
    note_required: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.label)


class ClaimOut(Schema):
    id: int
    project_id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    plan: str
    state: ClaimState
    state_label: str
    applied_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class FollowUpOut(Schema):
    id: int
    project_id: int
    milestone_id: int | None
    reason: str
    raised_at: datetime.datetime
    reply: str
    replied_at: datetime.datetime | None


class ProjectDetailOut(ProjectRowOut):
    """A project in full: the plan, milestones with their state, the derived schedule, the
    caller's roles and the lifecycle steps open to them, its claims and follow-ups."""

    portfolio_id: int = Field(..., alias="project.portfolio_id")
    portfolio_title: str = Field(..., alias="project.portfolio.title")
    proposed_by_id: int = Field(..., alias="project.proposed_by_id")
    proposed_by_name: str = Field(..., alias="project.proposed_by.name")
    co_units: list[NamedOut]
    goal: str = Field(..., alias="project.goal")
    measures: str = Field(..., alias="project.measures")
    budget: Decimal | None = Field(..., alias="project.budget")
    tags: list[str] = Field(..., alias="project.tags")
    grade: str = Field(..., alias="project.grade")
    grade_label: str
    review_note: str = Field(..., alias="project.review_note")
    outstanding: bool = Field(..., alias="project.outstanding")
    replication_case: bool = Field(..., alias="project.replication_case")
    next_report_due: datetime.date | None
    roles: list[str]
    steps: list[StepOut]
    claims: list[ClaimOut]
    follow_ups: list[FollowUpOut]
    created_at: datetime.datetime = Field(..., alias="project.created_at")
    updated_at: datetime.datetime = Field(..., alias="project.updated_at")

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.project.get_grade_display()) if obj.project.grade else ""

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted(obj.roles)


class MilestoneIn(StrictIn):
    title: Title
    due_on: PlanDate
    deliverable: Deliverable = ""
    percent: Percent = 0


class MilestoneEditIn(MilestoneIn):
    id: Id | None = Field(None, description=(
        "the milestone this one edits, which keeps its progress and follow-ups when renamed; "
        "leave out for a new milestone (or one whose title stays)"))


class PlanFields(StrictIn):
    code: Code = ""
    category: Short = ""
    lead_unit_id: Id | None = None
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    leader_id: Id | None = Field(None, description="the responsible leader (责任领导), a person")
    owner_id: Id | None = Field(None, description="the owner (责任人), a person")
    goal: LongText = ""
    measures: LongText = ""
    starts_on: PlanDate | None = None
    deadline: PlanDate | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                   description="in 10,000 yuan")
    tags: list[Short] = Field(default_factory=list, max_length=20)


class ProjectIn(PlanFields):
    title: Title
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=100)
    proposed_by_id: Id | None = Field(None, description=(
        "A unit under the organizer that proposes the project (it becomes the lead); "
        "leave out when the organizer creates it."))


class ProjectPatch(StrictIn):
    """Only the fields sent change; send null to clear one."""

    title: Title | None = None
    code: Code | None = None
    category: Short | None = None
    lead_unit_id: Id | None = None
    co_unit_ids: list[Id] | None = Field(None, max_length=50)
    leader_id: Id | None = None
    owner_id: Id | None = None
    goal: LongText | None = None
    measures: LongText | None = None
    starts_on: PlanDate | None = None
    deadline: PlanDate | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    tags: list[Short] | None = Field(None, max_length=20)
    milestones: list[MilestoneEditIn] | None = Field(None, max_length=100, description=(
        "all the milestones, in order, checked with the plan (null or left out: unchanged; "
        "a milestone with progress or a follow-up cannot be left out)"))


class MilestonesIn(StrictIn):
    milestones: list[MilestoneEditIn] = Field(..., max_length=100)


class StepIn(StrictIn):
    step: StepName
    note: Note = ""
    grade: Grade | None = Field(None, description="the acceptance grade, for accept")


class ClaimIn(StrictIn):
    unit_id: Id
    plan: Text2000


class DecisionIn(StrictIn):
    approve: bool
    note: Note = ""


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime
    url: str = Field(..., description="the download link of the pages (a logged-in session)")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("projects:attachment", args=[obj.project_id, obj.pk])


class UpdateOut(Schema):
    id: int
    project_id: int
    text: str
    percents: dict[str, int] = Field(..., description="milestone id → percent it reached")
    author: str
    reported_at: datetime.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: Any) -> str:
        if obj.author is None:
            return ""
        return obj.author.get_full_name() or obj.author.get_username()

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class UpdateFormIn(Schema):
    """The form fields of a progress report with files; all optional here so that a request
    about a project out of scope is answered 404 before its fields are judged."""

    text: LongText = ""
    percents: Json[dict[int, Percent]] | None = Field(None, description=(
        "a JSON object: milestone id → percent complete now"))


class UpdateIn(StrictIn):
    text: LongText
    percents: dict[int, Percent] = Field(default_factory=dict, max_length=100, description=(
        "milestone id → percent complete now (it only goes up; 100 marks it done)"))


class FollowUpIn(StrictIn):
    reason: Text2000
    milestone_id: Id | None = None


class ReplyIn(StrictIn):
    reply: Text2000


# ---------------------------------------------------------------------------------------------
# roadshows


class RoadshowOut(Schema):
    id: int
    title: str
    purpose: RoadshowPurpose
    purpose_label: str
    held_on: datetime.date
    venue: str
    state: RoadshowState
    state_label: str
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    portfolio_id: int | None

    @staticmethod
    def resolve_purpose_label(obj: Any) -> str:
        return str(obj.get_purpose_display())

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class CriterionOut(Schema):
    code: str
    name: str
    max: float


class GroupOut(Schema):
    id: int
    name: str
    weight: float


class JudgeOut(Schema):
    id: int
    name: str
    group_id: int
    unit_id: int | None
    token: str | None = Field(None, description="the judge's scoring link token; only for "
                                                "the organizer")


class PresentationOut(Schema):
    id: int
    position: int
    project_id: int
    project_title: str = Field(..., alias="project.title")
    lead_unit_name: str | None
    state: PresentationState
    state_label: str
    comment: str
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str | None:
        return obj.project.lead_unit.name if obj.project.lead_unit_id else None

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class RoadshowDetailOut(RoadshowOut):
    criteria: list[CriterionOut]
    maximum: float
    drop_highest: int
    drop_lowest: int
    grade_quotas: dict[str, int]
    can_chair: bool
    groups: list[GroupOut]
    judges: list[JudgeOut] = Field(..., alias="panel")
    presentations: list[PresentationOut] = Field(..., alias="running_order")


class StandingOut(Schema):
    """A presentation's standing. ``judge_totals`` (judge id → total) only for the
    organizer."""

    presentation_id: int = Field(..., alias="presentation.pk")
    position: int = Field(..., alias="presentation.position")
    state: PresentationState = Field(..., alias="presentation.state")
    state_label: str
    comment: str = Field(..., alias="presentation.comment")
    project_id: int = Field(..., alias="project.pk")
    project_title: str = Field(..., alias="project.title")
    lead_unit_name: str | None
    result: float | None
    rank: int = Field(..., description="1 = best, ties share; 0 = not scored yet")
    count: int = Field(..., description="how many judges scored")
    group_means: list[float | None] = Field(..., description="each group's trimmed mean")
    grades: dict[str, int]
    judge_totals: dict[str, float] | None = None

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str | None:
        return obj.project.lead_unit.name if obj.project.lead_unit_id else None

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.presentation.get_state_display())


class StandingsOut(Schema):
    roadshow_id: int
    state: RoadshowState
    state_label: str
    maximum: float
    drop_highest: int
    drop_lowest: int
    groups: list[GroupOut]
    judges: list[JudgeOut] | None = Field(None, description="only for the organizer")
    rows: list[StandingOut] = Field(..., description="best first, then the unscored in order")


class ScoreOut(Schema):
    id: int
    presentation_id: int
    judge_id: int
    judge_name: str = Field(..., alias="judge.name")
    points: dict[str, float]
    total: float
    grade: str
    grade_label: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.get_grade_display()) if obj.grade else ""


# ---------------------------------------------------------------------------------------------
# judges (no login: the link token is the capability)


class ScoreIn(StrictIn):
    presentation_id: Id
    points: dict[CriterionCode, float] = Field(
        ..., max_length=50, description="criterion code → points (0 to its maximum)")
    grade: Grade | None = None


class MyScoreOut(Schema):
    points: dict[str, float]
    total: float
    grade: str
    updated_at: datetime.datetime


class SheetLineOut(Schema):
    presentation_id: int = Field(..., alias="presentation.pk")
    position: int = Field(..., alias="presentation.position")
    project_title: str = Field(..., alias="presentation.project.title")
    lead_unit_name: str | None
    state: PresentationState = Field(..., alias="presentation.state")
    state_label: str
    conflicted: bool = Field(..., description="the judge is from the presenting unit")
    score: MyScoreOut | None

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str | None:
        unit = obj.presentation.project.lead_unit
        return unit.name if unit is not None else None

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.presentation.get_state_display())


class JudgeSheetOut(Schema):
    judge_name: str
    group_name: str
    roadshow_id: int
    roadshow_title: str
    held_on: datetime.date
    venue: str
    roadshow_state: RoadshowState
    criteria: list[CriterionOut]
    grade_quotas: dict[str, int]
    grades_used: dict[str, int]
    lines: list[SheetLineOut]
