"""The result pages: a unit's scorecard, the explanation of its total, and the version diff.

Three counties are assessed (A and B of the shared tree, and C beside them in city 1), scored
and published as version 1; then C's 三会一课 figure is corrected and version 2 published. The
correction moves C, and through the min–max normalization also B, while A stays put:

    v1: A1 (min–max)  A 100 → 100 pts, B 80 → 0, C 90 → 50      totals A 103, C 54, B 32
    v2: C's A1 = 70   A 100 → 100,     B 80 → 33.33, C 70 → 0   totals A 103, B 52, C 24
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from pacesetter.assessment import services
from pacesetter.assessment.models import AssessmentPlan, UnitResult
from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import Role
from tests.assessment.conftest import figures
from tests.factories import UnitFactory, user_with_role


@pytest.fixture(autouse=True)
def _english(client):
    """Pages and messages are compared in English, the language of the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def county_c(tree):
    return UnitFactory(code="370523", name="广饶县", parent=tree.city1)


@pytest.fixture
def corrected(plan, province_admin, reporter, tree, county_c):
    """The plan published as version 1 and, after a correction of C's figure, version 2."""
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a,
                         values=figures(100, 96, b1=5))
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(80, 91))
    services.values_save(actor=province_admin, plan=plan, unit=county_c, values=figures(90, 85))
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan, note="十月通报")
    services.plan_correct(actor=province_admin, plan=plan, reason="广饶县数据更正")
    services.values_save(actor=province_admin, plan=plan, unit=county_c,
                         values={"A1": (Decimal(70), "复核")})
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan, note="更正")
    return plan


def _result(plan, unit, number):
    return UnitResult.objects.get(version__plan=plan, version__number=number, unit=unit)


def _scorecard(client, plan, unit, number=None):
    url = reverse("assessment:scorecard", args=[plan.pk, unit.pk])
    return client.get(url, {"version": number} if number else {})


def _explain(client, plan, unit, number=None):
    url = reverse("assessment:explain", args=[plan.pk, unit.pk])
    return client.get(url, {"version": number} if number else {})


def _diff(client, plan, before, after):
    return client.get(reverse("assessment:version_diff", args=[plan.pk, before, after]))


# scorecard

def test_the_scorecard_shows_the_stored_result(client, corrected, province_admin, county_c):
    # given the corrected plan, when the administrator opens C's latest scorecard
    client.force_login(province_admin)
    answer = _scorecard(client, corrected, county_c)
    # then the page shows version 2's stored numbers
    stored = _result(corrected, county_c, 2)
    assert answer.status_code == 200
    assert answer.context["result"].pk == stored.pk
    page = answer.content.decode()
    assert f'id="fact-total">{stored.total:.2f}<' in page
    assert stored.total == Decimal(24)
    assert 'id="fact-rank">3<small class="muted"> / 3<' in page
    assert 'id="fact-group-rank">3<small class="muted"> / 3<' in page
    assert "list-black" in page.split('id="fact-list"')[1].split("</div>")[0]
    # the change against version 1 as stored: 24 − 54, down one place
    assert (stored.total_change, stored.rank_change) == (Decimal(-30), -1)
    assert '<span class="down">-30.00</span>' in page
    assert "▼1" in page


def test_the_radar_compares_the_unit_with_its_group(client, corrected, province_admin,
                                                    county_c, tree):
    # given version 1, where A1's points are A 100, B 0, C 50 and A2's are 100, 80, 60
    client.force_login(province_admin)
    answer = _scorecard(client, corrected, county_c, 1)
    data = answer.context["chart_data"]["radar"]
    # then only the weighted indicators are axes, and the series are C, the mean and the best
    assert [i["code"] for i in data["indicators"]] == ["A1", "A2"]
    assert [s["values"] for s in data["series"]] == [[50.0, 60.0], [50.0, 80.0], [100.0, 100.0]]
    assert data["series"][0]["name"] == "广饶县"
    # and the chart data is on the page for the script, with the script and ECharts
    page = answer.content.decode()
    embedded = page.split('<script id="scorecard-data" type="application/json">')[1]
    assert json.loads(embedded.split("</script>")[0])["radar"] == data
    assert "vendor/echarts.min.js" in page and "assessment/charts.js" in page


