"""The plan's file pages: template download, upload, and the streamed xlsx exports."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pacesetter.assessment import services
from pacesetter.assessment.models import IndicatorValue
from pacesetter.audit.models import AuditEntry
from tests.assessment.conftest import figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def open_plan(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    return plan


def opened(response):
    """The streamed workbook of a file response."""
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(book):
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def xlsx_upload(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("figures.xlsx", buffer.getvalue(), content_type=XLSX)


def test_a_reporter_downloads_a_template_of_their_units(client, open_plan, reporter):
    client.force_login(reporter)
    book = opened(client.get(reverse("assessment:values_template", args=[open_plan.pk])))
    assert [r[0] for r in rows_of(book)[1:]] == ["370502"]


def test_the_filled_template_uploads_and_is_saved(client, open_plan, reporter):
    # given
    client.force_login(reporter)
    book = opened(client.get(reverse("assessment:values_template", args=[open_plan.pk])))
    for column, value in zip("DFHJ", (98, 96, 1, 0), strict=True):
        book.worksheets[0][f"{column}2"] = value
    url = reverse("assessment:values_upload", args=[open_plan.pk])
    # when
    answer = client.post(url, {"file": xlsx_upload(book)})
    # then
    assert answer.status_code == 302
    assert IndicatorValue.objects.filter(plan=open_plan, unit__code="370502").count() == 4
    assert "4" in next(str(m) for m in client.get(url).context["messages"])


def test_an_upload_with_bad_cells_lists_each_and_saves_nothing(client, open_plan, reporter,
                                                               province_admin):
    # given: the province's template, with county B's row the reporter may not touch
    client.force_login(province_admin)
    book = opened(client.get(reverse("assessment:values_template", args=[open_plan.pk])))
    sheet = book.worksheets[0]
    sheet["D2"], sheet["F2"], sheet["D3"] = 150, 96, 70
    client.force_login(reporter)
    # when
    answer = client.post(reverse("assessment:values_upload", args=[open_plan.pk]),
                         {"file": xlsx_upload(book)}, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert answer.status_code == 200
    where = [p["where"] for p in answer.context["problems"]]
    assert len(where) == 2 and where[0].endswith("D") and where[1].endswith("A")
    page = answer.content.decode()
    assert 'id="problems"' in page and "370503" in page
    assert not IndicatorValue.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused_on_the_form(client, open_plan, reporter):
    client.force_login(reporter)
    answer = client.post(reverse("assessment:values_upload", args=[open_plan.pk]),
                         {"file": SimpleUploadedFile("figures.csv", b"a,b")})
    assert answer.status_code == 200 and answer.context["form"].errors
    assert not IndicatorValue.objects.exists()


def test_the_results_export_streams_the_version_asked_for(client, open_plan, province_admin,
                                                          reporter, tree):
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_a,
                         values=figures(98, 96, 2, 0))
    services.plan_score(actor=province_admin, plan=open_plan)
    url = reverse("assessment:results_export", args=[open_plan.pk])
    client.force_login(reporter)
    assert client.get(url).status_code == 404  # a draft is only for the plan's runners
    services.plan_publish(actor=province_admin, plan=open_plan)

    book = opened(client.get(url, {"version": 1}, HTTP_ACCEPT_LANGUAGE="en"))

    rows = rows_of(book)
    assert rows[0][:4] == ["Rank", "Ranking group", "Rank in group", "Unit code"]
    assert [r[3] for r in rows[1:]] == ["370502", "370503"]
    assert client.get(url, {"version": "x"}).status_code == 404
    assert client.get(url, {"version": 7}).status_code == 404


def test_a_results_export_past_the_direct_limit_is_written_in_the_background(
        client, open_plan, province_admin, county_admin, tree, media_root, monkeypatch,
        django_capture_on_commit_callbacks):
    # given a published version of 2 rows, past a direct limit of 1
    from pacesetter.assessment import file_views
    from pacesetter.exports.models import ExportJob
    from pacesetter.notifications.models import Notification

    monkeypatch.setattr(file_views, "DIRECT_EXPORT_ROWS", 1)
    services.values_save(actor=province_admin, plan=open_plan, unit=tree.county_a,
                         values=figures(98, 96, 2, 0))
    services.plan_score(actor=province_admin, plan=open_plan)
    services.plan_publish(actor=province_admin, plan=open_plan)
    url = reverse("assessment:results_export", args=[open_plan.pk]) + "?version=1"
    client.force_login(province_admin)
    # when the export is asked for: a page offers the background, and writes nothing yet
    offer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert offer.status_code == 200 and not offer.streaming
    assert "2 rows" in offer.content.decode()
    assert not ExportJob.objects.exists()
    # when it is started (the job runs inline once the request commits, as without a broker)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    # then the requester lands on the job, done, with the file in their language
    job = ExportJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse(
        "exports:detail", args=[job.pk])
    assert (job.status, job.rows_total, job.requested_by) == ("done", 2, province_admin)
    page = client.get(started["Location"]).content.decode()
    assert reverse("exports:download", args=[job.pk]) in page
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download["Content-Type"] == XLSX
    rows = rows_of(load_workbook(io.BytesIO(b"".join(download.streaming_content))))
    assert rows[0][0] == "Rank" and [r[3] for r in rows[1:]] == ["370502", "370503"]
    assert Notification.objects.get(kind="export.done").recipient == province_admin
    assert AuditEntry.objects.filter(object_type="exports.exportjob").count() == 1
    # and nobody else sees it, not even an administrator below
    client.force_login(county_admin)
    assert client.get(reverse("exports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:list")).content.decode().count(job.title) == 0


def test_an_export_of_a_draft_replaced_before_it_ran_fails_with_a_message(
        open_plan, province_admin, media_root):
    from django.utils import translation

    from pacesetter.exports import services as export_services

    draft = services.plan_score(actor=province_admin, plan=open_plan)
    with translation.override("en"):
        job = export_services.export_request(
            actor=province_admin, kind="assessment.results",
            params={"plan": open_plan.pk, "version": draft.number, "version_id": draft.pk},
            title="draft", unit_path=open_plan.owner.path, rows_total=2)
    services.plan_score(actor=province_admin, plan=open_plan)  # same number, new rows
    export_services.export_run(export_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed", "This draft was replaced by a new scoring: export it again.")


def test_the_results_file_reports_its_progress_every_chunk(open_plan, province_admin,
                                                           monkeypatch):
    from pacesetter.assessment import spreadsheets

    monkeypatch.setattr(spreadsheets, "CHUNK", 1)
    version = services.plan_score(actor=province_admin, plan=open_plan)
    seen = []
    spreadsheets.results_file(actor=province_admin, plan=open_plan, version=version,
                              progress=seen.append).close()
    assert seen == [1, 2]


def test_the_submissions_export_holds_the_reporters_units_only(client, open_plan, reporter):
    client.force_login(reporter)
    book = opened(client.get(reverse("assessment:submissions_export", args=[open_plan.pk])))
    assert [r[0] for r in rows_of(book)[1:]] == ["370502"]


def test_the_plan_page_and_the_board_link_to_the_files(client, open_plan, province_admin,
                                                       tree):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_detail", args=[open_plan.pk])).content.decode()
    assert reverse("assessment:values_upload", args=[open_plan.pk]) in page
    assert reverse("assessment:submissions_export", args=[open_plan.pk]) in page
    services.plan_score(actor=province_admin, plan=open_plan)
    board = client.get(reverse("assessment:board", args=[open_plan.pk])).content.decode()
    assert reverse("assessment:results_export", args=[open_plan.pk]) + "?version=1" in board


@pytest.fixture
def county_plan(tree, county_admin, period):
    """A plan of county A assessing its townships, open, with a figure, scored."""
    plan = services.plan_create(actor=county_admin, owner=tree.county_a, name="乡镇考核",
                                period=period, assessed_levels=[4])
    indicator = services.indicator_create(actor=county_admin, owner=tree.county_a, code="Q1",
                                          name="质量", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=county_admin, plan=plan, indicator=indicator,
                                weight=Decimal(100))
    services.plan_open(actor=county_admin, plan=plan)
    services.values_save(actor=county_admin, plan=plan, unit=tree.township_a1,
                         values={"Q1": (Decimal(5), "")})
    services.plan_score(actor=county_admin, plan=plan)
    return plan


@pytest.mark.parametrize(("method", "name", "query"), [
    ("get", "values_template", ""),
    ("get", "values_upload", ""),
    ("post", "values_upload", ""),
    ("get", "results_export", "?version=1"),
    ("get", "submissions_export", ""),
])
def test_outside_the_plans_scope_every_file_url_is_not_found_and_nothing_changes(
        client, outsider, county_plan, tree, method, name, query):
    # given
    audits = AuditEntry.objects.count()
    values = list(IndicatorValue.objects.values_list("pk", "value", "updated_at"))
    client.force_login(outsider)
    url = reverse(f"assessment:{name}", args=[county_plan.pk]) + query
    body = {}
    if method == "post":
        upload = Workbook()
        upload.active.append(["单位代码", "Q1"])
        upload.active.append([tree.township_a1.code, 9])
        body = {"file": xlsx_upload(upload)}
    # when
    answer = getattr(client, method)(url, body)
    # then
    assert answer.status_code == 404
    assert AuditEntry.objects.count() == audits
    assert list(IndicatorValue.objects.values_list("pk", "value", "updated_at")) == values


def test_a_missing_plan_is_not_found(client, province_admin):
    client.force_login(province_admin)
    assert client.get(reverse("assessment:values_template", args=[999999])).status_code == 404
