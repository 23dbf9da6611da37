"""People are added and changed by the administrators of their unit, and every change is audited."""

import pytest

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import PermissionDenied, ValidationFailed
from pacesetter.orgs import services
from pacesetter.orgs.models import Person


def test_person_create_audits_with_the_unit_path(tree, county_admin):
    person = services.person_create(actor=county_admin, unit=tree.township_a1, name="赵六",
                                    gender="male", phone="13900001111")
    entry = AuditEntry.objects.get(object_type="orgs.person")
    assert entry.object_id == str(person.pk)
    assert entry.unit_path == tree.township_a1.path
    assert entry.after["phone"] == "13900001111"


def test_person_create_rejects_a_bad_phone(tree, county_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(actor=county_admin, unit=tree.county_a, name="赵六",
                               gender="male", phone="call me")
    assert caught.value.extra["errors"][0]["field"] == "phone"
    assert not Person.objects.filter(name="赵六").exists()


def test_person_transfer_needs_the_target_unit_in_scope(tree, county_admin):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=county_admin, person=tree.person_a, data={},
                               unit=tree.county_b)
    assert Person.objects.get(pk=tree.person_a.pk).unit == tree.county_a


def test_person_update_records_the_transfer(tree, province_admin):
    services.person_update(actor=province_admin, person=tree.person_a, data={},
                           unit=tree.county_b)
    entry = AuditEntry.objects.get()
    assert (entry.before["unit"], entry.after["unit"]) == (tree.county_a.pk, tree.county_b.pk)


def test_masked_phone_hides_the_middle_digits(tree):
    assert tree.person_a.masked_phone.startswith("138****")
    assert len(tree.person_a.masked_phone) == 11


def test_an_explicit_null_for_a_text_field_is_a_validation_error(tree, county_admin):
    """Found by the API fuzzer: ``full_clean`` lets None through for blank-able fields."""
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(actor=county_admin, person=tree.person_a,
                               data={"position": None})
    assert caught.value.extra["errors"][0]["field"] == "position"
    assert Person.objects.get(pk=tree.person_a.pk).position == "党员"
