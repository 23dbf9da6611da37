"""Accounts and roles: administrators open logins and grant roles only within their subtree."""

import pytest

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import PermissionDenied, ValidationFailed
from pacesetter.orgs import scope, services
from pacesetter.orgs.models import Role, RoleGrant, User


def test_user_create_opens_a_login_with_its_first_role(tree, county_admin):
    user = services.user_create(actor=county_admin, username="tianbao", password="Wenhui-Street-9",
                                role=Role.REPORTER, unit=tree.township_a1, full_name="填报员")
    assert user.check_password("Wenhui-Street-9")
    assert list(user.role_grants.values_list("role", "unit__code")) == [
        ("reporter", "370502001")]
    assert set(AuditEntry.objects.values_list("object_type", "action")) == {
        ("orgs.user", "create"), ("orgs.rolegrant", "create")}


def test_user_create_applies_the_password_rules(tree, county_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(actor=county_admin, username="weak", password="12345678",
                             role=Role.REPORTER, unit=tree.county_a)
    assert caught.value.extra["errors"][0]["field"] == "password"
    assert not User.objects.filter(username="weak").exists()


def test_no_grant_beyond_the_managed_subtree(tree, county_admin):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=county_admin, username="x", password="Wenhui-Street-9",
                             role=Role.ORG_ADMIN, unit=tree.city1)
    assert not User.objects.filter(username="x").exists()


def test_only_system_admins_make_system_admins(tree, province_admin, sysadmin, reporter):
    with pytest.raises(PermissionDenied):
        services.role_grant_create(actor=province_admin, user=reporter, role=Role.SYSTEM_ADMIN,
                                   unit=tree.province)
    services.role_grant_create(actor=sysadmin, user=reporter, role=Role.SYSTEM_ADMIN,
                               unit=tree.province)
    assert scope.read_scope(reporter).everything


def test_revoking_a_role_is_audited_and_takes_effect(tree, county_admin, reporter):
    grant = reporter.role_grants.get()
    services.role_grant_revoke(actor=county_admin, grant=grant)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    scope.forget_grants(reporter)
    assert scope.read_scope(reporter).is_empty
    entry = AuditEntry.objects.get(action="delete")
    assert entry.before == {"user": "reporter", "role": "reporter", "unit": "370502"}


def test_nobody_revokes_their_own_role(tree, county_admin):
    with pytest.raises(PermissionDenied):
        services.role_grant_revoke(actor=county_admin, grant=county_admin.role_grants.get())


def test_an_account_with_roles_elsewhere_cannot_be_changed_by_the_county(tree, county_admin,
                                                                          province_admin):
    province_admin.role_grants.create(role=Role.REVIEWER, unit=tree.county_a)
    assert scope.get_user_in_scope(county_admin, province_admin.pk) == province_admin
    with pytest.raises(PermissionDenied):
        scope.get_user_in_scope(county_admin, province_admin.pk, for_write=True)


def test_password_reset_is_audited_without_the_password(tree, county_admin, reporter):
    services.user_password_set(actor=county_admin, user=reporter, password="New-Password-2026")
    entry = AuditEntry.objects.get(object_type="orgs.user")
    assert "New-Password-2026" not in str(entry.after) + str(entry.before)


def test_account_changes_are_refused_outside_the_managed_subtree(tree, outsider, reporter):
    with pytest.raises(PermissionDenied):
        services.user_password_set(actor=outsider, user=reporter, password="Other-Password-77")
    with pytest.raises(PermissionDenied):
        services.user_set_active(actor=outsider, user=reporter, is_active=False)
    reporter.refresh_from_db()
    assert reporter.is_active and reporter.check_password("Correct-Horse-42")
