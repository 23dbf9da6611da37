"""Every write to units and people. Each function is atomic, checks scope, and audits."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import entry_record, snapshot
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs import scope
from pacesetter.orgs.models import (
    PATH_SEPARATOR,
    PeerGroup,
    Person,
    Role,
    RoleGrant,
    Unit,
    User,
)

UNIT_AUDIT_FIELDS = (
    "code", "name", "kind", "parent", "level", "path", "sort_order", "is_active",
    "longitude", "latitude", "peer_groups",
)
UNIT_EDITABLE_FIELDS = frozenset(
    {"code", "name", "kind", "sort_order", "is_active", "longitude", "latitude"}
)
PERSON_AUDIT_FIELDS = (
    "name", "gender", "birth_date", "unit", "position", "is_party_member", "phone", "is_active",
)
PERSON_EDITABLE_FIELDS = frozenset(PERSON_AUDIT_FIELDS) - {"unit"}
GROUP_NAME_SEPARATORS = re.compile(r"[,，、;；]")


def validation_failed(error: ValidationError) -> ValidationFailed:
    """Turn Django's field errors into the ``ValidationFailed`` the interfaces report."""
    errors = [
        {"field": field, "message": str(message)}
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return ValidationFailed(_("Please correct the errors below."), extra={"errors": errors})


def full_clean_or_fail(obj: Any, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise validation_failed(error) from None


def reject_nulls(model: type[Any], data: dict[str, Any]) -> None:
    """Refuse ``None`` for fields that cannot be null: ``full_clean`` lets it through for
    fields that may be blank, and the database would then refuse it with a 500."""
    errors = [
        {"field": name, "message": str(model._meta.get_field(name).error_messages["null"])}
        for name, value in data.items()
        if value is None and name in {f.name for f in model._meta.concrete_fields}
        and not model._meta.get_field(name).null
    ]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), extra={"errors": errors})


def child_path(parent: Unit | None, code: str) -> str:
    prefix = parent.path if parent is not None else PATH_SEPARATOR
    return f"{prefix}{code}{PATH_SEPARATOR}"


def split_group_names(raw: str) -> list[str]:
    return sorted({name.strip() for name in GROUP_NAME_SEPARATORS.split(raw) if name.strip()})


def peer_groups_ensure(names: Iterable[str]) -> dict[str, PeerGroup]:
    """The peer groups with these names, creating the missing ones."""
    wanted = set(names)
    existing = {g.name: g for g in PeerGroup.objects.filter(name__in=wanted)}
    missing = [PeerGroup(name=name) for name in sorted(wanted - set(existing))]
    for group in missing:
        try:
            group.full_clean(validate_unique=False)
        except ValidationError as error:
            raise validation_failed(error) from None
    PeerGroup.objects.bulk_create(missing)
    if missing:
        existing = {g.name: g for g in PeerGroup.objects.filter(name__in=wanted)}
    return existing


def _require_manage_parent(actor: Any, parent: Unit | None) -> None:
    if parent is None:
        if not scope.manage_scope(actor).everything:
            raise PermissionDenied(_("Only a system administrator may create a top-level unit."))
        return
    if not scope.manage_scope(actor).contains(parent.path):
        raise PermissionDenied(_("You may not add units under this parent unit."))


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    sort_order: int = 0,
    is_active: bool = True,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    peer_group_names: Iterable[str] = (),
) -> Unit:
    _require_manage_parent(actor, parent)
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        level=parent.level + 1 if parent else 1,
        path=child_path(parent, code.strip()),
        sort_order=sort_order,
        is_active=is_active,
        longitude=longitude,
        latitude=latitude,
    )
    full_clean_or_fail(unit, exclude=["path"])
    unit.save()
    unit.peer_groups.set(peer_groups_ensure(peer_group_names).values())
    entry_record(
        actor=actor,
        obj=unit,
        action=AuditAction.CREATE,
        unit_path=unit.path,
        after=snapshot(unit, UNIT_AUDIT_FIELDS),
    )
    return unit


def _rewrite_subtree(*, old_path: str, new_path: str, level_delta: int) -> int:
    """Move every unit under ``old_path`` to ``new_path`` in one UPDATE; returns the count."""
    return Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        level=F("level") + level_delta,
    )


