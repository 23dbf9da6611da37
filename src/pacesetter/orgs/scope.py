"""Data scope: which units a user reaches, and the one way to load an object within it.

A user holds roles, each for a scope unit. Every role but ``member`` reaches the whole subtree
of its unit; ``member`` reaches its own person only. ``system_admin`` reaches everything.
Managing units and people (create, update, move, import) needs ``org_admin`` or
``system_admin`` over the subtree concerned. Objects outside scope are reported as not found,
so that guessing ids reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _

from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs.models import PATH_SEPARATOR, Person, Role, RoleGrant, Unit, User

MANAGING_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN})
SUBTREE_ROLES = frozenset({Role.ORG_ADMIN, Role.REPORTER, Role.REVIEWER, Role.INSPECTOR})


@dataclass(frozen=True)
class Scope:
    """A set of subtrees, given by the paths of their roots (nested paths already removed)."""

    everything: bool
    paths: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths

    def q(self, path_field: str = "path") -> Q:
        """A filter on ``path_field`` (a unit path, or e.g. ``unit__path``) for this scope.

        Everything is ``~Q(pk__in=[])``, a condition always true that Django leaves out of the
        SQL, and not ``Q()``: an empty ``Q`` vanishes when OR-ed with another condition, so
        ``scope.q() | Q(Exists(...))`` would wrongly narrow everything down to the ``Exists``."""
        if self.everything:
            return ~Q(pk__in=[])
        if not self.paths:
            return Q(pk__in=[])
        query = Q()
        for path in self.paths:
            query |= Q(**{f"{path_field}__startswith": path})
        return query

    def contains(self, path: str) -> bool:
        return self.everything or any(path.startswith(root) for root in self.paths)


def _outermost(paths: set[str]) -> tuple[str, ...]:
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _grants(user: Any) -> list[tuple[str, str]]:
    """(role, unit path) of the user's grants, loaded once per user object; a Django
    superuser (``pacesetter createsuperuser``) is a system administrator."""
    cached = getattr(user, "_pacesetter_grants", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            cached = []
        else:
            cached = list(user.role_grants.values_list("role", "unit__path"))
            if user.is_superuser:
                cached.append((Role.SYSTEM_ADMIN, PATH_SEPARATOR))
        user._pacesetter_grants = cached
    return cached


def _scope_for(user: Any, roles: frozenset[str]) -> Scope:
    grants = _grants(user)
    if any(role == Role.SYSTEM_ADMIN for role, _path in grants):
        return Scope(everything=True, paths=())
    return Scope(everything=False, paths=_outermost({p for r, p in grants if r in roles}))


def read_scope(user: Any) -> Scope:
    """The subtrees whose units and people the user may see."""
    return _scope_for(user, SUBTREE_ROLES)


def manage_scope(user: Any) -> Scope:
    """The subtrees whose units and people the user may create and change."""
    return _scope_for(user, frozenset({Role.ORG_ADMIN}))


def report_scope(user: Any) -> Scope:
    """The subtrees whose figures the user may report: those of their reporter and
    administrator grants only (an inspector's wider view gives no right to enter figures)."""
    return _scope_for(user, frozenset({Role.REPORTER, Role.ORG_ADMIN}))


def inspect_scope(user: Any) -> Scope:
    """The subtrees whose work the user supervises: those of their administrator and inspector
    grants (an inspector checks and closes out, but enters no figures)."""
    return _scope_for(user, frozenset({Role.ORG_ADMIN, Role.INSPECTOR}))


def roles_of(user: Any) -> set[str]:
    return {role for role, _path in _grants(user)}


def is_manager(user: Any) -> bool:
    return bool(roles_of(user) & MANAGING_ROLES)


def forget_grants(user: Any) -> None:
    """Drop the grants cached on ``user`` (after they change)."""
    if hasattr(user, "_pacesetter_grants"):
        del user._pacesetter_grants


def units_in_scope(user: Any, *, for_write: bool = False) -> Any:
    """The units the user reaches; ``for_write`` for the ones they may change."""
    scope = manage_scope(user) if for_write else read_scope(user)
    return Unit.objects.filter(scope.q())


def people_in_scope(user: Any) -> Any:
    """The people the user may see: those of their subtrees, and always themselves."""
    query = read_scope(user).q("unit__path")
    own_person_id = getattr(user, "person_id", None)
    if own_person_id is not None:
        query |= Q(pk=own_person_id)
    return Person.objects.filter(query)


MAX_ID = 2**63 - 1


def as_id(value: Any) -> int:
    """An id as the database stores it; ValueError for anything else (text, 0, 2**70...)."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def get_unit_in_scope(user: Any, unit_id: Any, *, for_write: bool = False) -> Unit:
    """Load a unit the user reaches, or raise ``NotFound``; ``PermissionDenied`` if they may
    see it but ``for_write`` asks to change it."""
    try:
        unit = Unit.objects.get(pk=as_id(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Unit not found.")) from None
    return _check_unit(user, unit, for_write=for_write)


def get_unit_by_code_in_scope(user: Any, code: str, *, for_write: bool = False) -> Unit:
    try:
        unit = Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(_("Unit not found.")) from None
    return _check_unit(user, unit, for_write=for_write)


def _check_unit(user: Any, unit: Unit, *, for_write: bool) -> Unit:
    if not read_scope(user).contains(unit.path):
        raise NotFound(_("Unit not found."))
    if for_write and not manage_scope(user).contains(unit.path):
        raise PermissionDenied(_("You may not change this unit."))
    return unit


def get_person_in_scope(user: Any, person_id: Any, *, for_write: bool = False) -> Person:
    """Load a person the user may see, or raise ``NotFound``; see ``get_unit_in_scope``."""
    try:
        person = people_in_scope(user).select_related("unit").get(pk=as_id(person_id))
    except (Person.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Person not found.")) from None
    if for_write and not manage_scope(user).contains(person.unit.path):
        raise PermissionDenied(_("You may not change this person."))
    return person


def users_in_scope(user: Any) -> Any:
    """Accounts holding at least one role inside the user's managed subtrees."""
    manage = manage_scope(user)
    if manage.is_empty:
        return User.objects.none()
    if manage.everything:
        return User.objects.all()
    granted = RoleGrant.objects.filter(manage.q("unit__path")).values("user_id")
    return User.objects.filter(pk__in=granted)


def get_user_in_scope(user: Any, user_id: Any, *, for_write: bool = False) -> Any:
    """Load an account the user manages, or raise ``NotFound``. ``for_write`` also needs every
    role of the account inside the user's scope: a county cannot disable a province cadre who
    happens to hold a role in the county."""
    try:
        account = users_in_scope(user).get(pk=as_id(user_id))
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise NotFound(_("Account not found.")) from None
    if for_write:
        manage = manage_scope(user)
        paths = account.role_grants.values_list("unit__path", flat=True)
        if not all(manage.contains(path) for path in paths):
            raise PermissionDenied(_("This account also holds roles outside your scope."))
    return account
