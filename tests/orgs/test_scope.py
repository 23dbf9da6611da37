"""Data scope: roles reach subtrees; members reach themselves; nested grants collapse."""

import pytest

from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs import scope
from pacesetter.orgs.models import Role
from tests.factories import user_with_role


def test_county_admin_reaches_exactly_the_county_subtree(tree, county_admin):
    codes = set(scope.units_in_scope(county_admin).values_list("code", flat=True))
    assert codes == {"370502", "370502001", "370502001001"}


def test_sibling_with_a_common_code_prefix_is_not_in_scope(tree, county_admin):
    """Paths end with a separator, so /370502/ never matches /3705021/."""
    from tests.factories import UnitFactory

    UnitFactory(code="3705021", parent=tree.city1)
    assert not scope.units_in_scope(county_admin).filter(code="3705021").exists()


def test_member_sees_only_their_own_person(tree, member):
    assert list(scope.people_in_scope(member)) == [tree.member_person]
    assert not scope.units_in_scope(member).exists()


def test_nested_grants_collapse_to_the_outermost(tree):
    user = user_with_role(Role.ORG_ADMIN, tree.city1)
    user.role_grants.create(role=Role.REPORTER, unit=tree.county_a)
    assert scope.read_scope(user).paths == (tree.city1.path,)


def test_reporter_reads_but_does_not_manage(tree, reporter):
    assert scope.get_unit_in_scope(reporter, tree.township_a1.pk) == tree.township_a1
    with pytest.raises(PermissionDenied):
        scope.get_unit_in_scope(reporter, tree.township_a1.pk, for_write=True)


@pytest.mark.parametrize("bad_id", [None, "abc", "999999", -1, 0, 2**70])
def test_lookups_outside_scope_or_malformed_are_not_found(tree, county_admin, bad_id):
    with pytest.raises(NotFound):
        scope.get_unit_in_scope(county_admin, bad_id)


def test_outsider_gets_not_found_not_forbidden(tree, outsider):
    with pytest.raises(NotFound):
        scope.get_unit_in_scope(outsider, tree.county_a.pk, for_write=True)
    with pytest.raises(NotFound):
        scope.get_person_in_scope(outsider, tree.person_a.pk)


def test_inactive_user_reaches_nothing(tree, county_admin):
    county_admin.is_active = False
    assert scope.read_scope(county_admin).is_empty


def test_a_django_superuser_is_a_system_administrator(tree):
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True)
    assert scope.read_scope(root).everything
    assert scope.is_manager(root)


def test_everything_stays_everything_when_or_ed_with_another_condition(tree, sysadmin):
    """Lists built as ``scope.q(...) | Q(Exists(...))`` (plans, campaigns, projects) must keep
    every row for a system administrator, not only the rows the other condition holds."""
    from django.db.models import Q

    from pacesetter.orgs.models import Unit

    everything = scope.read_scope(sysadmin).q()
    assert Unit.objects.filter(everything | Q(code="none")).count() == Unit.objects.count()
    assert "WHERE" not in str(Unit.objects.filter(everything).query)


def test_a_system_administrator_sees_plans_campaigns_and_projects_without_units(
        tree, sysadmin, province_admin):
    import datetime

    from pacesetter.assessment import access as assessment_access
    from pacesetter.assessment import services as assessment_services
    from pacesetter.projects import access as projects_access
    from pacesetter.projects import services as projects_services

    period = assessment_services.period_get(kind="month", day=datetime.date(2026, 10, 1))
    plan = assessment_services.plan_create(actor=province_admin, owner=tree.province,
                                           name="无单位方案", period=period, assessed_levels=[])
    portfolio = projects_services.portfolio_create(actor=province_admin, owner=tree.province,
                                                   title="项目库", year=2026)
    project = projects_services.project_create(actor=province_admin, portfolio=portfolio,
                                               data=projects_services.ProjectData("草稿项目"))
    assert list(assessment_access.plans_in_scope(sysadmin)) == [plan]
    assert list(projects_access.portfolios_in_scope(sysadmin)) == [portfolio]
    assert list(projects_access.projects_in_scope(sysadmin)) == [project]