def _locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit's own fields; a new code rewrites the paths of its whole subtree.

    ``data`` may also hold ``peer_group_names``, which replaces the unit's peer groups.
    """
    unknown = set(data) - UNIT_EDITABLE_FIELDS - {"peer_group_names"}
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(fields)s")
                               % {"fields": ", ".join(sorted(unknown))})
    if not scope.manage_scope(actor).contains(unit.path):
        raise PermissionDenied(_("You may not change this unit."))
    reject_nulls(Unit, data)
    unit = _locked(unit)
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    old_path = unit.path
    for field, value in data.items():
        if field != "peer_group_names":
            setattr(unit, field, value.strip() if isinstance(value, str) else value)
    parent = unit.parent
    unit.path = child_path(parent, unit.code)
    full_clean_or_fail(unit, exclude=["path"])
    unit.save()
    if unit.path != old_path:
        _rewrite_subtree(old_path=old_path, new_path=unit.path, level_delta=0)
    if "peer_group_names" in data:
        unit.peer_groups.set(peer_groups_ensure(data["peer_group_names"]).values())
    entry_record(
        actor=actor,
        obj=unit,
        action=AuditAction.UPDATE,
        unit_path=unit.path,
        before=before,
        after=snapshot(unit, UNIT_AUDIT_FIELDS),
    )
    return unit


def _check_move(unit: Unit, new_parent: Unit) -> None:
    if new_parent.path.startswith(unit.path):
        raise Conflict(_("A unit cannot be moved into its own subtree."))


@transaction.atomic
def unit_move(*, actor: Any, unit: Unit, new_parent: Unit) -> Unit:
    """Put ``unit`` and its whole subtree under ``new_parent``: paths and levels are rewritten
    in one statement, inside this transaction."""
    manage = scope.manage_scope(actor)
    if not manage.contains(unit.path) or not manage.contains(new_parent.path):
        raise PermissionDenied(_("You may only move units within your own scope."))
    unit = _locked(unit)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    _check_move(unit, new_parent)
    if unit.parent_id == new_parent.pk:
        return unit
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    moved = subtree_move(unit, new_parent)
    unit.refresh_from_db()
    entry_record(
        actor=actor,
        obj=unit,
        action=AuditAction.UPDATE,
        unit_path=unit.path,
        before=before,
        after=snapshot(unit, UNIT_AUDIT_FIELDS),
        note=ngettext("Moved with its subtree of %(count)d unit",
                      "Moved with its subtree of %(count)d units", moved) % {"count": moved},
    )
    return unit


def subtree_move(unit: Unit, new_parent: Unit) -> int:
    """Re-parent ``unit`` and rewrite its subtree's paths and levels; no checks, no audit:
    callers (``unit_move``, the import) do both."""
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    return _rewrite_subtree(
        old_path=unit.path,
        new_path=child_path(new_parent, unit.code),
        level_delta=new_parent.level + 1 - unit.level,
    )


def _require_manage_unit(actor: Any, unit: Unit) -> None:
    if not scope.manage_scope(actor).contains(unit.path):
        raise PermissionDenied(_("You may not manage the people of this unit."))


@transaction.atomic
def person_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    gender: str,
    birth_date: datetime.date | None = None,
    position: str = "",
    is_party_member: bool = True,
    phone: str = "",
) -> Person:
    _require_manage_unit(actor, unit)
    person = Person(
        unit=unit,
        name=name.strip(),
        gender=gender,
        birth_date=birth_date,
        position=position.strip(),
        is_party_member=is_party_member,
        phone=phone.strip(),
    )
    full_clean_or_fail(person)
    person.save()
    entry_record(
        actor=actor,
        obj=person,
        action=AuditAction.CREATE,
        unit_path=unit.path,
        after=snapshot(person, PERSON_AUDIT_FIELDS),
    )
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, data: dict[str, Any], unit: Unit | None = None
) -> Person:
    """Change a person's fields; ``unit`` transfers them to another unit of the actor's scope."""
    unknown = set(data) - PERSON_EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(fields)s")
                               % {"fields": ", ".join(sorted(unknown))})
    reject_nulls(Person, data)
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _require_manage_unit(actor, person.unit)
    before = snapshot(person, PERSON_AUDIT_FIELDS)
    if unit is not None:
        _require_manage_unit(actor, unit)
        person.unit = unit
    for field, value in data.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    full_clean_or_fail(person)
    person.save()
    entry_record(
        actor=actor,
        obj=person,
        action=AuditAction.UPDATE,
        unit_path=person.unit.path,
        before=before,
        after=snapshot(person, PERSON_AUDIT_FIELDS),
    )
    return person



@transaction.atomic
def role_grant_create(*, actor: Any, user: Any, role: str, unit: Unit) -> Any:
    """Give ``user`` a role over ``unit``'s subtree; system administrators are made by system
    administrators only, and nobody grants beyond their own managed scope. ``actor=None`` is
    the command line itself (the demo loader), which acts for the whole tree."""
    _grantable(actor, role, unit)
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, unit=unit)
    if created:
        entry_record(
            actor=actor, obj=grant, action=AuditAction.CREATE, unit_path=unit.path,
            after={"user": user.get_username(), "role": role, "unit": unit.code},
        )
        scope.forget_grants(user)
    return grant


USER_AUDIT_FIELDS = ("username", "first_name", "person", "is_active")


def _check_password(password: str, user: User) -> None:
    """Apply the password rules; their messages come back on the ``password`` field."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(_("Please correct the errors below."), extra={"errors": [
            {"field": "password", "message": str(m)} for m in error.messages]}) from None


