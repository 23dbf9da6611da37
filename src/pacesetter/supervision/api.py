"""The supervision API: inspections (planned, or started from the bottom of a ranking), their
findings (one, or many all or none), rectification tasks with their history and the lifecycle
steps open to the caller, and the figures of the closed loop.

Handlers are thin: they load what the path names through ``access`` (404 outside the caller's
scope), call one service or selector, and serialize. The services decide who may act (403:
the supervising side never does the unit's part, nor the unit the supervisor's), what state
allows it (409) and what input is valid (422, naming the field as the API calls it).
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticError

from pacesetter.errors import NotFound, ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.api import Page
from pacesetter.orgs.models import Person, Unit
from pacesetter.supervision import access, boards, lifecycle, selectors, services
from pacesetter.supervision.models import (
    ChecklistItem,
    Evidence,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionTarget,
    Rectification,
)
from pacesetter.supervision.schemas import (
    CategoryFilter,
    CategoryOut,
    FiguresFilter,
    FiguresOut,
    FindingIn,
    FindingOut,
    FindingsIn,
    FromRankingIn,
    InspectionDetailOut,
    InspectionFilter,
    InspectionIn,
    InspectionOut,
    InspectionStateIn,
    RecheckItemOut,
    RecheckOut,
    RectificationDetailOut,
    RectificationFilter,
    RectificationIn,
    RectificationOut,
    StepFormIn,
    StepIn,
    VerdictIn,
)
from pacesetter.supervision.services import FindingData, TargetData
from pacesetter.validation_messages import pydantic_error_message

router = Router(tags=["supervision"])

#: The services name a field by the model's name, the API by the id the client sends.
API_FIELDS = {"unit": "unit_id", "category": "category_id",
              "checklist_item": "checklist_item_id", "responsible": "responsible_id",
              "person": "person_id",
              "lead_unit": "lead_unit_id", "assisting_units": "assisting_unit_ids",
              "rechecks": "rechecks_id", "leader": "leader_id", "members": "member_ids"}


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Let a service's refusal name the fields as the client sent them."""
    try:
        yield
    except ValidationFailed as refused:
        for error in refused.extra.get("errors", []):
            if "field" in error:
                error["field"] = API_FIELDS.get(error["field"], error["field"])
        raise


# ---------------------------------------------------------------------------------------------
# inspections


@router.get("/inspections", response=list[InspectionOut],
            summary="Inspections the caller sees: organized by their units, or visiting them")
@paginate(Page)
def inspection_list(request: HttpRequest, filters: Query[InspectionFilter]) -> Any:
    inspections = access.inspections_in_scope(request.user).select_related("owner", "leader")
    if filters.unit is not None:
        unit = scope.get_unit_in_scope(request.user, filters.unit)
        visited = InspectionTarget.objects.filter(inspection=OuterRef("pk"),
                                                  unit__path__startswith=unit.path)
        inspections = inspections.filter(Q(owner__path__startswith=unit.path)
                                         | Q(Exists(visited)))
    if filters.state:
        inspections = inspections.filter(state=filters.state)
    if filters.kind:
        inspections = inspections.filter(kind=filters.kind)
    if filters.q:
        inspections = inspections.filter(title__icontains=filters.q)
    return inspections.order_by("-starts_on", "title", "pk")


@router.post("/inspections", response={201: InspectionDetailOut},
             summary="Plan an inspection: team, target units (with why) and checklist")
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Any:
    owner = scope.get_unit_in_scope(request.user, payload.owner_id)
    targets = _units(request.user, [t.unit_id for t in payload.targets])
    rechecks = (access.get_inspection_in_scope(request.user, payload.rechecks_id)
                if payload.rechecks_id is not None else None)
    with _api_field_names():
        inspection = services.inspection_create(
            actor=request.user, owner=owner, title=payload.title, kind=payload.kind,
            starts_on=payload.starts_on, ends_on=payload.ends_on,
            targets=[TargetData(unit, t.reason) for unit, t in zip(targets, payload.targets,
                                                                   strict=True)],
            rechecks=rechecks, **_plan(request.user, payload))
    return Status(201, _inspection_full(request.user, inspection.pk))


@router.post("/inspections/from-ranking", response={201: InspectionDetailOut},
             summary="Inspect the bottom of a ranking: the lowest N units per ranking group of "
                     "a survey campaign or an assessment plan become the targets, with the "
                     "reason and the figures")
