"""The pages of a plan of leading cadres: each cadre's figures, scorecard and explanation at
their own address, the board naming people, and none of it for anyone but the organization
departments over the cadre."""

import pytest
from django.urls import reverse
from django.utils import translation

from pacesetter.assessment import services
from pacesetter.assessment.models import IndicatorValue
from tests.assessment.conftest import cadre_figures

SCORES = {"sec_a": (90, 80), "sec_b": (70, 60), "head_a": (60, 60), "head_b": (95, 99)}


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def published(cadre_plan, province_admin, cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    for key, (g1, p1) in SCORES.items():
        person = cadres[key]
        services.values_save(actor=province_admin, plan=cadre_plan, unit=person.unit,
                             person=person, values=cadre_figures(g1, p1))
    services.plan_score(actor=province_admin, plan=cadre_plan)
    services.plan_publish(actor=province_admin, plan=cadre_plan)
    return cadre_plan


def _page(name, plan, person):
    return reverse(f"assessment:{name}", args=[plan.pk, person.pk])


def test_the_board_ranks_cadres_by_position_and_links_each_to_their_scorecard(
        client, published, province_admin, cadres):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:board", args=[published.pk])).content.decode()
    assert "周书记 (东营区 县委书记)" in page and "王县长 (河口区 县长)" in page
    assert _page("cadre_scorecard", published, cadres["sec_a"]) in page


def test_a_cadres_scorecard_and_explanation_are_theirs(client, published, province_admin,
                                                        cadres):
    client.force_login(province_admin)
    card = client.get(_page("cadre_scorecard", published, cadres["head_b"]))
    assert card.status_code == 200
    assert "王县长 (河口区 县长)" in card.content.decode()
    assert _page("cadre_explain", published, cadres["head_b"]) in card.content.decode()
    explained = client.get(_page("cadre_explain", published, cadres["head_b"]))
    assert explained.status_code == 200
    assert "王县长 (河口区 县长)" in explained.content.decode()


def test_the_organizer_enters_a_cadres_figures_on_their_page(client, cadre_plan, province_admin,
                                                             cadres):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    client.force_login(province_admin)
    url = _page("cadre_values", cadre_plan, cadres["sec_a"])
    answer = client.post(url, {"v_G1": "88", "v_P1": "77", "save": "1"})
    assert answer.status_code == 302 and answer.url == url
    stored = IndicatorValue.objects.get(plan=cadre_plan, person=cadres["sec_a"],
                                        plan_indicator__indicator__code="G1")
    assert stored.value == 88
    assert not IndicatorValue.objects.filter(plan=cadre_plan, person=cadres["head_a"]).exists()


@pytest.mark.parametrize("name", ["cadre_values", "cadre_scorecard", "cadre_explain"])
def test_a_cadre_is_not_found_by_the_units_reporter_nor_by_another_countys_department(
        client, published, reporter, outsider, cadres, name):
    for actor in (reporter, outsider):
        client.force_login(actor)
        assert client.get(_page(name, published, cadres["sec_a"])).status_code == 404


def test_a_unit_address_does_not_reach_a_cadre_plan(client, published, province_admin, tree):
    client.force_login(province_admin)
    url = reverse("assessment:scorecard", args=[published.pk, tree.county_a.pk])
    assert client.get(url).status_code == 404


def test_the_results_workbook_names_each_cadre_with_unit_and_position(
        client, published, province_admin):
    import io

    from openpyxl import load_workbook

    client.force_login(province_admin)
    answer = client.get(reverse("assessment:results_export", args=[published.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))
                          if answer.streaming else io.BytesIO(answer.content)).active
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["吴县长（东营区 县长）", "周书记（东营区 县委书记）",
                             "王县长（河口区 县长）", "郑书记（河口区 县委书记）"]


def test_the_figures_workbook_is_refused_for_cadres(client, cadre_plan, province_admin):
    services.plan_open(actor=province_admin, plan=cadre_plan)
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_detail", args=[cadre_plan.pk])).content.decode()
    assert reverse("assessment:values_upload", args=[cadre_plan.pk]) not in page
    for name in ("values_template", "values_upload"):
        answer = client.get(reverse(f"assessment:{name}", args=[cadre_plan.pk]), follow=True)
        assert answer.redirect_chain[-1][0] == reverse("assessment:plan_detail",
                                                       args=[cadre_plan.pk])
        assert "not by workbook" in answer.content.decode()


def test_completeness_lists_each_cadre_at_their_page_and_reminds_no_unit(
        client, cadre_plan, province_admin, cadres):
    from pacesetter.errors import Conflict

    services.plan_open(actor=province_admin, plan=cadre_plan)
    client.force_login(province_admin)
    page = client.get(reverse("assessment:completeness", args=[cadre_plan.pk])
                      ).content.decode()
    assert "周书记 (东营区 县委书记)" in page
    assert _page("cadre_values", cadre_plan, cadres["sec_a"]) in page
    assert reverse("assessment:completeness_remind", args=[cadre_plan.pk]) not in page
    with pytest.raises(Conflict):
        services.reminders_send(actor=province_admin, plan=cadre_plan)
