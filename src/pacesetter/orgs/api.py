"""The units and people API: one handler per operation, each a call to a selector or service."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from pacesetter.orgs import scope, selectors, services
from pacesetter.orgs.models import Person, Role, Unit, UnitKind
from pacesetter.orgs.schemas import (
    MeOut,
    PersonCreateIn,
    PersonOut,
    PersonUpdateIn,
    UnitCreateIn,
    UnitMoveIn,
    UnitOut,
    UnitUpdateIn,
)

router = Router(tags=["orgs"])


class Page(PageNumberPagination):
    """Page numbers with bounds, so that no page number can overflow the database's offset."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=50, max_page_size=500, **kwargs)


class UnitFilter(Schema):
    under: int | None = Field(None, description="only the subtree of this unit id")
    q: str = Field("", max_length=50, description="name contains, or code starts with")
    level: int | None = Field(None, ge=1, le=20)
    kind: UnitKind | None = None
    active: bool | None = None


class PersonFilter(Schema):
    unit: int | None = Field(None, description="only people of this unit id")
    subtree: bool = Field(True, description="with the people of the unit's subtree")
    q: str = Field("", max_length=50)


@router.get("/me", response=MeOut, summary="The calling user and their roles")
def me(request: HttpRequest):
    grants = request.user.role_grants.select_related("unit").order_by("unit__path", "role")
    return {
        "username": request.user.get_username(),
        "person_id": request.user.person_id,
        "roles": [
            {"role": g.role, "role_label": str(Role(g.role).label), "unit_id": g.unit_id,
             "unit_name": g.unit.name}
            for g in grants
        ],
    }


@router.get("/units", response=list[UnitOut], summary="List units in scope")
@paginate(Page)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]):
    under = scope.get_unit_in_scope(request.user, filters.under) if filters.under else None
    return selectors.unit_list(
        actor=request.user, under=under, search=filters.q.strip(), level=filters.level,
        kind=filters.kind or "", active=filters.active,
    )


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def unit_detail(request: HttpRequest, unit_id: int):
    return scope.get_unit_in_scope(request.user, unit_id)


@router.get("/units/{unit_id}/children", response=list[UnitOut], summary="A unit's children")
def unit_children(request: HttpRequest, unit_id: int):
    unit = scope.get_unit_in_scope(request.user, unit_id)
    return selectors.unit_children(actor=request.user, unit=unit).prefetch_related("peer_groups")


@router.post("/units", response={201: UnitOut}, summary="Create a unit")
def unit_create(request: HttpRequest, payload: UnitCreateIn):
    parent = (scope.get_unit_in_scope(request.user, payload.parent_id, for_write=True)
              if payload.parent_id is not None else None)
    data = payload.dict(exclude={"parent_id", "peer_groups"})
    unit = services.unit_create(actor=request.user, parent=parent,
                                peer_group_names=payload.peer_groups, **data)
    return Status(201, unit)


@router.patch("/units/{unit_id}", response=UnitOut, summary="Change a unit")
def unit_update(request: HttpRequest, unit_id: int, payload: UnitUpdateIn):
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    data = payload.dict(exclude_unset=True)
    if "peer_groups" in data:
        data["peer_group_names"] = data.pop("peer_groups") or []
    return services.unit_update(actor=request.user, unit=unit, data=data)


@router.post("/units/{unit_id}/move", response=UnitOut, summary="Move a unit with its subtree")
def unit_move(request: HttpRequest, unit_id: int, payload: UnitMoveIn):
    unit = scope.get_unit_in_scope(request.user, unit_id, for_write=True)
    parent = scope.get_unit_in_scope(request.user, payload.parent_id, for_write=True)
    return services.unit_move(actor=request.user, unit=unit, new_parent=parent)


@router.get("/people", response=list[PersonOut], summary="List people in scope")
@paginate(Page)
def person_list(request: HttpRequest, filters: Query[PersonFilter]):
    unit = scope.get_unit_in_scope(request.user, filters.unit) if filters.unit else None
    return selectors.person_list(actor=request.user, unit=unit, subtree=filters.subtree,
                                 search=filters.q.strip())


def _with_phone_visibility(request: HttpRequest, person: Person) -> Person:
    manage = scope.manage_scope(request.user)
    person.phone_visible = manage.contains(person.unit.path) or person.pk == request.user.person_id
    return person


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def person_detail(request: HttpRequest, person_id: int):
    return _with_phone_visibility(request, scope.get_person_in_scope(request.user, person_id))


@router.post("/people", response={201: PersonOut}, summary="Add a person to a unit")
def person_create(request: HttpRequest, payload: PersonCreateIn):
    unit = scope.get_unit_in_scope(request.user, payload.unit_id, for_write=True)
    person = services.person_create(actor=request.user, unit=unit,
                                    **payload.dict(exclude={"unit_id"}))
    return Status(201, _with_phone_visibility(request, person))


@router.patch("/people/{person_id}", response=PersonOut, summary="Change a person")
def person_update(request: HttpRequest, person_id: int, payload: PersonUpdateIn):
    person = scope.get_person_in_scope(request.user, person_id, for_write=True)
    data = payload.dict(exclude_unset=True)
    unit_id = data.pop("unit_id", None)
    unit: Unit | None = (scope.get_unit_in_scope(request.user, unit_id, for_write=True)
                         if unit_id is not None else None)
    person = services.person_update(actor=request.user, person=person, data=data, unit=unit)
    return _with_phone_visibility(request, person)
