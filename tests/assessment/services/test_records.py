"""The achievement and negative lists: who records, who confirms, and how entries feed a plan's
bonus and deduction items; evidence files and their limits."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.assessment import records, scoring, services
from pacesetter.assessment.models import (
    Attachment,
    EntryKind,
    EntrySource,
    EntryStatus,
    ListEntry,
    SubmissionStatus,
)
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from pacesetter.orgs.models import Role
from tests.assessment.conftest import PDF, figures
from tests.factories import user_with_role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def city_admin(tree):
    return user_with_role(Role.ORG_ADMIN, tree.city1, username="city_admin")


def item(plan, code):
    return plan.plan_indicators.get(indicator__code=code)


def add(actor, plan, unit, *, kind=EntryKind.ACHIEVEMENT, code="L1", files=(), **extra):
    return records.list_entry_create(
        actor=actor, unit=unit, plan=plan, kind=kind, date=DAY, text="牵头完成防汛抢险任务",
        source=EntrySource.ASSESSMENT, plan_indicator=item(plan, code) if code else None,
        files=files, **extra)


def total_of(version, unit):
    return version.results.get(unit=unit)


# --- rules -----------------------------------------------------------------------------------

def test_a_bonus_or_deduction_rule_may_draw_from_the_lists():
    assert scoring.validate_rule("bonus", {"per": 2, "cap": 6, "source": "list"}) == {
        "per": 2.0, "cap": 6.0, "source": "list"}
    assert scoring.validate_rule("deduction", {"per": 1, "cap": 3}) == {"per": 1.0, "cap": 3.0}
    with pytest.raises(scoring.RuleError):
        scoring.validate_rule("bonus", {"per": 2, "cap": 6, "source": "rumour"})


# --- who records and who confirms ------------------------------------------------------------

def test_an_entry_a_reporter_adds_waits_for_confirmation(list_plan, reporter, tree):
    # when the county's reporter records an achievement
    entry = add(reporter, list_plan, tree.county_a)
    # then it is reported, not confirmed, and the audit log says who added it
    assert entry.status == EntryStatus.REPORTED
    assert entry.reviewed_by is None
    audit = AuditEntry.objects.get(object_type="assessment.listentry", object_id=str(entry.pk))
    assert audit.actor == reporter
    assert audit.after["status"] == "reported"


def test_the_counties_own_administrator_reports_too(list_plan, county_admin, tree):
    """A unit does not confirm its own achievements."""
    entry = add(county_admin, list_plan, tree.county_a)
    assert entry.status == EntryStatus.REPORTED
    with pytest.raises(PermissionDenied):
        records.list_entry_review(actor=county_admin, entry=entry, confirm=True)


def test_entries_of_the_plans_administrators_are_confirmed_at_once(list_plan, province_admin,
                                                                  city_admin, tree):
    assert add(province_admin, list_plan, tree.county_a).status == EntryStatus.CONFIRMED
    assert add(city_admin, list_plan, tree.county_b).status == EntryStatus.CONFIRMED


def test_an_administrator_above_the_unit_confirms_or_rejects(list_plan, reporter, city_admin,
                                                            tree):
    first, second = add(reporter, list_plan, tree.county_a), add(reporter, list_plan,
                                                                 tree.county_a)
    confirmed = records.list_entry_review(actor=city_admin, entry=first, confirm=True)
    assert (confirmed.status, confirmed.reviewed_by) == (EntryStatus.CONFIRMED, city_admin)
    with pytest.raises(ValidationFailed):
        records.list_entry_review(actor=city_admin, entry=second, confirm=False)
    rejected = records.list_entry_review(actor=city_admin, entry=second, confirm=False,
                                         reason="佐证材料不足")
    assert (rejected.status, rejected.reject_reason) == (EntryStatus.REJECTED, "佐证材料不足")
    with pytest.raises(Conflict):
        records.list_entry_review(actor=city_admin, entry=rejected, confirm=True)
    assert AuditEntry.objects.filter(object_type="assessment.listentry",
                                     action="update").count() == 2


def test_a_reporter_of_county_a_cannot_add_for_county_b(list_plan, reporter, tree):
    with pytest.raises(PermissionDenied):
        add(reporter, list_plan, tree.county_b)
    assert not ListEntry.objects.exists()


def test_an_achievement_counts_only_under_a_bonus_item(list_plan, province_admin, tree):
    with pytest.raises(ValidationFailed) as caught:
        add(province_admin, list_plan, tree.county_a, code="N1")
    assert [e["field"] for e in caught.value.extra["errors"]] == ["plan_indicator"]
    with pytest.raises(ValidationFailed):
        add(province_admin, list_plan, tree.county_a, kind=EntryKind.NEGATIVE, code="A1")
    assert not ListEntry.objects.exists()


def test_only_assessed_units_and_open_plans_take_entries(list_plan, province_admin, tree):
    with pytest.raises(ValidationFailed):
        add(province_admin, list_plan, tree.township_a1)
    services.plan_score(actor=province_admin, plan=list_plan)
    services.plan_publish(actor=province_admin, plan=list_plan)
    with pytest.raises(Conflict):
        add(province_admin, list_plan, tree.county_a)
    assert not ListEntry.objects.exists()


def test_an_entry_needs_a_description_and_no_future_date(list_plan, province_admin, tree):
    with pytest.raises(ValidationFailed) as caught:
        records.list_entry_create(actor=province_admin, unit=tree.county_a, plan=list_plan,
                                  kind=EntryKind.ACHIEVEMENT, text="  ",
                                  date=datetime.date.today() + datetime.timedelta(days=2))
    assert {e["field"] for e in caught.value.extra["errors"]} == {"text", "date"}


# --- feeding the score -----------------------------------------------------------------------

def test_confirmed_entries_feed_bonus_and_deduction_with_their_caps(list_plan, province_admin,
                                                                   reporter, city_admin,
                                                                   outsider, tree):
    # given A's figures worth 100 weighted points, and B's worth 32
    services.values_save(actor=province_admin, plan=list_plan, unit=tree.county_a,
                         values=figures(100, 96))
    services.values_save(actor=province_admin, plan=list_plan, unit=tree.county_b,
                         values=figures(80, 91))
    # and for A: three confirmed achievements (3 × 2 = 6, capped at 3), one negative entry
    # reported and confirmed (2), one achievement still waiting and one rejected
    for _ in range(3):
        add(province_admin, list_plan, tree.county_a)
    negative = add(reporter, list_plan, tree.county_a, kind=EntryKind.NEGATIVE, code="N1")
    records.list_entry_review(actor=city_admin, entry=negative, confirm=True)
    assert add(outsider, list_plan, tree.county_b).status == EntryStatus.REPORTED
    rejected = add(reporter, list_plan, tree.county_a, kind=EntryKind.NEGATIVE, code="N1")
    records.list_entry_review(actor=province_admin, entry=rejected, confirm=False,
                              reason="不属实")
    # and an entry that counts under no item
    add(province_admin, list_plan, tree.county_b, kind=EntryKind.NEGATIVE, code=None)
    # when scored
    version = services.plan_score(actor=province_admin, plan=list_plan)
    # then A: 100 + min(3 × 2, 3) − 1 × 2 = 101; B: 32, its waiting entry counts for nothing
    a, b = total_of(version, tree.county_a), total_of(version, tree.county_b)
    assert (a.bonus, a.deduction, a.total) == (Decimal(3), Decimal(2), Decimal(101))
    assert (b.bonus, b.deduction, b.total) == (Decimal(0), Decimal(0), Decimal(32))
    codes = list(version.weights)
    assert a.breakdown["raw"][codes.index("L1")] == 3.0
    assert a.breakdown["raw"][codes.index("N1")] == 1.0
    assert b.breakdown["raw"][codes.index("L1")] == 0.0


def test_a_reported_figure_for_a_list_item_is_ignored(list_plan, province_admin, tree):
    services.values_save(actor=province_admin, plan=list_plan, unit=tree.county_a,
                         values={**figures(100, 96), "L1": (Decimal(5), "")})
    version = services.plan_score(actor=province_admin, plan=list_plan)
    assert total_of(version, tree.county_a).bonus == Decimal(0)


def test_submitting_does_not_ask_for_list_items(list_plan, reporter, tree):
    services.values_save(actor=reporter, plan=list_plan, unit=tree.county_a,
                         values=figures(90, 90))
    submission = services.submission_submit(actor=reporter, plan=list_plan, unit=tree.county_a)
    assert submission.status == SubmissionStatus.SUBMITTED


def test_counting_is_one_query(list_plan, province_admin, tree, django_assert_num_queries):
    import numpy as np

    add(province_admin, list_plan, tree.county_a)
    items = list(list_plan.plan_indicators.select_related("indicator"))
    unit_ids = np.array(list(list_plan.plan_units.order_by("unit__path").values_list(
        "unit_id", flat=True)))
    matrix = np.full((len(unit_ids), len(items)), np.nan)
    with django_assert_num_queries(1):
        records.count_into(list_plan, unit_ids, items, matrix)
    column = [i.indicator.code for i in items].index("L1")
    assert matrix[:, column].tolist() == [1.0, 0.0]


# --- evidence --------------------------------------------------------------------------------

def test_evidence_is_stored_with_the_entry(list_plan, reporter, tree, media_root):
    entry = add(reporter, list_plan, tree.county_a, files=[
        SimpleUploadedFile("表彰文件.pdf", PDF, content_type="text/html"),
        SimpleUploadedFile("C:\\现场\\照片.PNG", PNG)])
    stored = list(entry.evidence.order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("表彰文件.pdf", "application/pdf", len(PDF)), ("照片.PNG", "image/png", len(PNG))]
    assert all(a.unit == tree.county_a and a.uploaded_by == reporter for a in stored)
    path = Path(media_root) / stored[0].file.name
    assert path.read_bytes() == PDF
    assert "表彰" not in stored[0].file.name


@pytest.mark.parametrize(("name", "content", "message"), [
    ("名单.exe", b"MZ\x90\x00", "仅支持 PDF"),
    ("页面.pdf", b"<html><script>alert(1)</script></html>", "不是有效的 PDF"),
    ("空.pdf", b"", "是空文件"),
    ("扫描件.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "超过 20 MB"),
], ids=["not-a-document", "html-named-pdf", "empty", "too-large"])
def test_a_refused_file_saves_nothing(list_plan, reporter, tree, settings, name, content,
                                      message):
    with pytest.raises(ValidationFailed) as caught:
        add(reporter, list_plan, tree.county_a, files=[
            SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile(name, content)])
    assert [e["field"] for e in caught.value.extra["errors"]] == ["files"]
    assert message in caught.value.extra["errors"][0]["message"]
    assert name.rsplit(".", 1)[0] in caught.value.extra["errors"][0]["message"]
    assert not ListEntry.objects.exists()
    assert not Attachment.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_evidence_for_a_figure_follows_the_figures_rules(list_plan, reporter, province_admin,
                                                        tree):
    a1 = item(list_plan, "A1")
    stored = records.value_evidence_add(actor=reporter, plan=list_plan, unit=tree.county_a,
                                        plan_indicator=a1,
                                        files=[SimpleUploadedFile("会议记录.docx",
                                                                  b"PK\x03\x04rest")])
    assert stored[0].value.plan_indicator == a1
    assert records.value_evidence(actor=reporter, plan=list_plan, unit=tree.county_a) == {
        a1.pk: stored}
    with pytest.raises(PermissionDenied):
        records.value_evidence_add(actor=reporter, plan=list_plan, unit=tree.county_b,
                                   plan_indicator=a1, files=[SimpleUploadedFile("x.pdf", PDF)])
    # once submitted, the figure and its evidence are closed to the reporter
    services.values_save(actor=reporter, plan=list_plan, unit=tree.county_a,
                         values=figures(90, 90))
    services.submission_submit(actor=reporter, plan=list_plan, unit=tree.county_a)
    with pytest.raises(Conflict):
        records.value_evidence_add(actor=reporter, plan=list_plan, unit=tree.county_a,
                                   plan_indicator=a1, files=[SimpleUploadedFile("x.pdf", PDF)])
    with pytest.raises(Conflict):
        records.value_evidence_delete(actor=reporter, attachment=stored[0])
    assert Attachment.objects.count() == 1


def test_evidence_of_a_figure_is_removed_while_it_may_change(
        list_plan, reporter, tree, settings, django_capture_on_commit_callbacks):
    stored = records.value_evidence_add(
        actor=reporter, plan=list_plan, unit=tree.county_a, plan_indicator=item(list_plan, "A1"),
        files=[SimpleUploadedFile("a.pdf", PDF)])[0]
    path = Path(settings.MEDIA_ROOT) / stored.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        records.value_evidence_delete(actor=reporter, attachment=stored)
    assert not Attachment.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(object_type="assessment.attachment",
                                     action="delete").count() == 1


def test_evidence_outside_the_scope_is_not_found(list_plan, reporter, outsider, tree):
    from pacesetter.errors import NotFound

    entry = add(reporter, list_plan, tree.county_a, files=[SimpleUploadedFile("a.pdf", PDF)])
    attachment = entry.evidence.get()
    assert records.get_attachment_in_scope(reporter, attachment.pk) == attachment
    with pytest.raises(NotFound):
        records.get_attachment_in_scope(outsider, attachment.pk)
    with pytest.raises(NotFound):
        records.get_entry_in_scope(outsider, entry.pk)
    assert list(records.entries(actor=outsider, plan=list_plan)) == []
