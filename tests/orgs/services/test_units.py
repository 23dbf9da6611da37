"""Creating, changing and moving units: scope, invariants of the tree, and the audit trail."""

import pytest

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs import services
from pacesetter.orgs.models import Unit


def test_unit_create_derives_path_and_level_and_audits(tree, county_admin):
    # when
    unit = services.unit_create(actor=county_admin, code="370502002", name="黄河路街道",
                                kind="township", parent=tree.county_a,
                                peer_group_names=["街道"])
    # then
    assert unit.path == "/370000/370500/370502/370502002/"
    assert unit.level == 4
    assert [g.name for g in unit.peer_groups.all()] == ["街道"]
    entry = AuditEntry.objects.get(object_type="orgs.unit", object_id=str(unit.pk))
    assert entry.action == "create"
    assert entry.actor == county_admin
    assert entry.after["path"] == unit.path
    assert entry.after["peer_groups"] == ["街道"]


def test_unit_create_outside_scope_is_refused_and_writes_nothing(tree, outsider):
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=outsider, code="X1", name="越权", kind="branch",
                             parent=tree.county_a)
    assert not Unit.objects.filter(code="X1").exists()
    assert not AuditEntry.objects.exists()


def test_unit_create_duplicate_code_names_the_field(tree, county_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.unit_create(actor=county_admin, code="370502001", name="重复", kind="branch",
                             parent=tree.county_a)
    assert [e["field"] for e in caught.value.extra["errors"]] == ["code"]


def test_only_a_system_admin_creates_a_top_level_unit(tree, province_admin, sysadmin):
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=province_admin, code="110000", name="北京市",
                             kind="party_committee", parent=None)
    unit = services.unit_create(actor=sysadmin, code="110000", name="北京市",
                                kind="party_committee", parent=None)
    assert (unit.level, unit.path) == (1, "/110000/")


def test_unit_move_rewrites_the_whole_subtree(tree, province_admin):
    # when county A (with township and branch) moves from city 1 to city 2
    services.unit_move(actor=province_admin, unit=tree.county_a, new_parent=tree.city2)
    # then
    branch = Unit.objects.get(pk=tree.branch_a1a.pk)
    assert branch.path == "/370000/371100/370502/370502001/370502001001/"
    assert branch.level == 5
    assert Unit.objects.get(pk=tree.county_a.pk).parent == tree.city2
    entry = AuditEntry.objects.get(object_id=str(tree.county_a.pk))
    assert entry.before["parent"] == tree.city1.pk
    assert entry.after["parent"] == tree.city2.pk
    assert "3" in entry.note


def test_unit_move_changes_levels_when_depth_changes(tree, province_admin):
    services.unit_move(actor=province_admin, unit=tree.township_a1, new_parent=tree.province)
    branch = Unit.objects.get(pk=tree.branch_a1a.pk)
    assert (branch.level, branch.path) == (3, "/370000/370502001/370502001001/")


def test_unit_cannot_move_into_its_own_subtree(tree, province_admin):
    with pytest.raises(Conflict):
        services.unit_move(actor=province_admin, unit=tree.city1, new_parent=tree.township_a1)
    assert Unit.objects.get(pk=tree.city1.pk).path == "/370000/370500/"


def test_unit_move_needs_both_ends_in_scope(tree, county_admin):
    with pytest.raises(PermissionDenied):
        services.unit_move(actor=county_admin, unit=tree.township_a1, new_parent=tree.county_b)
    assert Unit.objects.get(pk=tree.township_a1.pk).parent == tree.county_a


def test_unit_update_of_code_rewrites_descendant_paths(tree, county_admin):
    services.unit_update(actor=county_admin, unit=tree.township_a1, data={"code": "T1"})
    assert Unit.objects.get(pk=tree.branch_a1a.pk).path == "/370000/370500/370502/T1/370502001001/"


def test_unit_update_without_change_writes_no_audit_entry(tree, county_admin):
    services.unit_update(actor=county_admin, unit=tree.township_a1,
                         data={"name": tree.township_a1.name})
    assert not AuditEntry.objects.exists()


def test_unit_update_records_before_and_after(tree, county_admin):
    services.unit_update(actor=county_admin, unit=tree.township_a1, data={"name": "新名字"})
    entry = AuditEntry.objects.get()
    assert entry.changed_fields == [("name", "文汇街道", "新名字")]


def test_unit_update_refuses_fields_that_are_not_editable(tree, county_admin):
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=county_admin, unit=tree.township_a1, data={"level": 1})
