"""API schemas for units and people: separate input and output schemas per operation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from pacesetter.orgs.models import Gender, Person, Unit, UnitKind

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,32}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^(\+?[0-9-]{5,20})?$")]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    kind_label: str
    parent_id: int | None
    parent_code: str | None
    level: int
    path: str
    sort_order: int
    is_active: bool
    longitude: Decimal | None
    latitude: Decimal | None
    peer_groups: list[str]

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        codes = obj.ancestor_codes
        return codes[-1] if codes else None

    @staticmethod
    def resolve_peer_groups(obj: Unit) -> list[str]:
        return sorted(group.name for group in obj.peer_groups.all())


class UnitCreateIn(StrictIn):
    code: Code
    name: Name
    kind: UnitKind
    parent_id: int | None
    sort_order: int = Field(0, ge=-1_000_000, le=1_000_000)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    peer_groups: list[GroupName] = Field(default_factory=list, max_length=50)


class UnitUpdateIn(StrictIn):
    code: Code | None = None
    name: Name | None = None
    kind: UnitKind | None = None
    sort_order: int | None = Field(None, ge=-1_000_000, le=1_000_000)
    is_active: bool | None = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    peer_groups: list[GroupName] | None = Field(None, max_length=50)


class UnitMoveIn(StrictIn):
    parent_id: int


class PersonOut(Schema):
    id: int
    name: str
    gender: Gender
    birth_date: datetime.date | None
    unit_id: int
    unit_name: str
    position: str
    is_party_member: bool
    phone: str
    is_active: bool

    @staticmethod
    def resolve_unit_name(obj: Person) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_phone(obj: Person) -> str:
        """Masked, unless the handler marked the phone visible to this caller."""
        return obj.phone if getattr(obj, "phone_visible", False) else obj.masked_phone


class PersonCreateIn(StrictIn):
    unit_id: int
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    gender: Gender
    birth_date: datetime.date | None = None
    position: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    is_party_member: bool = True
    phone: Phone = ""


class PersonUpdateIn(StrictIn):
    unit_id: int | None = None
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ] | None = None
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    position: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    is_party_member: bool | None = None
    phone: Phone | None = None
    is_active: bool | None = None


class RoleOut(Schema):
    role: str
    role_label: str
    unit_id: int
    unit_name: str


class MeOut(Schema):
    username: str
    person_id: int | None
    roles: list[RoleOut]
