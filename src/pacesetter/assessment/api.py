"""The assessment API: indicator catalogs, plans and their weights, completeness, figures (one
unit's, or many units' at once), scoring, publishing, results and the red/gray/black lists."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from pacesetter.assessment import access, imports, selectors, services, subjects
from pacesetter.assessment.models import ListMark
from pacesetter.assessment.schemas import (
    AhpIn,
    AhpOut,
    BulkValuesIn,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    ListMemberOut,
    ListRulesIn,
    ObjectiveWeightsIn,
    OpenedOut,
    PlanDetailOut,
    PlanIn,
    PlanIndicatorIn,
    PlanOut,
    PlanPatch,
    PublishIn,
    ReasonIn,
    ReviewIn,
    SubmissionOut,
    UnitResultOut,
    ValuesIn,
    ValuesOut,
    VersionOut,
    WeightsIn,
    WeightsOut,
)
from pacesetter.errors import NotFound
from pacesetter.orgs import scope
from pacesetter.orgs.api import Page

router = Router(tags=["assessment"])


class ResultFilter(Schema):
    version: int | None = Field(None, ge=1, le=100_000)
    group: str | None = Field(None, max_length=100)
    list: ListMark | None = None


@router.get("/plans", response=list[PlanOut], summary="Assessment plans the caller sees")
@paginate(Page)
def plan_list(request: HttpRequest):
    return selectors.plan_list(actor=request.user)


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="One plan with its indicators")
def plan_detail(request: HttpRequest, plan_id: int):
    return _detail(access.get_plan_in_scope(request.user, plan_id))


def _detail(plan: Any) -> Any:
    plan.indicators = [
        {"code": i.indicator.code, "name": i.indicator.name, "weight": i.weight,
         "rule_kind": i.rule_kind, "rule": i.rule, "direction": i.indicator.direction}
        for i in plan.plan_indicators.select_related("indicator")]
    plan.published_versions = list(plan.versions.filter(is_published=True).values_list(
        "number", flat=True))
    plan.assessed_unit_codes = list(plan.assessed_units.order_by("code").values_list(
        "code", flat=True))
    return plan


@router.get("/plans/{plan_id}/results", response=list[UnitResultOut],
            summary="Results by rank: the latest published version unless one is named")
@paginate(Page)
def result_list(request: HttpRequest, plan_id: int, filters: Query[ResultFilter]):
    plan = access.get_plan_in_scope(request.user, plan_id)
    version = selectors.result_version(actor=request.user, plan=plan, number=filters.version)
    return selectors.results(actor=request.user, version=version, group=filters.group,
                             list_mark=filters.list)


@router.get("/plans/{plan_id}/submissions", response=list[SubmissionOut],
            summary="Who has reported and who has not")
@paginate(Page)
def submission_list(request: HttpRequest, plan_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id)
    return selectors.submissions(actor=request.user, plan=plan)


@router.put("/plans/{plan_id}/units/{unit_id}/values", response=ValuesOut,
            summary="Save a unit's figures (all or none)")
def values_save(request: HttpRequest, plan_id: int, unit_id: int, payload: ValuesIn):
    plan = access.get_plan_in_scope(request.user, plan_id)
    unit = scope.get_unit_in_scope(request.user, unit_id)
    changed = services.values_save(
        actor=request.user, plan=plan, unit=unit,
        values={code: (item.value, item.comment) for code, item in payload.values.items()})
    return {"changed": changed}


@router.post("/plans/{plan_id}/units/{unit_id}/submit", response=SubmissionOut,
             summary="Submit a unit's figures for review")
def submission_submit(request: HttpRequest, plan_id: int, unit_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id)
    unit = scope.get_unit_in_scope(request.user, unit_id)
    return services.submission_submit(actor=request.user, plan=plan, unit=unit)


@router.put("/plans/{plan_id}/people/{person_id}/values", response=ValuesOut,
            summary="Save a leading cadre's figures (all or none; the plan's administrators)")
def cadre_values_save(request: HttpRequest, plan_id: int, person_id: int, payload: ValuesIn):
    plan = access.get_plan_in_scope(request.user, plan_id)
    subject = subjects.get_subject_in_scope(request.user, plan, person_id=person_id)
    changed = services.values_save(
        actor=request.user, plan=plan, unit=subject.unit, person=subject.person,
        values={code: (item.value, item.comment) for code, item in payload.values.items()})
    return {"changed": changed}


@router.post("/plans/{plan_id}/people/{person_id}/submit", response=SubmissionOut,
             summary="Submit a leading cadre's figures for review")
def cadre_submission_submit(request: HttpRequest, plan_id: int, person_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id)
    subject = subjects.get_subject_in_scope(request.user, plan, person_id=person_id)
    return services.submission_submit(actor=request.user, plan=plan, unit=subject.unit,
                                      person=subject.person)


@router.post("/plans/{plan_id}/people/{person_id}/review", response=SubmissionOut,
             summary="Approve a leading cadre's submitted figures, or return them")
def cadre_submission_review(request: HttpRequest, plan_id: int, person_id: int,
                            payload: ReviewIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    subject = subjects.get_subject_in_scope(request.user, plan, person_id=person_id)
    return services.submission_review(actor=request.user, plan=plan, unit=subject.unit,
                                      person=subject.person, approve=payload.approve,
                                      reason=payload.reason)


@router.post("/plans/{plan_id}/score", response={201: VersionOut},
             summary="Score every assessed unit into a draft version")
def plan_score(request: HttpRequest, plan_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    version = services.plan_score(actor=request.user, plan=plan)
    return Status(201, {"number": version.number, "is_published": version.is_published,
                        "results": version.results.count()})


@router.post("/plans/{plan_id}/publish", response=VersionOut,
             summary="Publish the draft version; it never changes afterwards")
def plan_publish(request: HttpRequest, plan_id: int, payload: PublishIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    version = services.plan_publish(actor=request.user, plan=plan, note=payload.note)
    return {"number": version.number, "is_published": version.is_published,
            "results": version.results.count()}


@router.get("/units/{unit_id}/indicators", response=list[IndicatorOut],
            summary="The indicator catalog of a unit and of the units above it")
@paginate(Page)
def indicator_list(request: HttpRequest, unit_id: int):
    unit = scope.get_unit_in_scope(request.user, unit_id)
    return selectors.catalog(actor=request.user, unit=unit)


def _parent(request: HttpRequest, unit: Any, parent_id: int | None) -> Any:
    if parent_id is None:
        return None
    return selectors.catalog_indicator(actor=request.user, unit=unit, indicator_id=parent_id)


@router.post("/units/{unit_id}/indicators", response={201: IndicatorOut},
             summary="Add a category or an indicator to a unit's catalog")
def indicator_create(request: HttpRequest, unit_id: int, payload: IndicatorIn):
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    fields = payload.dict(exclude={"parent_id"})
    indicator = services.indicator_create(actor=request.user, owner=unit,
                                          parent=_parent(request, unit, payload.parent_id),
                                          **fields)
    return Status(201, indicator)


@router.patch("/units/{unit_id}/indicators/{indicator_id}", response=IndicatorOut,
              summary="Change an entry of a unit's catalog (only the fields sent)")
def indicator_update(request: HttpRequest, unit_id: int, indicator_id: int,
                     payload: IndicatorPatch):
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    indicator = selectors.catalog_indicator(actor=request.user, unit=unit,
                                            indicator_id=indicator_id)
    if indicator.owner_id != unit.pk:
        raise NotFound(_("Indicator not found."))
    changes = payload.dict(exclude_unset=True)
    if "parent_id" in changes:
        changes["parent"] = _parent(request, unit, changes.pop("parent_id"))
    return services.indicator_update(actor=request.user, indicator=indicator, **changes)


def _period_changes(changes: dict[str, Any], plan: Any = None) -> dict[str, Any]:
    kind, day = changes.pop("period_kind", None), changes.pop("period_day", None)
    if kind is None and day is None:
        return changes
    kind = kind or plan.period.kind
    day = day or plan.period.start
    return {**changes, "period": services.period_get(kind=kind, day=day)}


@router.post("/plans", response={201: PlanDetailOut}, summary="Create a plan, in draft")
def plan_create(request: HttpRequest, payload: PlanIn):
    owner = scope.get_unit_in_scope(request.user, payload.owner_id, for_write=True)
    fields = _period_changes(payload.dict(exclude={"owner_id"}))
    plan = services.plan_create(actor=request.user, owner=owner, **fields)
    return Status(201, _detail(plan))


@router.patch("/plans/{plan_id}", response=PlanDetailOut,
              summary="Change a draft plan (only the fields sent)")
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    for field in ("assessed_levels", "assessed_groups", "ranking_groups",
                  "assessed_unit_codes", "assessed_positions"):
        if field in changes and changes[field] is None:
            changes[field] = []
    changes = {k: v for k, v in changes.items()
               if v is not None or k in ListRulesIn.model_fields}
    changes = _period_changes(changes, plan)
    return _detail(services.plan_update(actor=request.user, plan=plan, **changes))


@router.put("/plans/{plan_id}/indicators/{indicator_id}", response=PlanDetailOut,
            summary="Use a catalog indicator in a draft plan, with its weight and rule")
def plan_indicator_set(request: HttpRequest, plan_id: int, indicator_id: int,
                       payload: PlanIndicatorIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    indicator = selectors.catalog_indicator(actor=request.user, unit=plan.owner,
                                            indicator_id=indicator_id)
    services.plan_indicator_set(actor=request.user, plan=plan, indicator=indicator,
                                weight=payload.weight, rule_kind=payload.rule_kind,
                                rule=payload.rule)
    return _detail(plan)


@router.delete("/plans/{plan_id}/indicators/{indicator_id}", response={204: None},
               summary="Stop using an indicator in a draft plan")
def plan_indicator_remove(request: HttpRequest, plan_id: int, indicator_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    indicator = selectors.catalog_indicator(actor=request.user, unit=plan.owner,
                                            indicator_id=indicator_id)
    services.plan_indicator_remove(actor=request.user, plan=plan, indicator=indicator)
    return Status(204, None)


def _weights(plan: Any) -> dict[str, Any]:
    return {"weights": dict(plan.plan_indicators.values_list("indicator__code", "weight"))}


@router.put("/plans/{plan_id}/weights", response=WeightsOut,
            summary="Weights by hand, in percent by indicator code; they sum to 100")
def plan_weights_set(request: HttpRequest, plan_id: int, payload: WeightsIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    services.plan_weights_set(actor=request.user, plan=plan, weights=payload.weights)
    return _weights(plan)


@router.post("/plans/{plan_id}/weights/ahp", response=AhpOut,
             summary="Weights by AHP from a pairwise matrix, with the consistency check")
def plan_weights_from_ahp(request: HttpRequest, plan_id: int, payload: AhpIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    result = services.plan_weights_from_ahp(
        actor=request.user, plan=plan, codes=payload.codes, pairwise=payload.pairwise,
        method=payload.method, ri=payload.ri, override_reason=payload.override_reason)
    return {**_weights(plan), "lambda_max": result.lambda_max, "ci": result.ci,
            "ri": result.ri, "cr": result.cr}


@router.post("/plans/{plan_id}/weights/objective", response=WeightsOut,
             summary="Weights by CRITIC or the entropy method from the previous period's data")
def plan_weights_from_data(request: HttpRequest, plan_id: int, payload: ObjectiveWeightsIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    services.plan_weights_from_data(actor=request.user, plan=plan, method=payload.method,
                                    variant=payload.variant)
    return _weights(plan)


@router.post("/plans/{plan_id}/open", response=OpenedOut,
             summary="Start collecting: fix the assessed units and open their submissions")
def plan_open(request: HttpRequest, plan_id: int):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    return {"units": services.plan_open(actor=request.user, plan=plan)}


@router.post("/plans/{plan_id}/correct", response=PlanDetailOut,
             summary="Reopen a published plan for a correction (publishing adds a version)")
def plan_correct(request: HttpRequest, plan_id: int, payload: ReasonIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    return _detail(services.plan_correct(actor=request.user, plan=plan, reason=payload.reason))


@router.put("/plans/{plan_id}/values", response=ValuesOut,
            summary="Save many units' figures at once (all or none, every bad entry named)")
def values_upsert(request: HttpRequest, plan_id: int, payload: BulkValuesIn):
    plan = access.get_plan_in_scope(request.user, plan_id)
    entries = [imports.ValueEntry(unit_code=v.unit, indicator_code=v.indicator, value=v.value,
                                  comment=v.comment, where=f"values[{n}]")
               for n, v in enumerate(payload.values)]
    return {"changed": imports.values_upsert(actor=request.user, plan=plan, entries=entries)}


@router.post("/plans/{plan_id}/units/{unit_id}/review", response=SubmissionOut,
             summary="Approve a unit's submitted figures, or return them with a reason")
def submission_review(request: HttpRequest, plan_id: int, unit_id: int, payload: ReviewIn):
    plan = access.get_plan_in_scope(request.user, plan_id, for_write=True)
    unit = scope.get_unit_in_scope(request.user, unit_id)
    return services.submission_review(actor=request.user, plan=plan, unit=unit,
                                      approve=payload.approve, reason=payload.reason)


@router.get("/plans/{plan_id}/lists/{mark}", response=list[ListMemberOut],
            summary="The red, gray or black list of a version, by ranking group and rank")
@paginate(Page)
def list_members(request: HttpRequest, plan_id: int, mark: ListMark,
                 filters: Query[ResultFilter]):
    plan = access.get_plan_in_scope(request.user, plan_id)
    version = selectors.result_version(actor=request.user, plan=plan, number=filters.version)
    return selectors.results(actor=request.user, version=version, group=filters.group,
                             list_mark=mark).order_by("ranking_group", "group_rank",
                                                      "unit__code")
