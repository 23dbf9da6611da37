"""Schemas of the supervision API: separate input and output schemas per operation.

Output schemas read the models (and the selectors' ``Figures``) directly; every state, kind,
severity and source comes with its label in the caller's language (``state_label``…).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import pgettext
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

from pacesetter.supervision import lifecycle, schedule
from pacesetter.supervision.models import (
    FeedbackCadence,
    InspectionKind,
    InspectionState,
    RectificationSource,
    RectificationState,
    Severity,
    Verdict,
)
from pacesetter.userinput import api_text

# ---------------------------------------------------------------------------------------------
# building blocks


Title = api_text(200, required=True)
Short = api_text(100)
StepText = api_text(32)
Reason = api_text(300)
LongText = api_text(5000)
Note = api_text(2000)
Code = api_text(32, required=True)
ItemText = api_text(300, required=True)
Search = api_text(50)
#: Dates a plan may name: wide enough for any real plan, narrow enough that date arithmetic
#: (a deadline plus its warning days) never leaves the calendar.
PlanDate = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1),
                                          le=datetime.date(2100, 12, 31))]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=1000)]
StepName = Literal["assign", "accept", "start", "request_extension", "approve_extension",
                   "decline_extension", "report", "review", "return", "complete", "close",
                   "reopen"]


def _one_error(value: Any, handler: Any) -> Any:
    """One error for the field, not one per member of its union."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("bottom", "a number from 1, or group name → number from 0"
                                  ) from None


#: How many of the lowest-ranked units: a number for every group, or one per group name.
Bottom = Annotated[Annotated[int, Field(ge=1, le=1000)] | dict[Short, Count],
                   WrapValidator(_one_error)]
OtherSource = Literal["leader", "meeting", "higher", "complaint"]
LightName = Literal["green", "yellow", "red", "none"]


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class NamedOut(Schema):
    id: int
    name: str


def _url(name: str, *args: Any) -> str:
    """A page's link, or "" while the pages are not there."""
    try:
        return reverse(f"supervision:{name}", args=args)
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------------------------------------
# figures


class FiguresOut(Schema):
    """What was found and rectified: counts, rates in percent (null when nothing to count) and
    the bulletin's sentence."""

    findings: int
    suggestions: int
    by_category: dict[str, int]
    by_severity: dict[str, int]
    tasks: int
    rectified: int = Field(..., description="completed or closed out")
    rectified_on_time: int
    late: int = Field(..., description="open and past the deadline")
    open: int = Field(..., description="still the unit's to do")
    verifying: int = Field(..., description="reported or under review: to verify")
    unassigned: int = Field(..., description="registered, not yet assigned")
    lights: dict[str, int] = Field(..., description="green, yellow, red, none (done)")
    rectification_rate: float | None = Field(..., description="整改率, in percent")
    on_time_rate: float | None
    summary: str

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return obj.summary()


class FiguresFilter(Schema):
    unit: Id | None = Field(None, description="only this unit and the units under it")


# ---------------------------------------------------------------------------------------------
# inspections


class InspectionOut(Schema):
    id: int
    title: str
    kind: InspectionKind
    kind_label: str
    state: InspectionState
    state_label: str
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    starts_on: datetime.date
    ends_on: datetime.date
    leader_id: int | None
    leader_name: str | None
    source: dict[str, Any] = Field(..., description="the ranking the targets come from")
    rechecks_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_leader_name(obj: Any) -> str | None:
        return obj.leader.name if obj.leader_id else None


class TargetOut(Schema):
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    reason: str
    figures: dict[str, Any]
    position: int


class ChecklistItemOut(Schema):
    id: int
    code: str
    text: str
    position: int


class InspectionDetailOut(InspectionOut):
    purpose: str
    members: list[NamedOut] = Field(..., alias="team")
    targets: list[TargetOut] = Field(..., alias="target_rows")
    checklist: list[ChecklistItemOut] = Field(..., alias="checklist_rows")
    can_supervise: bool
    figures: FiguresOut = Field(..., alias="figures_now")


