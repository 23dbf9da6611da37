"""The assessment API: plans, results, completeness, figures, scoring and publishing."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from pacesetter.assessment import access, selectors, services
from pacesetter.assessment.models import ListMark
from pacesetter.assessment.schemas import (
    PlanDetailOut,
    PlanOut,
    PublishIn,
    SubmissionOut,
    UnitResultOut,
    ValuesIn,
    ValuesOut,
    VersionOut,
)
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
    plan = access.get_plan_in_scope(request.user, plan_id)
    plan.indicators = [
        {"code": i.indicator.code, "name": i.indicator.name, "weight": i.weight,
         "rule_kind": i.rule_kind, "rule": i.rule, "direction": i.indicator.direction}
        for i in plan.plan_indicators.select_related("indicator")]
    plan.published_versions = list(plan.versions.filter(is_published=True).values_list(
        "number", flat=True))
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
