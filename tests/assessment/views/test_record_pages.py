"""The pages of the achievement and negative lists, tolerance decisions on their negative
entries, entries collected from other areas, evidence downloads, and evidence on the data-entry
page; every page tried by an administrator of another county."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from pacesetter.assessment import records, services, spreadsheets
from pacesetter.assessment.models import (
    Attachment,
    EntryStatus,
    IndicatorValue,
    ListEntry,
    ToleranceDecision,
)
from pacesetter.audit.models import AuditEntry
from tests.assessment.conftest import PDF

DAY = "2026-10-12"


@pytest.fixture
def entry_a(list_plan, reporter, tree):
    """A reported achievement of county A under L1, with one evidence file."""
    return records.list_entry_create(
        actor=reporter, unit=tree.county_a, plan=list_plan, kind="achievement",
        date=datetime.date(2026, 10, 12), text="完成防汛抢险任务", source="assessment",
        plan_indicator=list_plan.plan_indicators.get(indicator__code="L1"),
        files=[SimpleUploadedFile("表彰.pdf", PDF)])


@pytest.fixture
def negative_a(list_plan, province_admin, tree):
    """A confirmed negative entry of county A under the deduction item N1."""
    return records.list_entry_create(
        actor=province_admin, unit=tree.county_a, plan=list_plan, kind="negative",
        date=datetime.date(2026, 10, 10), text="村级议事程序不规范",
        plan_indicator=list_plan.plan_indicators.get(indicator__code="N1"))


def entry_form(plan, **fields):
    data = {"kind": "achievement", "date": DAY, "source": "award", "text": "获评省级先进基层党组织",
            "plan_indicator": plan.plan_indicators.get(indicator__code="L1").pk}
    data.update(fields)
    return data


def test_a_reporter_records_an_entry_with_evidence(client, list_plan, reporter, tree):
    client.force_login(reporter)
    url = reverse("assessment:unit_lists", args=[list_plan.pk, tree.county_a.pk])
    page = client.get(url).content.decode()
    assert 'id="add-entry"' in page and 'enctype="multipart/form-data"' in page
    answer = client.post(url, {**entry_form(list_plan),
                               "files": [SimpleUploadedFile("证书.pdf", PDF)]})
    assert answer.status_code == 302
    entry = ListEntry.objects.get()
    assert (entry.unit, entry.status, entry.recorded_by) == (tree.county_a, "reported", reporter)
    assert entry.evidence.get().original_name == "证书.pdf"
    listing = client.get(url).content.decode()
    assert "获评省级先进基层党组织" in listing and "证书.pdf" in listing


def test_a_bad_file_is_named_on_the_page_and_nothing_is_saved(client, list_plan, reporter,
                                                              tree):
    client.force_login(reporter)
    url = reverse("assessment:unit_lists", args=[list_plan.pk, tree.county_a.pk])
    answer = client.post(url, {**entry_form(list_plan),
                               "files": [SimpleUploadedFile("病毒.exe", b"MZ\x90")]})
    assert answer.status_code == 200
    errors = answer.context["form"].non_field_errors()
    assert any("病毒.exe" in e for e in errors)
    assert not ListEntry.objects.exists() and not Attachment.objects.exists()


def test_an_administrator_confirms_from_the_plans_lists(client, entry_a, province_admin,
                                                        list_plan):
    client.force_login(province_admin)
    url = reverse("assessment:plan_lists", args=[list_plan.pk])
    page = client.get(url, {"status": "reported"}).content.decode()
    assert reverse("assessment:entry_review", args=[entry_a.pk]) in page
    answer = client.post(reverse("assessment:entry_review", args=[entry_a.pk]),
                         {"confirm": "1", "next": url + "?status=reported"})
    assert answer.status_code == 302 and answer["Location"] == url + "?status=reported"
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.CONFIRMED
    assert "完成防汛抢险任务" not in client.get(url, {"status": "reported"}).content.decode()
    assert "完成防汛抢险任务" in client.get(url, {"status": "confirmed"}).content.decode()


def test_a_rejection_without_reason_is_refused_with_a_message(client, entry_a, province_admin):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:entry_review", args=[entry_a.pk]),
                         {"confirm": "0", "next": "https://evil.example/"}, follow=True)
    assert [m.level_tag for m in answer.context["messages"]] == ["error"]
    assert answer.redirect_chain[0][0] == reverse("assessment:plan_lists",
                                                  args=[entry_a.plan_id])
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.REPORTED


def test_a_reporter_cannot_confirm(client, entry_a, reporter):
    client.force_login(reporter)
    answer = client.post(reverse("assessment:entry_review", args=[entry_a.pk]), {"confirm": "1"})
    assert answer.status_code == 403
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.REPORTED


def test_evidence_downloads_as_an_attachment(client, entry_a, reporter):
    client.force_login(reporter)
    attachment = entry_a.evidence.get()
    answer = client.get(reverse("assessment:evidence_download", args=[attachment.pk]))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"


def exported_sheet(answer):
    return load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active


def test_the_lists_export_to_excel(client, entry_a, province_admin, list_plan):
    client.force_login(province_admin)
    answer = client.get(reverse("assessment:plan_lists_export", args=[list_plan.pk]))
    assert answer.streaming and answer["Content-Disposition"].startswith("attachment;")
    rows = list(exported_sheet(answer).iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "370502" and rows[1][7] == "完成防汛抢险任务" and rows[1][11] == 1


def test_the_lists_export_is_written_write_only_and_read_in_chunks(
        client, entry_a, province_admin, list_plan, monkeypatch):
    made, chunks = [], []
    real_workbook, real_iterator = spreadsheets.Workbook, QuerySet.iterator

    def workbook(*args, **kwargs):
        made.append(kwargs.get("write_only", False))
        return real_workbook(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        chunks.append(kwargs.get("chunk_size"))
        return real_iterator(self, *args, **kwargs)

    monkeypatch.setattr(spreadsheets, "Workbook", workbook)
    monkeypatch.setattr(QuerySet, "iterator", iterator)
    client.force_login(province_admin)
    client.get(reverse("assessment:plan_lists_export", args=[list_plan.pk]))
    assert made == [True]
    assert chunks == [spreadsheets.CHUNK]


def test_text_typed_into_entries_comes_out_of_the_lists_export_as_text_not_a_formula(
        client, entry_a, province_admin, reporter, list_plan, tree):
    # given: an entry, and its rejection reason, written as spreadsheet formulas
    formula = '=HYPERLINK("http://x","y")'
    rejected = records.list_entry_create(
        actor=reporter, unit=tree.county_a, plan=list_plan, kind="negative",
        date=datetime.date(2026, 10, 1), text=formula)
    records.list_entry_review(actor=province_admin, entry=rejected, confirm=False,
                              reason="@SUM(1+1)")
    client.force_login(province_admin)
    # when
    sheet = exported_sheet(client.get(reverse("assessment:plan_lists_export",
                                              args=[list_plan.pk])))
    # then
    row = next(r for r in sheet.iter_rows(min_row=2) if r[7].value == formula)
    assert (row[7].data_type, row[8].data_type) == ("s", "s")
    assert row[8].value == "@SUM(1+1)"
    assert not [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]


def test_the_lists_page_costs_no_query_per_entry(client, list_plan, province_admin, tree,
                                                 django_assert_max_num_queries):
    for n in range(12):
        entry = records.list_entry_create(
            actor=province_admin, unit=tree.county_a, plan=list_plan, kind="negative",
            date=datetime.date(2026, 10, 1), text=f"问题{n}",
            files=[SimpleUploadedFile("a.pdf", PDF)])
        if n % 2:
            services.tolerance_decide(actor=province_admin, entry=entry, reason="改革探索",
                                      approver="县委常委会")
    client.force_login(province_admin)
    with django_assert_max_num_queries(14):
        client.get(reverse("assessment:plan_lists", args=[list_plan.pk]))


# --- tolerance decisions (容错认定) -----------------------------------------------------------

def test_an_administrator_records_a_tolerance_decision_from_the_lists(
        client, negative_a, province_admin, list_plan):
    # given: the plan's lists offer the decision on the confirmed negative entry
    client.force_login(province_admin)
    url = reverse("assessment:plan_lists", args=[list_plan.pk])
    action = reverse("assessment:entry_tolerance", args=[negative_a.pk])
    assert action in client.get(url).content.decode()
    # when
    answer = client.post(action, {"reason": "改革探索中的失误，出于公心",
                                  "approver": "县委常委会 2026-05-12",
                                  "next": url + "?kind=negative"})
    # then
    assert answer.status_code == 302 and answer["Location"] == url + "?kind=negative"
    decision = ToleranceDecision.objects.get()
    assert (decision.entry, decision.reason, decision.approver, decision.decided_by) == (
        negative_a, "改革探索中的失误，出于公心", "县委常委会 2026-05-12", province_admin)
    page = client.get(url).content.decode()
    assert gettext("Tolerated") in page
    assert "县委常委会 2026-05-12" in page and "改革探索中的失误，出于公心" in page
    assert action not in page  # decided once: the form is gone


def test_the_decision_is_offered_only_on_confirmed_negative_entries(
        client, entry_a, negative_a, province_admin, list_plan):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_lists", args=[list_plan.pk])).content.decode()
    assert reverse("assessment:entry_tolerance", args=[negative_a.pk]) in page
    assert reverse("assessment:entry_tolerance", args=[entry_a.pk]) not in page


def test_a_decision_without_its_approver_is_refused_with_a_message(
        client, negative_a, province_admin, list_plan):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:entry_tolerance", args=[negative_a.pk]),
                         {"reason": "改革探索中的失误", "approver": " "}, follow=True)
    assert answer.redirect_chain[0][0] == reverse("assessment:plan_lists", args=[list_plan.pk])
    assert [m.level_tag for m in answer.context["messages"]] == ["error"]
    assert not ToleranceDecision.objects.exists()


def test_the_unit_itself_cannot_absolve_its_entry(client, negative_a, reporter, county_admin,
                                                  list_plan):
    for user in (reporter, county_admin):
        client.force_login(user)
        page = client.get(reverse("assessment:plan_lists", args=[list_plan.pk]))
        assert "村级议事程序不规范" in page.content.decode()
        assert reverse("assessment:entry_tolerance", args=[negative_a.pk]) not in (
            page.content.decode())
        answer = client.post(reverse("assessment:entry_tolerance", args=[negative_a.pk]),
                             {"reason": "自己认定", "approver": "本单位"})
        assert answer.status_code == 403
    assert not ToleranceDecision.objects.exists()


def test_the_lists_export_gives_the_tolerance_decision(client, entry_a, negative_a,
                                                      province_admin, list_plan):
    services.tolerance_decide(actor=province_admin, entry=negative_a, reason="改革探索中的失误",
                              approver="县委常委会 2026-05-12")
    client.force_login(province_admin)
    rows = list(exported_sheet(client.get(reverse(
        "assessment:plan_lists_export", args=[list_plan.pk]))).iter_rows(values_only=True))
    assert rows[0][12] == gettext("Tolerance decision")
    tolerated = {row[7]: row[12] for row in rows[1:]}
    assert tolerated["完成防汛抢险任务"] is None
    assert "县委常委会 2026-05-12" in tolerated["村级议事程序不规范"]
    assert "改革探索中的失误" in tolerated["村级议事程序不规范"]


# --- entries collected from other areas --------------------------------------------------------

@pytest.fixture
def collected(list_plan, tree):
    """An achievement collected from an accepted project, put on the plan's lists."""
    entry, _created = services.list_entry_from_origin(
        unit=tree.county_a, person=None, kind="achievement", source="project",
        date=datetime.date(2026, 10, 8), text="创新项目验收优秀", origin_type="projects.project",
        origin_id=9, origin_label="项目《红色物业》验收 优秀", origin_url="/projects/9/")
    ListEntry.objects.filter(pk=entry.pk).update(plan=list_plan)
    return entry