def test_the_trend_runs_over_the_earlier_plans_of_the_series(client, corrected, province_admin,
                                                             tree, county_c):
    # given November's plan of the same series, scored and published
    november = _next_month(corrected, province_admin, tree, county_c)
    client.force_login(province_admin)
    # when November's scorecard of A is opened
    trend = _scorecard(client, november, tree.county_a).context["chart_data"]["trend"]
    # then October (its latest published version) and November are drawn, oldest first
    october_total = float(_result(corrected, tree.county_a, 2).total)
    november_result = _result(november, tree.county_a, 1)
    assert trend["labels"] == [corrected.period.label, november.period.label]
    assert trend["total"] == [round(october_total, 2), round(float(november_result.total), 2)]
    assert trend["group_rank"] == [1, november_result.group_rank]
    # and October's scorecard stops at October
    october = _scorecard(client, corrected, tree.county_a).context["chart_data"]["trend"]
    assert october["labels"] == [corrected.period.label]


def test_a_draft_result_is_shown_to_the_plans_runners_only(client, plan, province_admin,
                                                           reporter, tree):
    # given a scored, unpublished plan
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(90, 90))
    services.plan_score(actor=province_admin, plan=plan)
    # then the administrator sees the county's draft scorecard; its reporter does not
    client.force_login(province_admin)
    assert _scorecard(client, plan, tree.county_a).status_code == 200
    client.force_login(reporter)
    assert _scorecard(client, plan, tree.county_a).status_code == 404
    assert _explain(client, plan, tree.county_a).status_code == 404


def test_a_published_result_is_public_to_all_who_see_the_plan(client, corrected, reporter,
                                                              tree):
    # given county A's reporter: the board shows B, so B's scorecard is shown too
    client.force_login(reporter)
    assert _scorecard(client, corrected, tree.county_b).status_code == 200
    assert _explain(client, corrected, tree.county_b).status_code == 200


def test_units_the_plan_does_not_assess_and_unknown_versions_are_not_found(
        client, corrected, province_admin, tree):
    client.force_login(province_admin)
    assert _scorecard(client, corrected, tree.township_a1).status_code == 404
    assert _explain(client, corrected, tree.province).status_code == 404
    assert _scorecard(client, corrected, tree.county_a, 9).status_code == 404
    assert client.get(reverse("assessment:scorecard", args=[corrected.pk, tree.county_a.pk]),
                      {"version": "x"}).status_code == 404
    assert _diff(client, corrected, 1, 9).status_code == 404


def test_the_scorecard_costs_the_same_queries_for_more_units(client, corrected, province_admin,
                                                             tree, django_assert_max_num_queries):
    client.force_login(province_admin)
    _scorecard(client, corrected, tree.county_a)  # warm the session and the grants
    with django_assert_max_num_queries(12):
        assert _scorecard(client, corrected, tree.county_a).status_code == 200


# explain

def test_explain_shows_each_indicator_and_adds_up_to_the_total(client, corrected,
                                                               province_admin, tree):
    # given county A in version 2: A1 100 (min–max 1.0), A2 96 (band ≥95), 5 hard tasks
    client.force_login(province_admin)
    answer = _explain(client, corrected, tree.county_a)
    rows = {row.code: row for row in answer.context["rows"]}
    stored = _result(corrected, tree.county_a, 2)
    # then each row carries the raw value, normalized value, weight, points and contribution
    assert (rows["A1"].raw, rows["A1"].normalized, rows["A1"].weight, rows["A1"].points,
            rows["A1"].weighted) == (100.0, 1.0, Decimal(60), 100.0, Decimal(60))
    assert (rows["A2"].raw, rows["A2"].normalized, rows["A2"].points, rows["A2"].weighted) == (
        96.0, None, 100.0, Decimal(40))
    assert (rows["B1"].raw, rows["B1"].amount, rows["B1"].weight) == (5.0, 3.0, None)
    assert rows["V1"].vetoed is False
    # and the contributions, bonus and deduction add up to the stored total
    weighted = sum(row.weighted for row in rows.values() if row.weighted is not None)
    assert weighted == stored.weighted_score
    assert weighted + stored.bonus - stored.deduction == stored.total == Decimal(103)
    page = answer.content.decode()
    assert "Σ weighted 100.00 + bonus 3.00 − deduction 0.00 = 103.00" in page
    assert "Min–max normalization over the assessed units, higher is better" in page
    assert "Bands: ≥95 → 100, ≥90 → 80, ≥0 → 60" in page
    assert "Bonus of 1 per occurrence, at most 3" in page


