"""API schemas of the assessment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from pacesetter.assessment.models import AssessmentPlan


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
    subject_kind: str
    assessed_positions: list[str]

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
    assessed_unit_codes: list[str]
    indicators: list[PlanIndicatorOut]
    weight_details: dict[str, Any]
    published_versions: list[int]


class UnitRowOut(Schema):
    """The subject a row is about: the unit by id, code and name, and for a plan of leading
    cadres the person, by id, name and position (null for a unit)."""

    unit_id: int
    unit_code: str
    unit_name: str
    person_id: int | None = None
    person_name: str | None = None
    position: str | None = None

    @staticmethod
    def resolve_person_name(obj: Any) -> str | None:
        return obj.person.name if obj.person_id else None

    @staticmethod
    def resolve_position(obj: Any) -> str | None:
        return obj.person.position if obj.person_id else None

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name


class UnitResultOut(UnitRowOut):
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


class SubmissionOut(UnitRowOut):
    status: str
    return_reason: str
    submitted_at: datetime.datetime | None


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


Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
UnitCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Percent = Annotated[Decimal, Field(ge=0, le=100)]


class IndicatorOut(Schema):
    id: int
    owner_id: int
    parent_id: int | None
    code: str
    name: str
    is_category: bool
    unit_of_measure: str
    direction: int
    data_type: str
    min_value: Decimal | None
    max_value: Decimal | None
    rule_kind: str
    rule: dict[str, Any]
    description: str
    sort_order: int


class IndicatorFields(Schema):
    model_config = ConfigDict(extra="forbid")

    parent_id: int | None = None
    unit_of_measure: Annotated[str, StringConstraints(strip_whitespace=True,
                                                      max_length=20)] = ""
    direction: Literal[1, -1] = 1
    data_type: Literal["number", "percent", "boolean", "count"] = "number"
    min_value: Decimal | None = Field(None, ge=Decimal("-1e13"), le=Decimal("1e13"))
    max_value: Decimal | None = Field(None, ge=Decimal("-1e13"), le=Decimal("1e13"))
    rule_kind: Literal["", "normalize", "bands", "target", "rank", "deduction", "bonus",
                       "veto"] = ""
    rule: dict[str, Any] = Field(default_factory=dict)
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    sort_order: int = Field(0, ge=-1_000_000, le=1_000_000)


class IndicatorIn(IndicatorFields):
    code: Code
    name: Text200
    is_category: bool = False


class IndicatorPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    code: Code | None = None
    name: Text200 | None = None
    parent_id: int | None = None
    unit_of_measure: Annotated[str, StringConstraints(strip_whitespace=True,
                                                      max_length=20)] | None = None
    direction: Literal[1, -1] | None = None
    data_type: Literal["number", "percent", "boolean", "count"] | None = None
    min_value: Decimal | None = Field(None, ge=Decimal("-1e13"), le=Decimal("1e13"))
    max_value: Decimal | None = Field(None, ge=Decimal("-1e13"), le=Decimal("1e13"))
    rule_kind: Literal["normalize", "bands", "target", "rank", "deduction", "bonus",
                       "veto"] | None = None
    rule: dict[str, Any] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    sort_order: int | None = Field(None, ge=-1_000_000, le=1_000_000)


class ListRulesIn(Schema):
    red_top_n: int | None = Field(None, ge=0, le=1_000_000)
    red_top_percent: Percent | None = None
    black_bottom_n: int | None = Field(None, ge=0, le=1_000_000)
    black_bottom_percent: Percent | None = None
    gray_below_score: Decimal | None = Field(None, ge=Decimal("-1e6"), le=Decimal("1e6"))


class PlanIn(ListRulesIn):
    model_config = ConfigDict(extra="forbid")

    owner_id: int
    name: Text200
    period_kind: Literal["day", "week", "month", "quarter", "half_year", "year"]
    period_day: datetime.date
    series: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    assessed_levels: list[Annotated[int, Field(ge=1, le=20)]] = Field(default_factory=list,
                                                                    max_length=20)
    assessed_groups: list[GroupName] = Field(default_factory=list, max_length=500)
    ranking_groups: list[GroupName] = Field(default_factory=list, max_length=5000)
    assessed_unit_codes: list[UnitCode] = Field(default_factory=list, max_length=100_000)
    subject_kind: Literal["unit", "leadership", "cadre"] = "unit"
    assessed_positions: list[Annotated[str, StringConstraints(strip_whitespace=True,
                                                              max_length=100)]] = Field(
        default_factory=list, max_length=50)


class PlanPatch(ListRulesIn):
    """Only the fields sent change; send null to clear a list rule."""

    model_config = ConfigDict(extra="forbid")

    name: Text200 | None = None
    series: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    period_kind: Literal["day", "week", "month", "quarter", "half_year", "year"] | None = None
    period_day: datetime.date | None = None
    assessed_levels: list[Annotated[int, Field(ge=1, le=20)]] | None = Field(None,
                                                                           max_length=20)
    assessed_groups: list[GroupName] | None = Field(None, max_length=500)
    ranking_groups: list[GroupName] | None = Field(None, max_length=5000)
    assessed_unit_codes: list[UnitCode] | None = Field(None, max_length=100_000)
    subject_kind: Literal["unit", "leadership", "cadre"] | None = None
    assessed_positions: list[Annotated[str, StringConstraints(strip_whitespace=True,
                                                              max_length=100)]] | None = Field(
        None, max_length=50)


class PlanIndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weight: Percent = Decimal(0)
    rule_kind: Literal["normalize", "bands", "target", "rank", "deduction", "bonus",
                       "veto"] | None = None
    rule: dict[str, Any] | None = None


class WeightsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weights: dict[Code, Percent] = Field(..., max_length=500)


class AhpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    codes: list[Code] = Field(..., min_length=1, max_length=30)
    pairwise: list[list[Annotated[float, Field(gt=0, le=9)]]] = Field(..., max_length=30)
    method: Literal["eigenvector", "arithmetic", "geometric"] = "eigenvector"
    ri: Literal["saaty", "chinese", "tummala_ling"] = "saaty"
    override_reason: Annotated[str, StringConstraints(strip_whitespace=True,
                                                      max_length=500)] = ""


class AhpOut(Schema):
    weights: dict[str, Decimal]
    lambda_max: float
    ci: float
    ri: float
    cr: float


class ObjectiveWeightsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    method: Literal["critic", "entropy"]
    variant: Literal["minmax", "raw", "shifted"] = "minmax"


class WeightsOut(Schema):
    weights: dict[str, Decimal]


class OpenedOut(Schema):
    units: int


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=500)]


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class BulkValueIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    indicator: Code
    value: Decimal | None = Field(..., ge=Decimal("-1e13"), le=Decimal("1e13"))
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class BulkValuesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    values: list[BulkValueIn] = Field(..., min_length=1, max_length=100_000)


class ListMemberOut(UnitRowOut):
    ranking_group: str
    group_rank: int
    total: Decimal
    vetoed: bool

