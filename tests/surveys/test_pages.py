"""The surveys' pages: answering from a link, and the organizer's pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.exports.models import ExportJob
from pacesetter.surveys.models import Questionnaire, Response
from tests.surveys.conftest import submit, xlsform_bytes


def _answer(client, token, **extra):
    data = {"q_A1": "my", "q_A2": "jbmy", "q_B1": "bmy", "q_age": "young",
            "q_remarks": "希望多下基层", "fingerprint": "abc123", **extra}
    page = client.get(reverse("surveys:respond", args=[token]))
    data.setdefault("submission", page.context.get("submission", "resent-by-hand"))
    data.setdefault("started", page.context.get("started", ""))
    return client.post(reverse("surveys:respond", args=[token]), data)


def test_a_respondent_answers_from_the_link_without_logging_in(client, link_a):
    page = client.get(reverse("surveys:respond", args=[link_a]))
    assert page.status_code == 200
    assert "东营区" in page.content.decode() and 'name="q_A1"' in page.content.decode()
    answered = _answer(client, link_a)
    assert answered.status_code == 302 and answered.url.endswith("/thanks/")
    row = Response.objects.get()
    assert row.extra == {"remarks": "希望多下基层"} and row.duration is not None
    assert client.cookies["ps_device"].value


def test_answering_twice_is_refused_with_a_clear_message(client, link_a):
    _answer(client, link_a)
    again = _answer(client, link_a, q_A1="bmy")
    assert again.status_code == 409
    assert "每人只能答卷一次" in again.content.decode()
    other_browser = client.__class__()
    other_browser.cookies["ps_device"] = client.cookies["ps_device"].value
    refused = _answer(other_browser, link_a, fingerprint="zzz", q_A1="bmy")
    assert refused.status_code == 409
    assert Response.objects.count() == 1


def test_a_missing_required_answer_is_shown_beside_the_question(client, link_a):
    page = _answer(client, link_a, q_B1="")
    assert page.status_code == 422
    assert 'id="item-B1"' in page.content.decode()
    assert 'class="question has-error" id="item-B1"' in page.content.decode()
    assert not Response.objects.exists()


def test_a_closed_campaign_refuses_politely(client, campaign, link_a, province_admin):
    from pacesetter.surveys import services

    services.campaign_close(actor=province_admin, campaign=campaign)
    page = client.get(reverse("surveys:respond", args=[link_a]))
    assert page.status_code == 403 and 'id="refused"' in page.content.decode()
    assert client.get(reverse("surveys:respond", args=["nosuchlink"])).status_code == 404


def test_the_organizer_sees_results_with_ranks_and_bottom_flags(client, province_admin,
                                                                 campaign, link_a, link_b):
    submit(link_a, "a", {"A1": "bmy", "B1": "bmy", "remarks": "加强基层党组织建设"})
    submit(link_b, "b", {"A1": "my", "B1": "my"})
    client.force_login(province_admin)
    page = client.get(reverse("surveys:results", args=[campaign.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "bottom-flag" in text
    assert "基层党组织" in text  # a keyword of the free-text answers
    exported = client.get(reverse("surveys:results_export", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).worksheets[0]
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["河口区", "东营区"]


def test_a_county_sees_only_its_own_row_of_the_results(client, county_admin, campaign, link_a,
                                                       link_b):
    submit(link_a, "a")
    submit(link_b, "b")
    client.force_login(county_admin)
    text = client.get(reverse("surveys:results", args=[campaign.pk])).content.decode()
    assert "东营区" in text and "河口区" not in text
    assert client.get(reverse("surveys:distribution", args=[campaign.pk])).status_code == 403


def test_distribution_sheet_and_qr_code(client, province_admin, campaign, link_a):
    client.force_login(province_admin)
    sheet = client.get(reverse("surveys:distribution", args=[campaign.pk])).content.decode()
    assert f"/s/{link_a}/" in sheet and "data:image/svg+xml" in sheet
    target = campaign.targets.get(link_token=link_a)
    png = client.get(reverse("surveys:target_qr", args=[campaign.pk, target.pk]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"


def test_a_questionnaire_is_imported_from_an_xlsform_and_exported_back(client, province_admin,
                                                                       questionnaire):
    client.force_login(province_admin)
    data = xlsform_bytes(questionnaire)
    upload = io.BytesIO(data)
    upload.name = "q.xlsx"
    answer = client.post(reverse("surveys:questionnaire_import"), {"file": upload})
    copy = Questionnaire.objects.get(version=2)
    assert answer.status_code == 302
    assert [i.code for i in copy.items.all()] == ["A1", "A2", "B1", "age", "remarks"]
    assert copy.sections.get(code="A").weight == 60


def test_raw_responses_export_runs_as_a_background_job(
        client, province_admin, campaign, link_a, django_capture_on_commit_callbacks):
    submit(link_a, "a", {"A1": "my", "B1": "jbmy", "remarks": "好"})
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:responses_export", args=[campaign.pk]))
    job = ExportJob.objects.get()
    assert job.status == "done" and job.rows_total == 1
    sheet = load_workbook(job.file.open("rb")).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "东营区"
    assert {"满意", "基本满意", "好"} <= set(rows[1])


def test_flagged_responses_are_excluded_with_a_reason(client, province_admin, campaign, link_a):
    for n in range(6):
        submit(link_a, f"s{n}", {"A1": "my", "A2": "my", "B1": "my"})
    client.force_login(province_admin)
    client.get(reverse("surveys:results", args=[campaign.pk]) + "?refresh=1")
    ids = list(Response.objects.filter(flags__gt=0).values_list("pk", flat=True))
    assert len(ids) == 6
    review = reverse("surveys:review", args=[campaign.pk])
    assert client.get(review).status_code == 200
    client.post(review, {"response": ids[:2], "action": "exclude", "reason": "同一单位集中填报"})
    assert Response.objects.filter(excluded=True).count() == 2


@pytest.mark.parametrize("name", ["home", "campaign", "questionnaire"])
def test_pages_answer(client, province_admin, campaign, questionnaire, name):
    client.force_login(province_admin)
    url = {"home": reverse("surveys:home"),
           "campaign": reverse("surveys:campaign", args=[campaign.pk]),
           "questionnaire": reverse("surveys:questionnaire", args=[questionnaire.pk])}[name]
    assert client.get(url).status_code == 200


def test_the_distribution_sheet_downloads_as_word_with_a_card_per_unit(client, province_admin,
                                                                        campaign, link_a):
    import docx

    client.force_login(province_admin)
    answer = client.get(reverse("surveys:distribution_docx", args=[campaign.pk]))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].endswith(".docx")
    document = docx.Document(io.BytesIO(b"".join(answer.streaming_content)))
    cards = [cell for row in document.tables[0].rows for cell in row.cells]
    assert [c.paragraphs[0].text for c in cards] == ["东营区", "河口区"]
    assert any(link_a in p.text for p in cards[0].paragraphs)
    assert len(document.inline_shapes) == 2


def test_a_browser_that_has_answered_is_told_so_before_filling_the_page_again(client, link_a,
                                                                               link_b):
    _answer(client, link_a)
    again = client.get(reverse("surveys:respond", args=[link_a]))
    assert again.status_code == 409 and "每人只能答卷一次" in again.content.decode()
    other_unit = client.get(reverse("surveys:respond", args=[link_b]))
    assert other_unit.status_code == 200 and 'name="q_A1"' in other_unit.content.decode()


def test_the_campaign_form_offers_its_window_in_the_browsers_date_time_format(client,
                                                                              province_admin):
    import re

    client.force_login(province_admin)
    html = client.get(reverse("surveys:campaign_new")).content.decode()
    shown = re.findall(r'type="datetime-local" name="(\w+)" value="([^"]+)"', html)
    assert [name for name, _value in shown] == ["opens_at", "closes_at"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", value) for _name, value in shown)
