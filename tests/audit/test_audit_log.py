"""The audit log is append-only and read within the reader's managed scope."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from pacesetter.audit.models import AuditEntry, AuditLogIsAppendOnly
from pacesetter.audit.selectors import entry_list
from pacesetter.errors import PermissionDenied
from pacesetter.orgs import services


@pytest.fixture
def entries(tree, province_admin):
    services.unit_update(actor=province_admin, unit=tree.township_a1, data={"name": "甲"})
    services.unit_update(actor=province_admin, unit=tree.county_b, data={"name": "乙"})
    return AuditEntry.objects.order_by("pk")


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(entries):
    entry = entries.first()
    entry.note = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().update(note="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()


def test_the_database_itself_refuses_an_update(entries):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET note = 'tampered'")
    assert not AuditEntry.objects.filter(note="tampered").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test flush uses DELETE")
def test_postgresql_refuses_a_delete(entries):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert entries.count() == 2


def test_readers_see_entries_of_their_subtree_only(entries, county_admin):
    assert [e.object_repr for e in entry_list(actor=county_admin)] == ["甲(370502001)"]


def test_filters_by_unit_actor_type_and_date(entries, province_admin, tree):
    today = datetime.date.today()
    assert entry_list(actor=province_admin, unit_path=tree.county_b.path).count() == 1
    assert entry_list(actor=province_admin, actor_name="province_admin").count() == 2
    assert entry_list(actor=province_admin, actor_name="nobody").count() == 0
    assert entry_list(actor=province_admin, object_type="orgs.person").count() == 0
    assert entry_list(actor=province_admin, date_from=today, date_to=today).count() == 2
    yesterday = today - datetime.timedelta(days=1)
    assert entry_list(actor=province_admin, date_to=yesterday).count() == 0


def test_only_administrators_read_the_log(entries, reporter):
    with pytest.raises(PermissionDenied):
        entry_list(actor=reporter)


def test_audit_page_filters_and_offers_no_way_to_change(client, entries, province_admin, tree):
    client.force_login(province_admin)
    page = client.get("/audit/", {"unit": "370503"}).content.decode()
    assert "乙(370503)" in page
    assert "甲(370502001)" not in page
    assert "<form method=\"post\"" not in page.split("audit-entries")[1]


def test_audit_page_is_forbidden_to_reporters(client, entries, reporter):
    client.force_login(reporter)
    assert client.get("/audit/").status_code == 403
