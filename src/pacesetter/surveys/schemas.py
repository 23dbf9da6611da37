"""Schemas of the surveys API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ResponseIn(Schema):
    respondent: str = Field(..., min_length=1, max_length=200,
                            description="An opaque key of the respondent (a device fingerprint, "
                                        "or the one-time code of a panel campaign); only its "
                                        "keyed hash is stored. One response per key and unit.")
    answers: dict[str, Any] = Field(..., description="Item code → option value (or label), "
                                                     "a list of them for a multiple choice, "
                                                     "text for a free-text item.")
    submission: str | None = Field(None, max_length=100,
                                   description="A key of this submission: sent again, the "
                                               "same submission is not counted twice.")
    duration: int | None = Field(None, ge=0, le=86_400, description="Seconds spent answering.")


class ResponseOut(Schema):
    id: int
    created: bool


class CampaignOut(Schema):
    id: int
    title: str
    mode: str
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    questionnaire_id: int
    owner_id: int


class TargetResultOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    group: str
    responses: int
    valid: int
    quota: int
    index: float | None
    low: float | None
    high: float | None
    rank: int
    group_size: int
    rank_low: int
    rank_high: int
    p_bottom: float
    bottom: bool
    significant: bool
    aspects: list[float | None]


class CampaignResultsOut(Schema):
    campaign_id: int
    computed_at: datetime.datetime
    responses: int
    index: float | None
    low: float | None
    high: float | None
    aspects: list[dict[str, Any]]
    targets: list[TargetResultOut]
