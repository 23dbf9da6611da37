"""Entries that flow into the lists from other areas (a project accepted, a roadshow result, a
finding of an inspection, a published result): confirmed at once, recorded by no one, linked to
where they came from, and collected once however often the collection runs."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from pacesetter.assessment import records, services
from pacesetter.assessment.models import EntryKind, EntrySource, EntryStatus, ListEntry
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import ValidationFailed

DAY = datetime.date(2026, 10, 12)


def collect(unit, person=None, **changes):
    fields = {"unit": unit, "person": person, "kind": EntryKind.NEGATIVE,
              "source": EntrySource.INSPECTION, "date": DAY,
              "text": "督查发现：村级议事程序不规范", "origin_type": "supervision.finding",
              "origin_id": 41, "origin_label": "《满意度后进县督查》问题 3",
              "origin_url": "/inspections/7/#finding-3"}
    fields.update(changes)
    return services.list_entry_from_origin(**fields)


def test_an_entry_from_an_origin_is_confirmed_at_once_and_linked(cadres, tree):
    # when a finding attributed to county A's party secretary is collected
    entry, created = collect(tree.county_a, cadres["sec_a"])
    # then it is on the secretary's negative list, confirmed, recorded by no one
    assert created
    entry.refresh_from_db()
    assert (entry.unit, entry.person, entry.kind, entry.status) == (
        tree.county_a, cadres["sec_a"], EntryKind.NEGATIVE, EntryStatus.CONFIRMED)
    assert (entry.recorded_by, entry.reviewed_by, entry.plan) == (None, None, None)
    assert entry.reviewed_at is not None and entry.automatic
    assert (entry.origin_type, entry.origin_id, entry.origin_label, entry.origin_url) == (
        "supervision.finding", 41, "《满意度后进县督查》问题 3", "/inspections/7/#finding-3")
    # and the audit log names the system, with where the entry came from
    audit = AuditEntry.objects.get(object_type="assessment.listentry", object_id=str(entry.pk))
    assert (audit.actor, audit.actor_name, audit.action) == (None, "system", "create")
    assert audit.unit_path == tree.county_a.path
    assert (audit.after["person"], audit.after["origin_type"], audit.after["origin_id"]) == (
        cadres["sec_a"].pk, "supervision.finding", 41)


def test_collecting_again_gives_the_same_entry(cadres, tree):
    first, created = collect(tree.county_a, cadres["sec_a"])
    again, created_again = collect(tree.county_a, cadres["sec_a"], text="改过的文字")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.text == first.text
    assert ListEntry.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="assessment.listentry").count() == 1


def test_one_origin_gives_one_entry_per_subject_and_list(cadres, tree):
    """The unit's entry (no person) and each cadre's are separate; so are the two lists."""
    collect(tree.county_a, cadres["sec_a"])
    collect(tree.county_a, cadres["head_a"])
    collect(tree.county_a)
    collect(tree.county_a)  # the unit's, again
    collect(tree.county_a, cadres["sec_a"], kind=EntryKind.ACHIEVEMENT)
    collect(tree.county_a, cadres["sec_a"], origin_type="projects.project")
    assert ListEntry.objects.count() == 5


@pytest.mark.parametrize("person", ["sec_a", None], ids=["cadre", "unit"])
def test_the_database_refuses_a_second_entry_of_an_origin(cadres, tree, person):
    """The unique index holds also where no person is named (a NULL never clashes)."""
    someone = cadres[person] if person else None
    collect(tree.county_a, someone)
    with pytest.raises(IntegrityError), transaction.atomic():
        ListEntry.objects.create(
            kind=EntryKind.NEGATIVE, unit=tree.county_a, person=someone, date=DAY, text="重复",
            status=EntryStatus.CONFIRMED, origin_type="supervision.finding", origin_id=41)
    # entries recorded by hand have no origin, and never clash
    for _ in range(2):
        ListEntry.objects.create(kind=EntryKind.NEGATIVE, unit=tree.county_a, person=someone,
                                 date=DAY, text="手工", recorded_by=None)


def test_two_collections_that_cross_leave_one_entry(cadres, tree, monkeypatch):
    """The second collection does not see the first's entry when it looks (it was not yet
    committed): the unique index refuses its insert, and it returns the first's entry."""
    first, _created = collect(tree.county_a, cadres["sec_a"])
    real_first, looks = QuerySet.first, []

    def first_not_seen_at_first(self):
        looks.append(self.model)
        return None if len(looks) == 1 else real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_not_seen_at_first)
    entry, created = collect(tree.county_a, cadres["sec_a"])
    assert (entry.pk, created) == (first.pk, False)
    assert len(looks) == 2
    assert ListEntry.objects.count() == 1
    # and the transaction it ran in goes on: the refused insert was only its savepoint's
    assert ListEntry.objects.filter(pk=first.pk).exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"person": "sec_b"}, "person"),
    ({"text": "  "}, "text"),
    ({"date": datetime.date.today() + datetime.timedelta(days=1)}, "date"),
    ({"kind": "praise"}, "kind"),
    ({"source": "rumour"}, "source"),
    ({"origin_type": ""}, "origin_type"),
    ({"origin_id": None}, "origin_id"),
    ({"origin_id": 0}, "origin_id"),
    ({"origin_label": "长" * 301}, "origin_label"),
    ({"origin_url": "https://evil.example/"}, "origin_url"),
    ({"origin_url": "//evil.example/"}, "origin_url"),
    ({"origin_url": "javascript:alert(1)"}, "origin_url"),
], ids=lambda v: v if isinstance(v, str) else next(iter(v)))
def test_a_bad_entry_names_its_field_and_saves_nothing(cadres, tree, changes, field):
    if changes.get("person"):
        changes = {**changes, "person": cadres[changes["person"]]}
    with pytest.raises(ValidationFailed) as refused:
        collect(tree.county_a, **{"person": cadres["sec_a"], **changes})
    assert [e["field"] for e in refused.value.extra["errors"]] == [field]
    assert not ListEntry.objects.exists()
    assert not AuditEntry.objects.filter(object_type="assessment.listentry").exists()


def test_an_automatic_entry_is_read_as_the_others(cadres, tree, province_admin, reporter):
    """A cadre's entry is a personnel record, however it came: organization departments over
    the unit read it, the unit's reporter does not (the unit's own entry they do)."""
    entry, _created = collect(tree.county_a, cadres["sec_a"])
    assert list(records.entries(actor=province_admin)) == [entry]
    assert records.get_entry_in_scope(province_admin, entry.pk) == entry
    unit_entry, _created = collect(tree.county_a)
    assert list(records.entries(actor=reporter)) == [unit_entry]