def _grantable(actor: Any, role: str, unit: Unit) -> None:
    manage = scope.manage_scope(actor) if actor is not None else scope.Scope(True, ())
    if role == Role.SYSTEM_ADMIN and not manage.everything:
        raise PermissionDenied(_("Only a system administrator may grant this role."))
    if not manage.contains(unit.path):
        raise PermissionDenied(_("You may not grant roles for this unit."))


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    unit: Unit,
    full_name: str = "",
    person: Person | None = None,
) -> User:
    """Open an account with its first role; the password must pass the password rules."""
    _grantable(actor, role, unit)
    if person is not None and not scope.manage_scope(actor).contains(person.unit.path):
        raise PermissionDenied(_("You may not link an account to this person."))
    user = User(username=username.strip(), first_name=full_name.strip()[:150], person=person)
    _check_password(password, user)
    user.set_password(password)
    full_clean_or_fail(user, exclude=["password"])
    user.save()
    entry_record(actor=actor, obj=user, action=AuditAction.CREATE, unit_path=unit.path,
                 after=snapshot(user, USER_AUDIT_FIELDS))
    role_grant_create(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic
def role_grant_revoke(*, actor: Any, grant: RoleGrant) -> None:
    """Take a role away. Nobody revokes their own roles, so no one locks themselves out."""
    _grantable(actor, grant.role, grant.unit)
    if grant.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot revoke your own roles."))
    entry_record(
        actor=actor, obj=grant, action=AuditAction.DELETE, unit_path=grant.unit.path,
        before={"user": grant.user.get_username(), "role": grant.role, "unit": grant.unit.code},
    )
    grant.delete()


def _require_manages_account(actor: Any, user: User) -> None:
    """Every role of the account must lie in the actor's managed subtrees."""
    manage = scope.manage_scope(actor)
    if not all(manage.contains(p) for p in user.role_grants.values_list("unit__path", flat=True)):
        raise PermissionDenied(_("This account also holds roles outside your scope."))
    if manage.is_empty:
        raise PermissionDenied(_("Only administrators manage accounts."))


def _account_unit_path(user: User) -> str:
    paths = sorted(user.role_grants.values_list("unit__path", flat=True))
    return paths[0] if paths else PATH_SEPARATOR


@transaction.atomic
def user_set_active(*, actor: Any, user: User, is_active: bool) -> User:
    """Disable or re-enable a login; a disabled user's sessions and tokens stop working."""
    if user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot disable your own account."))
    _require_manages_account(actor, user)
    before = snapshot(user, USER_AUDIT_FIELDS)
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    entry_record(actor=actor, obj=user, action=AuditAction.UPDATE,
                 unit_path=_account_unit_path(user), before=before,
                 after=snapshot(user, USER_AUDIT_FIELDS))
    return user


@transaction.atomic
def user_password_set(*, actor: Any, user: User, password: str) -> User:
    """Set a new password chosen by an administrator; the audit notes the reset, not the value."""
    _require_manages_account(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    entry_record(actor=actor, obj=user, action=AuditAction.UPDATE,
                 unit_path=_account_unit_path(user), before={"password": "***"},
                 after={"password": "*** (reset)"})
    return user