def test_explain_of_an_earlier_version_uses_that_versions_numbers(client, corrected,
                                                                  province_admin, county_c):
    # given C in version 1: A1 90 → 50 points, weighted 0.6 × 50 = 30; A2 85 → 60, 24
    client.force_login(province_admin)
    answer = _explain(client, corrected, county_c, 1)
    rows = {row.code: row for row in answer.context["rows"]}
    assert (rows["A1"].raw, rows["A1"].normalized, rows["A1"].weighted) == (
        90.0, 0.5, Decimal(30))
    assert rows["A2"].weighted == Decimal(24)
    assert "Σ weighted 54.00 + bonus 0.00 − deduction 0.00 = 54.00" in answer.content.decode()


def test_explain_names_the_veto(client, plan, province_admin, tree):
    # given A reports a serious violation
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(100, 99, v1=1))
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                         values=figures(10, 50))
    services.plan_score(actor=province_admin, plan=plan)
    client.force_login(province_admin)
    # then its explanation names the indicator that vetoed it, and still shows its total
    answer = _explain(client, plan, tree.county_a)
    assert [row.code for row in answer.context["vetoed_by"]] == ["V1"]
    veto = answer.content.decode().split('id="explain-veto">')[1].split("</dd>")[0]
    assert "V1 发生重大违纪" in veto and "black list" in veto
    assert "= 100.00" in answer.content.decode()


# version diff

def test_the_diff_lists_exactly_the_changed_units(client, corrected, province_admin, tree,
                                                  county_c):
    # when the administrator compares version 1 with version 2
    client.force_login(province_admin)
    answer = _diff(client, corrected, 1, 2)
    assert answer.status_code == 200
    # then B (moved by the normalization) and C (corrected) are listed, A is not
    rows = {row.unit.code: (row, changes) for row, changes in answer.context["rows"]}
    assert set(rows) == {tree.county_b.code, county_c.code}
    b, b_changes = rows[tree.county_b.code]
    c, c_changes = rows[county_c.code]
    assert (b.total, b.after_total) == (Decimal(32), Decimal("52.0000"))
    assert (b.rank, b.after_rank, b.list_mark, b.after_list_mark) == (3, 2, "black", "")
    assert (c.total, c.after_total, c.rank, c.after_rank) == (Decimal(54), Decimal(24), 2, 3)
    assert (c.list_mark, c.after_list_mark) == ("", "black")
    # and only C's figure changed, A1 90 → 70
    assert b_changes == []
    assert [(ch.code, ch.before, ch.after) for ch in c_changes] == [("A1", 90.0, 70.0)]
    assert answer.context["diff"].counts == {"units": 2, "total": 2, "rank": 2, "group_rank": 2,
                                             "list_mark": 2, "raw": 1}
    page = answer.content.decode()
    assert '<span class="up">2 ▲</span>' in page  # B's rank, 3 → 2
    assert '<span class="down">24.00 ▼</span>' in page  # C's total, 54 → 24


def test_the_diff_costs_the_same_queries_for_more_changed_units(
        client, corrected, province_admin, django_assert_max_num_queries):
    """The comparison runs in the database; a page of changed units costs one more query."""
    client.force_login(province_admin)
    _diff(client, corrected, 1, 2)  # warm the session and the grants
    with django_assert_max_num_queries(12):
        assert _diff(client, corrected, 1, 2).status_code == 200


def test_the_same_version_has_nothing_to_diff(client, corrected, province_admin):
    client.force_login(province_admin)
    answer = _diff(client, corrected, 2, 2)
    assert answer.context["diff"].counts["units"] == 0
    assert 'id="diff-empty"' in answer.content.decode()


