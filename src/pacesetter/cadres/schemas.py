"""Shapes of the cadre API."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema


class FollowUpOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    unit_id: int
    plan_id: int = Field(alias="version.plan_id")
    version: int = Field(alias="version.number")
    index: Decimal
    band: str
    action: str
    status: str
    outcome: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None


class FollowUpCloseIn(Schema):
    outcome: str = Field(max_length=2000, description="What was done (the conversation held…)")


class CandidateOut(Schema):
    person_id: int
    person_name: str
    unit_name: str
    position: str
    plan_id: int
    total: Decimal
    reason: str


class ResultOut(Schema):
    plan_id: int
    plan_name: str
    period: str
    total: Decimal
    group_rank: int
    list_mark: str


class EntryOut(Schema):
    id: int
    date: datetime.date
    kind: str
    source: str
    text: str
    status: str
    origin_label: str = ""
    origin_url: str = ""
    tolerated: bool = False


class ProfileOut(Schema):
    person_id: int
    name: str
    unit_name: str
    position: str
    results: list[ResultOut]
    entries: list[EntryOut]
    follow_ups: list[FollowUpOut]


class BallotRatingIn(Schema):
    person_id: int
    grade: str = Field(max_length=16)
    dimension_grades: list[str] = Field(max_length=20)


class BallotIn(Schema):
    code: str = Field(max_length=20, description="The rater's one-time code")
    ratings: list[BallotRatingIn] = Field(max_length=500)


class BallotOut(Schema):
    rated: int


class FillOut(Schema):
    changed: int