class InspectionFilter(Schema):
    unit: Id | None = Field(None, description="organized by, or visiting, this unit or a unit "
                                              "under it")
    state: InspectionState | None = None
    kind: InspectionKind | None = None
    q: Search = Field("", description="title contains")


class TargetIn(StrictIn):
    unit_id: Id
    reason: Reason = ""


class ChecklistItemIn(StrictIn):
    code: Code
    text: ItemText


class PlanIn(StrictIn):
    """What every inspection plan has, whether its targets are chosen or ranked."""

    owner_id: Id = Field(..., description="The organizing unit.")
    title: Title
    starts_on: PlanDate
    ends_on: PlanDate
    purpose: LongText = ""
    leader_id: Id | None = Field(None, description="the team leader, a person")
    member_ids: list[Id] = Field(default_factory=list, max_length=50)
    checklist: list[ChecklistItemIn] = Field(default_factory=list, max_length=200)


class InspectionIn(PlanIn):
    kind: InspectionKind = InspectionKind.INSPECTION
    targets: list[TargetIn] = Field(..., max_length=500)
    rechecks_id: Id | None = Field(None, description="the inspection a re-check revisits")


class FromRankingIn(PlanIn):
    source_kind: Literal["survey", "assessment"] = Field(
        ..., description="a survey campaign's satisfaction index, or an assessment plan's "
                         "latest published result")
    kind: Literal["inspection", "guidance"] = Field(
        "inspection", description="an inspection (督查) or a guidance visit (督导)")
    source_id: Id = Field(..., description="the campaign's or the plan's id")
    bottom: Bottom = Field(
        ..., description="how many of the lowest-ranked units per ranking group: a number for "
                         "every group, or an object group name → number")


class InspectionStateIn(StrictIn):
    state: Literal["under_way", "concluded"]


class CategoryOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


class CategoryFilter(Schema):
    owner: Id = Field(..., description="the organizing unit whose list this is")


# ---------------------------------------------------------------------------------------------
# findings


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime
    url: str = Field(..., description="the download link of the pages (a logged-in session)")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        if obj.finding_id and not obj.rectification_id:
            return _url("finding_evidence", obj.finding.inspection_id, obj.pk)
        return _url("rectification_evidence", obj.rectification_id, obj.pk)


class FindingOut(Schema):
    id: int
    inspection_id: int
    number: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    category_id: int | None
    category_name: str | None
    checklist_item_id: int | None
    checklist_code: str | None
    description: str
    severity: Severity
    severity_label: str
    person_id: int | None = Field(..., description="the leading cadre it is attributed to")
    person_name: str | None
    suggestions: list[str]
    evidence: list[EvidenceOut]
    rectification_id: int | None
    rectification_serial: str | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_category_name(obj: Any) -> str | None:
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_checklist_code(obj: Any) -> str | None:
        return obj.checklist_item.code if obj.checklist_item_id else None

    @staticmethod
    def resolve_severity_label(obj: Any) -> str:
        return str(obj.get_severity_display())

    @staticmethod
    def resolve_person_name(obj: Any) -> str | None:
        return obj.person.name if obj.person_id else None

    @staticmethod
    def resolve_suggestions(obj: Any) -> list[str]:
        return [s.text for s in obj.suggestions.all()]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_rectification_id(obj: Any) -> int | None:
        task = getattr(obj, "rectification", None)
        return task.pk if task is not None else None

    @staticmethod
    def resolve_rectification_serial(obj: Any) -> str | None:
        task = getattr(obj, "rectification", None)
        return task.serial if task is not None else None


