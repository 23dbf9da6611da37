"""Every read of units and people, filtered by the acting user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pacesetter.orgs import scope
from pacesetter.orgs.models import Person, Unit


def _with_child_flag(units: QuerySet[Unit]) -> QuerySet[Unit]:
    return units.annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))


def unit_roots(*, actor: Any) -> QuerySet[Unit]:
    """The tops of the actor's scope: the units from which their tree browser starts."""
    read = scope.read_scope(actor)
    units = Unit.objects.filter(parent__isnull=True) if read.everything else Unit.objects.filter(
        path__in=read.paths
    )
    return _with_child_flag(units).order_by("sort_order", "code")


def unit_children(*, actor: Any, unit: Unit) -> QuerySet[Unit]:
    """The children of a unit already loaded in scope."""
    return _with_child_flag(unit.children.all()).order_by("sort_order", "code")


def unit_list(
    *,
    actor: Any,
    under: Unit | None = None,
    search: str = "",
    level: int | None = None,
    kind: str = "",
    active: bool | None = None,
) -> QuerySet[Unit]:
    """Units in scope, optionally within ``under``'s subtree, matching ``search`` on name or
    code, at a ``level`` or of a ``kind``; ordered by path (a depth-first reading of the tree)."""
    units = scope.units_in_scope(actor)
    if under is not None:
        units = units.filter(path__startswith=under.path)
    search = search.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__startswith=search))
    if level is not None:
        units = units.filter(level=level)
    if kind:
        units = units.filter(kind=kind)
    if active is not None:
        units = units.filter(is_active=active)
    return units.select_related("parent").prefetch_related("peer_groups").order_by("path")


def unit_ancestors(*, actor: Any, unit: Unit) -> list[Unit]:
    """The chain above ``unit`` that the actor may see, root first (for the breadcrumb)."""
    codes = unit.ancestor_codes
    if not codes:
        return []
    visible = {u.code: u for u in scope.units_in_scope(actor).filter(code__in=codes)}
    return [visible[c] for c in codes if c in visible]


def unit_level_counts(*, actor: Any) -> list[dict[str, Any]]:
    """How many active units of each level the actor's scope holds."""
    return list(
        scope.units_in_scope(actor)
        .filter(is_active=True)
        .values("level")
        .annotate(count=Count("pk"))
        .order_by("level")
    )


def units_for_export(*, actor: Any, under: Unit | None = None) -> Any:
    """(code, name, parent code, kind, groups, longitude, latitude) rows of the units in scope,
    in path order.

    Peer groups are read with one extra query, not one per unit.
    """
    units = scope.units_in_scope(actor)
    if under is not None:
        units = units.filter(path__startswith=under.path)
    rows = list(units.order_by("path").values_list(
        "pk", "code", "name", "parent__code", "kind", "longitude", "latitude"))
    groups: dict[int, list[str]] = {}
    through = Unit.peer_groups.through
    for unit_id, name in through.objects.filter(unit__in=units).values_list(
        "unit_id", "peergroup__name"
    ):
        groups.setdefault(unit_id, []).append(name)
    for pk, code, name, parent_code, kind, longitude, latitude in rows:
        yield (code, name, parent_code, kind, ",".join(sorted(groups.get(pk, []))),
               longitude, latitude)


def person_list(
    *,
    actor: Any,
    unit: Unit | None = None,
    subtree: bool = True,
    search: str = "",
) -> QuerySet[Person]:
    """People in scope, of ``unit`` (with its subtree unless ``subtree`` is false), matching
    ``search`` on name or position."""
    people = scope.people_in_scope(actor)
    if unit is not None:
        people = (people.filter(unit__path__startswith=unit.path) if subtree
                  else people.filter(unit=unit))
    search = search.replace("\x00", "")
    if search:
        people = people.filter(Q(name__icontains=search) | Q(position__icontains=search))
    return people.select_related("unit").order_by("unit__path", "name", "pk")


def person_count(*, actor: Any) -> int:
    return scope.people_in_scope(actor).filter(is_active=True).count()