def test_the_versions_list_and_the_board_link_to_the_diff(client, corrected, province_admin,
                                                          tree):
    client.force_login(province_admin)
    diff_url = reverse("assessment:version_diff", args=[corrected.pk, 1, 2])
    detail = client.get(reverse("assessment:plan_detail", args=[corrected.pk])).content.decode()
    assert detail.count('class="diff-link"') == 1 and diff_url in detail
    board = client.get(reverse("assessment:board", args=[corrected.pk])).content.decode()
    assert diff_url in board
    assert 'id="diff-link"' not in client.get(reverse("assessment:board", args=[corrected.pk]),
                                              {"version": 1}).content.decode()
    # and the board's unit names lead to their scorecards, which lead to the explanation
    scorecard_url = reverse("assessment:scorecard", args=[corrected.pk, tree.county_a.pk])
    assert f'{scorecard_url}?version=2' in board
    scorecard = _scorecard(client, corrected, tree.county_a).content.decode()
    assert reverse("assessment:explain", args=[corrected.pk, tree.county_a.pk]) in scorecard


# scope

@pytest.fixture
def county_plan(tree, county_admin):
    """County A's own plan over its townships, published: the admin of county B does not see
    it (neither its owner nor any unit it assesses is in B's subtree)."""
    period = services.period_get(kind="month", day=datetime.date(2026, 10, 1))
    plan = services.plan_create(actor=county_admin, owner=tree.county_a, name="街道考核",
                                period=period, assessed_levels=[4])
    indicator = services.indicator_create(actor=county_admin, owner=tree.county_a, code="T1",
                                          name="三会一课落实率", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=county_admin, plan=plan, indicator=indicator,
                                weight=Decimal(100))
    services.plan_open(actor=county_admin, plan=plan)
    services.values_save(actor=county_admin, plan=plan, unit=tree.township_a1,
                         values={"T1": (Decimal(95), "")})
    services.plan_score(actor=county_admin, plan=plan)
    services.plan_publish(actor=county_admin, plan=plan)
    services.plan_correct(actor=county_admin, plan=plan, reason="复核")
    services.plan_score(actor=county_admin, plan=plan)
    services.plan_publish(actor=county_admin, plan=plan)
    return plan


def test_an_outsider_gets_404_on_every_result_page_and_nothing_changes(
        client, county_plan, county_admin, outsider, tree):
    # given the county's administrator sees every page of its plan
    client.force_login(county_admin)
    assert _scorecard(client, county_plan, tree.township_a1).status_code == 200
    assert _explain(client, county_plan, tree.township_a1).status_code == 200
    assert _diff(client, county_plan, 1, 2).status_code == 200
    results, audit = UnitResult.objects.count(), AuditEntry.objects.count()
    # when the administrator of county B asks for them
    client.force_login(outsider)
    answers = [_scorecard(client, county_plan, tree.township_a1),
               _scorecard(client, county_plan, tree.township_a1, 1),
               _explain(client, county_plan, tree.township_a1),
               _diff(client, county_plan, 1, 2)]
    # then each is not found, and nothing changed
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert (UnitResult.objects.count(), AuditEntry.objects.count()) == (results, audit)


def test_a_unit_admin_of_another_city_gets_404_on_the_province_plan(client, corrected, tree):
    city2_admin = user_with_role(Role.ORG_ADMIN, tree.city2)
    client.force_login(city2_admin)
    assert _scorecard(client, corrected, tree.county_a).status_code == 404
    assert _explain(client, corrected, tree.county_a).status_code == 404
    assert _diff(client, corrected, 1, 2).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, corrected, tree):
    answer = _scorecard(client, corrected, tree.county_a)
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def _next_month(plan, actor, tree, county_c) -> AssessmentPlan:
    period = services.period_get(kind="month", day=datetime.date(2026, 11, 15))
    november = services.plan_create(actor=actor, owner=tree.province, name="县级党建月度考核",
                                    period=period, series=plan.series, assessed_levels=[3],
                                    red_top_n=1, black_bottom_n=1)
    for item in plan.plan_indicators.select_related("indicator"):
        services.plan_indicator_set(actor=actor, plan=november, indicator=item.indicator,
                                    weight=item.weight)
    services.plan_open(actor=actor, plan=november)
    for unit, values in ((tree.county_a, figures(95, 92)), (tree.county_b, figures(99, 96)),
                         (county_c, figures(90, 90))):
        services.values_save(actor=actor, plan=november, unit=unit, values=values)
    services.plan_score(actor=actor, plan=november)
    services.plan_publish(actor=actor, plan=november)
    return november