class FindingIn(StrictIn):
    unit_id: Id = Field(..., description="a target unit of the inspection")
    description: LongText
    severity: Severity = Severity.MODERATE
    category_id: Id | None = Field(None, description="from the organizer's category list")
    checklist_item_id: Id | None = Field(None, description="the checklist item it fails")
    suggestions: list[Note] = Field(default_factory=list, max_length=50)
    deadline: PlanDate | None = Field(None, description="of its rectification; by default "
                                                        "set by the severity")
    responsible_id: Id | None = Field(None, description="the person responsible, if known")
    person_id: Id | None = Field(None, description="the leading cadre the finding is "
                                                   "attributed to: an active person of the "
                                                   "unit")


class FindingsIn(Schema):
    """One finding: its fields at the top level (unit_id, description, severity,
    category_id, checklist_item_id, suggestions, deadline, responsible_id, person_id: see
    ``FindingIn``);
    or several, all or none: ``{"findings": [{…}, …]}``, each bad row named in
    ``errors[].row`` (from 1)."""

    model_config = ConfigDict(extra="allow")

    findings: list[dict[str, Any]] | None = Field(
        None, max_length=500, description="several findings (FindingIn), all or none")


# ---------------------------------------------------------------------------------------------
# re-checks (回头看)


class RecheckItemOut(Schema):
    """A finding the re-check revisits: its task as it stands and the re-check's verdict."""

    finding_id: int
    number: int
    unit_id: int
    unit_name: str
    description: str
    severity: Severity
    rectification_id: int | None
    rectification_serial: str | None
    rectification_state: RectificationState | None
    awaiting_verdict: bool = Field(..., description="closed out, not yet judged")
    verdict: Verdict | None
    verdict_label: str | None
    note: str | None
    judged_at: datetime.datetime | None

    @staticmethod
    def resolve_finding_id(obj: Any) -> int:
        return obj.finding.pk

    @staticmethod
    def resolve_number(obj: Any) -> int:
        return obj.finding.number

    @staticmethod
    def resolve_unit_id(obj: Any) -> int:
        return obj.finding.unit_id

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.finding.unit.name

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.finding.description

    @staticmethod
    def resolve_severity(obj: Any) -> str:
        return obj.finding.severity

    @staticmethod
    def resolve_rectification_id(obj: Any) -> int | None:
        return obj.task.pk if obj.task else None

    @staticmethod
    def resolve_rectification_serial(obj: Any) -> str | None:
        return obj.task.serial if obj.task else None

    @staticmethod
    def resolve_rectification_state(obj: Any) -> str | None:
        return obj.task.state if obj.task else None

    @staticmethod
    def resolve_verdict(obj: Any) -> str | None:
        return obj.verdict.verdict if obj.verdict else None

    @staticmethod
    def resolve_verdict_label(obj: Any) -> str | None:
        return str(obj.verdict.get_verdict_display()) if obj.verdict else None

    @staticmethod
    def resolve_note(obj: Any) -> str | None:
        return obj.verdict.note if obj.verdict else None

    @staticmethod
    def resolve_judged_at(obj: Any) -> datetime.datetime | None:
        return obj.verdict.at if obj.verdict else None


class RecheckFiguresOut(Schema):
    findings: int = Field(..., description="the revisited findings at the re-check's targets")
    holds: int
    reopened: int
    awaiting: int = Field(..., description="closed out, no verdict yet")
    unfinished: int = Field(..., description="not closed out: nothing to re-check yet")
    summary: str

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return obj.summary()


class RecheckOut(Schema):
    rechecks_id: int
    figures: RecheckFiguresOut
    items: list[RecheckItemOut]


class VerdictIn(StrictIn):
    finding_id: Id = Field(..., description="a closed-out finding of the inspection re-checked")
    verdict: Verdict
    note: Note = Field("", description="what the re-check found; required to reopen")
    deadline: PlanDate | None = Field(None, description="a reopened task's new deadline; by "
                                                        "default set by the severity")


# ---------------------------------------------------------------------------------------------
# rectifications