def inspection_from_ranking(request: HttpRequest, payload: FromRankingIn) -> Any:
    owner = scope.get_unit_in_scope(request.user, payload.owner_id)
    with _api_field_names():
        inspection = services.inspection_from_ranking(
            actor=request.user, owner=owner, source_kind=payload.source_kind,
            source_id=payload.source_id, kind=payload.kind,
            bottom=payload.bottom, title=payload.title, starts_on=payload.starts_on,
            ends_on=payload.ends_on, **_plan(request.user, payload))
    return Status(201, _inspection_full(request.user, inspection.pk))


def _plan(actor: Any, payload: Any) -> dict[str, Any]:
    """The team and checklist of a plan, people loaded within the actor's scope."""
    return {"purpose": payload.purpose,
            "leader": (scope.get_person_in_scope(actor, payload.leader_id)
                       if payload.leader_id is not None else None),
            "members": _people(actor, payload.member_ids),
            "checklist": [(item.code, item.text) for item in payload.checklist]}


@router.get("/inspections/{inspection_id}", response=InspectionDetailOut,
            summary="An inspection: its team, targets with their reason and figures, "
                    "checklist, and the figures of what it found")
def inspection_detail(request: HttpRequest, inspection_id: int) -> Any:
    return _inspection_full(request.user, inspection_id)


@router.post("/inspections/{inspection_id}/state", response=InspectionDetailOut,
             summary="Start (under_way) or conclude an inspection (a concluded one records no "
                     "more findings)")
def inspection_move(request: HttpRequest, inspection_id: int,
                    payload: InspectionStateIn) -> Any:
    inspection = access.get_inspection_in_scope(request.user, inspection_id)
    services.inspection_move(actor=request.user, inspection=inspection, state=payload.state)
    return _inspection_full(request.user, inspection.pk)


@router.get("/inspections/{inspection_id}/figures", response=FiguresOut,
            summary="The figures of an inspection (or of one unit it visited): findings by "
                    "category and severity, suggestions, tasks rectified, on time, late, open, "
                    "整改率 and on-time rate, and the bulletin's sentence")
def inspection_figures(request: HttpRequest, inspection_id: int,
                       filters: Query[FiguresFilter]) -> Any:
    inspection = access.get_inspection_in_scope(request.user, inspection_id)
    unit = (scope.get_unit_in_scope(request.user, filters.unit) if filters.unit is not None
            else None)
    return selectors.inspection_figures(actor=request.user, inspection=inspection, unit=unit)


def _inspection_full(actor: Any, inspection_id: Any) -> Inspection:
    inspection = access.get_inspection_in_scope(actor, inspection_id)
    inspection.team = [{"id": p.pk, "name": p.name}  # type: ignore[attr-defined]
                       for p in inspection.members.order_by("pk")]
    inspection.target_rows = list(  # type: ignore[attr-defined]
        access.targets_visible(actor, inspection))
    inspection.checklist_rows = list(inspection.checklist.all())  # type: ignore[attr-defined]
    inspection.can_supervise = access.can_supervise(  # type: ignore[attr-defined]
        actor, inspection.owner.path)
    inspection.figures_now = selectors.inspection_figures(  # type: ignore[attr-defined]
        actor=actor, inspection=inspection)
    return inspection


@router.get("/categories", response=list[CategoryOut],
            summary="An organizer's list of finding categories (those set aside too)")
def category_list(request: HttpRequest, filters: Query[CategoryFilter]) -> Any:
    owner = scope.get_unit_in_scope(request.user, filters.owner)
    return list(FindingCategory.objects.filter(owner=owner).order_by("position", "name"))


# ---------------------------------------------------------------------------------------------
# findings