def test_a_collected_entry_links_to_where_it_came_from(client, collected, province_admin,
                                                      list_plan):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_lists", args=[list_plan.pk])).content.decode()
    assert '<a class="origin" href="/projects/9/">项目《红色物业》验收 优秀</a>' in page
    assert gettext("Recorded automatically") in page
    rows = list(exported_sheet(client.get(reverse(
        "assessment:plan_lists_export", args=[list_plan.pk]))).iter_rows(values_only=True))
    assert (rows[1][9], rows[1][13]) == (gettext("Recorded automatically"),
                                         "项目《红色物业》验收 优秀")


# --- the data-entry page -------------------------------------------------------------------

def test_list_items_are_not_entered_by_hand(client, list_plan, reporter, tree):
    client.force_login(reporter)
    page = client.get(reverse("assessment:unit_values", args=[list_plan.pk, tree.county_a.pk]))
    assert "v_L1" not in page.context["form"].fields
    assert "v_A1" in page.context["form"].fields
    assert reverse("assessment:unit_lists", args=[list_plan.pk, tree.county_a.pk]) in (
        page.content.decode())


def test_a_reporter_attaches_evidence_to_a_figure(client, list_plan, reporter, tree):
    client.force_login(reporter)
    url = reverse("assessment:unit_values", args=[list_plan.pk, tree.county_a.pk])
    answer = client.post(url, {"v_A1": "98", "v_A2": "96", "save": "1",
                               "e_A2": [SimpleUploadedFile("测评报告.pdf", PDF)]})
    assert answer.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.value.plan_indicator.indicator.code == "A2"
    assert "测评报告.pdf" in client.get(url).content.decode()
    # and removes it again
    client.post(reverse("assessment:evidence_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()


def test_a_bad_evidence_file_stops_the_save(client, list_plan, reporter, tree):
    client.force_login(reporter)
    url = reverse("assessment:unit_values", args=[list_plan.pk, tree.county_a.pk])
    answer = client.post(url, {"v_A1": "98", "v_A2": "96", "save": "1",
                               "e_A2": [SimpleUploadedFile("报告.pdf", b"<html></html>")]})
    assert answer.status_code == 200
    assert any("报告.pdf" in e for e in answer.context["form"].errors["v_A2"])
    assert not IndicatorValue.objects.filter(value__isnull=False).exists()
    assert not Attachment.objects.exists()


# --- scope -----------------------------------------------------------------------------------

def _state():
    return (list(ListEntry.objects.order_by("pk").values_list("status", "text", "reject_reason")),
            list(Attachment.objects.order_by("pk").values_list("file", flat=True)),
            list(IndicatorValue.objects.order_by("pk").values_list("value", flat=True)),
            ToleranceDecision.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(("method", "name"), [
    ("get", "plan_lists?unit"),
    ("get", "unit_lists"),
    ("post", "unit_lists"),
    ("post", "entry_review"),
    ("post", "entry_tolerance"),
    ("get", "evidence_download"),
    ("post", "evidence_delete"),
    ("get", "value_evidence_download"),
    ("post", "value_evidence_delete"),
])
def test_an_outsider_finds_nothing_and_changes_nothing(client, entry_a, negative_a, list_plan,
                                                       reporter, outsider, tree, method, name):
    figure = records.value_evidence_add(
        actor=reporter, plan=list_plan, unit=tree.county_a,
        plan_indicator=list_plan.plan_indicators.get(indicator__code="A1"),
        files=[SimpleUploadedFile("a.pdf", PDF)])[0]
    urls = {
        "plan_lists?unit": reverse("assessment:plan_lists", args=[list_plan.pk])
        + f"?unit={tree.county_a.pk}",
        "unit_lists": reverse("assessment:unit_lists", args=[list_plan.pk, tree.county_a.pk]),
        "entry_review": reverse("assessment:entry_review", args=[entry_a.pk]),
        "entry_tolerance": reverse("assessment:entry_tolerance", args=[negative_a.pk]),
        "evidence_download": reverse("assessment:evidence_download",
                                     args=[entry_a.evidence.get().pk]),
        "evidence_delete": reverse("assessment:evidence_delete",
                                   args=[entry_a.evidence.get().pk]),
        "value_evidence_download": reverse("assessment:evidence_download", args=[figure.pk]),
        "value_evidence_delete": reverse("assessment:evidence_delete", args=[figure.pk]),
    }
    data = {**entry_form(list_plan), "confirm": "1", "reason": "容错", "approver": "县委",
            "files": [SimpleUploadedFile("x.pdf", PDF)]} if method == "post" else None
    before = _state()
    client.force_login(outsider)
    answer = getattr(client, method)(urls[name], data)
    assert answer.status_code == 404
    assert _state() == before


def test_an_outsider_sees_none_of_county_as_entries_in_lists_or_export(client, entry_a,
                                                                        list_plan, outsider):
    client.force_login(outsider)
    page = client.get(reverse("assessment:plan_lists", args=[list_plan.pk]))
    assert page.status_code == 200
    assert "完成防汛抢险任务" not in page.content.decode()
    export = client.get(reverse("assessment:plan_lists_export", args=[list_plan.pk]))
    rows = list(exported_sheet(export).iter_rows(values_only=True))
    assert len(rows) == 1


def test_an_outsider_cannot_reach_a_plan_they_do_not_see(client, tree, outsider, period,
                                                         province_admin):
    hidden = services.plan_create(actor=province_admin, owner=tree.city2, name="日照市考核",
                                  period=period, assessed_levels=[3])
    client.force_login(outsider)
    for name in ("plan_lists", "plan_lists_export"):
        assert client.get(reverse(f"assessment:{name}", args=[hidden.pk])).status_code == 404


def test_the_plan_page_links_to_the_lists(client, list_plan, reporter, tree):
    client.force_login(reporter)
    page = client.get(reverse("assessment:plan_detail", args=[list_plan.pk])).content.decode()
    assert reverse("assessment:plan_lists", args=[list_plan.pk]) in page
    assert reverse("assessment:unit_lists", args=[list_plan.pk, tree.county_a.pk]) in page