class RectificationOut(Schema):
    id: int
    serial: str
    source: RectificationSource
    source_label: str
    source_note: str
    content: str
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    lead_unit_id: int
    lead_unit_name: str = Field(..., alias="lead_unit.name")
    responsible_id: int | None
    responsible_name: str | None
    measures: str
    deadline: datetime.date
    requested_deadline: datetime.date | None
    feedback_cadence: FeedbackCadence
    feedback_cadence_label: str
    state: RectificationState
    state_label: str
    light: LightName = Field(..., description="red: overdue; yellow: due within "
                                              f"{schedule.WARN_DAYS} days; none: done by the "
                                              "unit (or not yet assigned)")
    days_overdue: int
    accepted_late: bool
    reported_late: bool
    completed_late: bool
    escalation: int
    finding_id: int | None
    inspection_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_responsible_name(obj: Any) -> str | None:
        return obj.responsible.name if obj.responsible_id else None

    @staticmethod
    def resolve_feedback_cadence_label(obj: Any) -> str:
        return str(obj.get_feedback_cadence_display())

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_light(obj: Any) -> str:
        return schedule.traffic_light(obj.deadline, timezone.localdate(),
                                      obj.state not in lifecycle.OPEN)

    @staticmethod
    def resolve_days_overdue(obj: Any) -> int:
        if obj.state not in lifecycle.OPEN:
            return 0
        return schedule.days_overdue(obj.deadline, timezone.localdate())

    @staticmethod
    def resolve_inspection_id(obj: Any) -> int | None:
        return obj.finding.inspection_id if obj.finding_id else None


class StepOut(Schema):
    name: str
    label: str
    note_required: bool
    evidence_required: bool
    deadline_required: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.label)

    @staticmethod
    def resolve_deadline_required(obj: Any) -> bool:
        return obj.name == "request_extension"


class EventOut(Schema):
    id: int
    step: str
    step_label: str
    from_state: str
    to_state: str
    actor: str
    note: str
    deadline: datetime.date | None
    at: datetime.datetime
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_step_label(obj: Any) -> str:
        step = lifecycle.STEPS.get(obj.step)
        if step is not None:
            return str(step.label)
        return pgettext("rectification step", "Register") if obj.step == "register" else \
            obj.step

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        if obj.actor is None:
            return ""
        return obj.actor.get_full_name() or obj.actor.get_username()

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        return list(obj.evidence.all())


class RectificationDetailOut(RectificationOut):
    """A task in full: who assists, the caller's side (``supervisor`` or ``unit``) and the steps
    open to them now, its history step by step with the evidence of each, and the finding's
    evidence."""

    assisting_units: list[NamedOut] = Field(..., alias="assisting")
    roles: list[str]
    steps: list[StepOut]
    history: list[EventOut]
    finding_evidence: list[EvidenceOut]


class RectificationFilter(Schema):
    unit: Id | None = Field(None, description="led or assisted by this unit or a unit under it")
    state: RectificationState | None = None
    light: LightName | None = None
    source: RectificationSource | None = None
    inspection: Id | None = Field(None, description="from this inspection's findings")


class RectificationIn(StrictIn):
    owner_id: Id = Field(..., description="The supervising unit.")
    source: OtherSource = Field(..., description="a leader's instruction (领导批示), a meeting "
                                                 "decision, a higher-level assignment or a "
                                                 "public complaint")
    source_note: Reason = ""
    content: LongText
    lead_unit_id: Id
    assisting_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    responsible_id: Id | None = None
    measures: LongText = ""
    deadline: PlanDate
    feedback_cadence: FeedbackCadence = FeedbackCadence.NONE


class StepIn(StrictIn):
    step: StepName
    note: Note = ""
    deadline: PlanDate | None = Field(None, description="the new date an extension asks for")


class StepFormIn(Schema):
    """The form fields of a step with files; all optional here so that a request about a task
    out of scope is answered 404 before its fields are judged."""

    step: StepText = ""
    note: Note = ""
    deadline: PlanDate | None = None