def _findings(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    return queryset.select_related("unit", "category", "checklist_item", "rectification",
                                   "inspection", "person").prefetch_related(
        "suggestions", Prefetch("evidence", queryset=Evidence.objects.select_related(
            "finding")))


@router.get("/inspections/{inspection_id}/findings", response=list[FindingOut],
            summary="An inspection's findings the caller sees (a visited unit: its own), in "
                    "order, with suggestions, evidence and their task")
@paginate(Page)
def finding_list(request: HttpRequest, inspection_id: int) -> Any:
    inspection = access.get_inspection_in_scope(request.user, inspection_id)
    return _findings(access.findings_in_scope(request.user).filter(
        inspection=inspection)).order_by("number")


@router.post("/inspections/{inspection_id}/findings", response={201: list[FindingOut]},
             summary="Record findings: one (its fields at the top level) or several, all or "
                     "none ({\"findings\": [...]}, each bad row named by `errors[].row`, "
                     "from 1); each yields a registered rectification for its unit",
             description="A finding's fields are those of the `FindingIn` schema. The answer "
                         "lists the findings recorded, each with its task.")
def finding_create(request: HttpRequest, inspection_id: int, payload: FindingsIn) -> Any:
    inspection = access.get_inspection_in_scope(request.user, inspection_id)
    rows = _finding_rows(payload, _raw_object(request))
    data = _finding_data(request.user, inspection, rows)
    with _api_field_names():
        findings = services.findings_record(actor=request.user, inspection=inspection,
                                            rows=[(d, []) for d in data])
    ids = [f.pk for f in findings]
    return Status(201, list(_findings(Finding.objects.filter(pk__in=ids)).order_by("number")))


def _raw_object(request: HttpRequest) -> dict[str, Any]:
    """The JSON object sent (already parsed once by the schema, which keeps only its declared
    fields: a single finding's fields are read from here)."""
    data = json.loads(request.body)
    return data if isinstance(data, dict) else {}


def _finding_rows(payload: FindingsIn, sent: Mapping[str, Any]
                  ) -> list[tuple[int | None, FindingIn]]:
    """The findings sent, checked field by field: ``(row, finding)``, row None for a single
    finding sent at the top level."""
    extra = {key: value for key, value in sent.items() if key != "findings"}
    if payload.findings is None:
        try:
            return [(None, FindingIn.model_validate(extra))]
        except PydanticError as refused:
            raise ValidationError([dict(e) for e in refused.errors()]) from None
    errors: list[dict[str, Any]] = [
        {"field": name, "message": _("This field is not allowed.")} for name in extra]
    rows: list[tuple[int | None, FindingIn]] = []
    for number, row in enumerate(payload.findings, start=1):
        try:
            rows.append((number, FindingIn.model_validate(row)))
        except PydanticError as refused:
            errors.extend({"row": number, "field": ".".join(str(p) for p in e["loc"]),
                           "message": pydantic_error_message(dict(e))}
                          for e in refused.errors())
    if not rows and not errors:
        errors.append({"field": "findings", "message": _("This field is required.")})
    if errors:
        raise ValidationFailed(_("Please correct the findings below: nothing was recorded."),
                               extra={"errors": errors})
    return rows


def _finding_data(actor: Any, inspection: Inspection,
                  rows: list[tuple[int | None, FindingIn]]) -> list[FindingData]:
    """The rows with their units, categories, checklist items and people loaded; an id that
    names nothing the caller may use is that row's error."""
    units = scope.units_in_scope(actor).in_bulk([f.unit_id for _n, f in rows])
    categories = FindingCategory.objects.filter(owner=inspection.owner_id).in_bulk(
        [f.category_id for _n, f in rows if f.category_id])
    items = ChecklistItem.objects.filter(inspection=inspection).in_bulk(
        [f.checklist_item_id for _n, f in rows if f.checklist_item_id])
    people = scope.people_in_scope(actor).in_bulk(
        [f.responsible_id for _n, f in rows if f.responsible_id]
        + [f.person_id for _n, f in rows if f.person_id])
    errors: list[dict[str, Any]] = []
    data: list[FindingData] = []
    for number, f in rows:
        missing = {"unit_id": f.unit_id not in units and _("Unit not found."),
                   "category_id": f.category_id and f.category_id not in categories and _(
                       "Choose a category of the organizer's list."),
                   "checklist_item_id": f.checklist_item_id and f.checklist_item_id not in items
                   and _("Choose an item of this inspection's checklist."),
                   "responsible_id": f.responsible_id and f.responsible_id not in people
                   and _("Person not found."),
                   "person_id": f.person_id and f.person_id not in people
                   and _("Person not found.")}
        row = {} if number is None else {"row": number}
        errors.extend({**row, "field": k, "message": m} for k, m in missing.items() if m)
        if not any(missing.values()):
            data.append(FindingData(
                unit=units[f.unit_id], description=f.description, severity=f.severity,
                category=categories.get(f.category_id) if f.category_id else None,
                checklist_item=items.get(f.checklist_item_id) if f.checklist_item_id else None,
                suggestions=list(f.suggestions), deadline=f.deadline,
                responsible=people.get(f.responsible_id) if f.responsible_id else None,
                person=people.get(f.person_id) if f.person_id else None))
    if errors:
        raise ValidationFailed(_("Please correct the findings below: nothing was recorded.")
                               if any("row" in e for e in errors)
                               else _("Please correct the fields below."),
                               extra={"errors": errors})
    return data


@router.get("/findings/{finding_id}", response=FindingOut,
            summary="A finding with its suggestions, evidence and task")
def finding_detail(request: HttpRequest, finding_id: int) -> Any:
    found = access.get_finding_in_scope(request.user, finding_id)
    return _findings(Finding.objects.filter(pk=found.pk)).get()


# ---------------------------------------------------------------------------------------------
# re-checks (回头看)


def _recheck(actor: Any, inspection_id: int) -> Inspection:
    inspection = access.get_inspection_in_scope(actor, inspection_id)
    if inspection.kind != InspectionKind.RECHECK or inspection.rechecks_id is None:
        raise NotFound(_("This inspection is not a re-check."))
    return inspection


@router.get("/inspections/{inspection_id}/recheck", response=RecheckOut,
            summary="A re-check (回头看): the findings it revisits (those of the inspection it "
                    "re-checks, at its targets) with their task and verdict, and its figures")
def recheck_detail(request: HttpRequest, inspection_id: int) -> Any:
    recheck = _recheck(request.user, inspection_id)
    items = selectors.recheck_items(actor=request.user, recheck=recheck)
    return {"rechecks_id": recheck.rechecks_id, "items": items,
            "figures": selectors.recheck_figures(items)}


@router.post("/inspections/{inspection_id}/recheck", response={201: RecheckItemOut},
             summary="Judge a closed-out finding: its rectification holds, or the problem is "
                     "back (a note is required) and its task is reopened with a new deadline")
def recheck_verdict(request: HttpRequest, inspection_id: int, payload: VerdictIn) -> Any:
    recheck = _recheck(request.user, inspection_id)
    finding = access.get_finding_in_scope(request.user, payload.finding_id)
    with _api_field_names():
        services.recheck_verdict_record(
            actor=request.user, recheck=recheck, finding=finding, verdict=payload.verdict,
            note=payload.note, deadline=payload.deadline)
    items = selectors.recheck_items(actor=request.user, recheck=recheck)
    return Status(201, next(i for i in items if i.finding.pk == finding.pk))


# ---------------------------------------------------------------------------------------------
# rectifications


@router.get("/rectifications", response=list[RectificationOut],
            summary="Rectification tasks the caller sees (supervised by their units, or led or "
                    "assisted by them), by deadline, filtered")
@paginate(Page)
def rectification_list(request: HttpRequest, filters: Query[RectificationFilter]) -> Any:
    chosen = boards.TaskFilters(
        unit=(scope.get_unit_in_scope(request.user, filters.unit)
              if filters.unit is not None else None),
        inspection=(access.get_inspection_in_scope(request.user, filters.inspection)
                    if filters.inspection is not None else None),
        state=filters.state or "", source=filters.source or "", light=filters.light or "")
    return boards.tasks(actor=request.user, filters=chosen,
                        today=timezone.localdate()).order_by("deadline", "serial", "pk")


@router.post("/rectifications", response={201: RectificationDetailOut},
             summary="Register a task from another source than a finding: a leader's "
                     "instruction, a meeting decision, a higher-level assignment or a public "
                     "complaint")
def rectification_register(request: HttpRequest, payload: RectificationIn) -> Any:
    owner = scope.get_unit_in_scope(request.user, payload.owner_id)
    lead_unit, *assisting = _units(request.user, [payload.lead_unit_id,
                                                  *payload.assisting_unit_ids])
    responsible = (scope.get_person_in_scope(request.user, payload.responsible_id)
                   if payload.responsible_id is not None else None)
    with _api_field_names():
        task = services.rectification_register(
            actor=request.user, owner=owner, source=payload.source, content=payload.content,
            lead_unit=lead_unit, deadline=payload.deadline, source_note=payload.source_note,
            assisting_units=assisting, responsible=responsible, measures=payload.measures,
            feedback_cadence=payload.feedback_cadence)
    return Status(201, _rectification_full(request.user, task.pk))


@router.get("/rectifications/{rectification_id}", response=RectificationDetailOut,
            summary="A task: its plan, light and lateness, the caller's side and the steps "
                    "open to them, its history with the evidence of each step")
def rectification_detail(request: HttpRequest, rectification_id: int) -> Any:
    return _rectification_full(request.user, rectification_id)


@router.post("/rectifications/{rectification_id}/steps", response=RectificationDetailOut,
             summary="Take a lifecycle step (assign, accept, start, request_extension, …)",
             description="Reporting needs evidence: send it to `steps/with-files`. 403 when "
                         "the step is the other side's, 409 when the task is not in a state "
                         "the step leaves from, 422 naming `note` or `deadline`.")
def rectification_step(request: HttpRequest, rectification_id: int, payload: StepIn) -> Any:
    task = access.get_rectification_in_scope(request.user, rectification_id)
    services.rectification_step(actor=request.user, rectification=task, step=payload.step,
                                note=payload.note, deadline=payload.deadline)
    return _rectification_full(request.user, task.pk)


@router.post("/rectifications/{rectification_id}/steps/with-files",
             response=RectificationDetailOut,
             summary="Take a step with photos or files (multipart/form-data): the report "
                     "(反馈) with its evidence",
             description="Form fields `step`, `note` and `deadline` (YYYY-MM-DD), and up to 9 "
                         "`files` (photos, PDF, Office; 20 MB each).")
def rectification_step_with_files(request: HttpRequest, rectification_id: int,
                                  payload: Form[StepFormIn],
                                  files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
                                  ) -> Any:
    task = access.get_rectification_in_scope(request.user, rectification_id)
    if payload.step not in lifecycle.STEPS:
        raise ValidationFailed(_("Please correct the fields below."), extra={"errors": [
            {"field": "step", "message": _("Choose one of: %(expected)s.")
             % {"expected": ", ".join(lifecycle.STEPS)}}]})
    if len(files or []) > 9:
        raise ValidationFailed(_("Please correct the fields below."), extra={"errors": [
            {"field": "files", "message": _("Enter at most %(max_length)s items.")
             % {"max_length": 9}}]})
    services.rectification_step(actor=request.user, rectification=task, step=payload.step,
                                note=payload.note, deadline=payload.deadline,
                                files=files or [])
    return _rectification_full(request.user, task.pk)


def _rectification_full(actor: Any, rectification_id: Any) -> Rectification:
    task = access.get_rectification_in_scope(actor, rectification_id)
    roles = access.roles_on(actor, task)
    task.assisting = [{"id": u.pk, "name": u.name}  # type: ignore[attr-defined]
                      for u in task.assisting_units.order_by("path")]
    task.roles = sorted(roles)  # type: ignore[attr-defined]
    task.steps = lifecycle.steps_from(task.state, roles)  # type: ignore[attr-defined]
    task.history = list(task.events.select_related("actor").prefetch_related(  # type: ignore[attr-defined]
        "evidence"))
    task.finding_evidence = (  # type: ignore[attr-defined]
        list(task.finding.evidence.select_related("finding")) if task.finding_id else [])
    return task


# ---------------------------------------------------------------------------------------------
# figures


@router.get("/figures", response=FiguresOut,
            summary="The figures over the caller's scope, or of one unit and the units under "
                    "it: findings, suggestions, tasks rectified, on time, late, open, 整改率")
def figures(request: HttpRequest, filters: Query[FiguresFilter]) -> Any:
    findings = access.findings_in_scope(request.user)
    tasks = access.rectifications_in_scope(request.user)
    if filters.unit is not None:
        unit = scope.get_unit_in_scope(request.user, filters.unit)
        findings = findings.filter(unit__path__startswith=unit.path)
        tasks = tasks.filter(lead_unit__path__startswith=unit.path)
    return selectors.figures(findings=findings, tasks=tasks)


# ---------------------------------------------------------------------------------------------
# helpers


def _units(actor: Any, ids: Iterable[int]) -> list[Unit]:
    """The units named, in order, within the actor's scope (404 otherwise)."""
    wanted = list(ids)
    found = scope.units_in_scope(actor).in_bulk(set(wanted))
    if len(found) != len(set(wanted)):
        raise NotFound(_("Unit not found."))
    return [found[pk] for pk in wanted]


def _people(actor: Any, ids: Iterable[int]) -> list[Person]:
    wanted = list(dict.fromkeys(ids))
    found: Mapping[int, Person] = scope.people_in_scope(actor).in_bulk(wanted)
    if len(found) != len(wanted):
        raise NotFound(_("Person not found."))
    return [found[pk] for pk in wanted]
