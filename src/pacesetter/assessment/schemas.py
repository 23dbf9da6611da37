"""API schemas of the assessment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from pacesetter.assessment.models import AssessmentPlan, UnitResult


class PlanIndicatorOut(Schema):
    code: str
    name: str
    weight: Decimal
    rule_kind: str
    rule: dict[str, Any]
    direction: int


class PlanOut(Schema):
    id: int
    name: str
    series: str
    status: str
    status_label: str
    owner_id: int
    owner_name: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    weight_method: str

    @staticmethod
    def resolve_status_label(obj: AssessmentPlan) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_owner_name(obj: AssessmentPlan) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_period_label(obj: AssessmentPlan) -> str:
        return obj.period.label

    @staticmethod
    def resolve_period_start(obj: AssessmentPlan) -> datetime.date:
        return obj.period.start

    @staticmethod
    def resolve_period_end(obj: AssessmentPlan) -> datetime.date:
        return obj.period.end


class PlanDetailOut(PlanOut):
    indicators: list[PlanIndicatorOut]
    weight_details: dict[str, Any]
    published_versions: list[int]


class UnitResultOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    total: Decimal
    weighted_score: Decimal
    bonus: Decimal
    deduction: Decimal
    vetoed: bool
    rank: int
    ranking_group: str
    group_rank: int
    list_mark: str
    total_change: Decimal | None
    rank_change: int | None
    breakdown: dict[str, Any]

    @staticmethod
    def resolve_unit_code(obj: UnitResult) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: UnitResult) -> str:
        return obj.unit.name


class SubmissionOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    status: str
    return_reason: str
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name


class ValueIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Decimal | None = Field(..., ge=Decimal("-1e13"), le=Decimal("1e13"))
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class ValuesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    values: dict[Annotated[str, StringConstraints(max_length=32)], ValueIn] = Field(
        ..., max_length=500)


class ValuesOut(Schema):
    changed: int


class PublishIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class VersionOut(Schema):
    number: int
    is_published: bool
    results: int
