"""The plan editor pages: creating and editing a plan, the indicator catalog, and a draft
plan's indicators and weights (by hand, by the AHP grid with its live preview, from data)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pacesetter import engine
from pacesetter.assessment import services
from pacesetter.assessment.models import (
    AssessmentPlan,
    Indicator,
    PlanIndicator,
    PlanStatus,
    WeightMethod,
)
from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import PeerGroup

# Saaty's drinks judgments (coffee, wine, tea, beer, soda, milk, water), as in
# tests/engine/test_weights.py: T. L. Saaty, "Decision making with the analytic hierarchy
# process", Int. J. Services Sciences 1(1), 2008; printed priorities .177 .019 .042 .116 .190
# .129 .327 and CR = 0.022.
DRINKS = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
# Circular judgments (A1 ≫ A2 ≫ A3 ≫ A1): as inconsistent as a 3 × 3 matrix gets.
CIRCULAR = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are compared in English, the language of the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _label(value):
    return str(round(value)) if value >= 1 else f"1/{round(1 / value)}"


def _grid(matrix, method="eigenvector", ri="saaty", codes=("A1", "A2"), **extra):
    data = {"codes": ",".join(codes), "method": method, "ri": ri, **extra}
    for i, row in enumerate(matrix):
        for j in range(i + 1, len(row)):
            data[f"a_{i}_{j}"] = _label(row[j])
    return data


def _weights(plan):
    return dict(plan.plan_indicators.values_list("indicator__code", "weight"))


def _state(plan):
    """What an editor page could change: the plan, its indicators, the catalog, the audit."""
    plan = AssessmentPlan.objects.get(pk=plan.pk)
    return (plan.name, plan.status, plan.owner_id, plan.period_id, plan.weight_method,
            plan.weight_details, sorted(_weights(plan).items()),
            sorted(PlanIndicator.objects.filter(plan=plan).values_list("indicator_id",
                                                                       "rule_kind")),
            sorted(Indicator.objects.values_list("pk", "code", "name", "rule_kind")),
            AssessmentPlan.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def seven(plan, province_admin, tree):
    """The plan with five more weighted indicators: seven to compare, A1 A2 D3 … D7."""
    for n in range(3, 8):
        indicator = services.indicator_create(actor=province_admin, owner=tree.province,
                                              code=f"D{n}", name=f"饮品{n}",
                                              rule_kind="normalize", rule={"method": "minmax"})
        services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    return plan


# --- plan settings -------------------------------------------------------------------------

def test_the_plan_list_offers_new_plans_to_administrators_only(client, province_admin,
                                                               reporter):
    client.force_login(province_admin)
    assert 'id="new-plan"' in client.get(reverse("assessment:plan_list")).content.decode()
    client.force_login(reporter)
    assert 'id="new-plan"' not in client.get(reverse("assessment:plan_list")).content.decode()
    assert client.get(reverse("assessment:plan_new")).status_code == 403


def test_an_administrator_creates_a_plan_on_the_page(client, province_admin, tree):
    # given peer groups to choose from
    PeerGroup.objects.create(name="县(市)")
    PeerGroup.objects.create(name="市辖区")
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_new")).content.decode()
    assert "县(市)" in page and 'name="assessed_levels"' in page
    # when the form is sent
    answer = client.post(reverse("assessment:plan_new"), {
        "name": "县级党建季度考核", "series": "县级党建季度", "owner": tree.province.pk,
        "period_kind": "quarter", "period_day": "2026-08-15", "assessed_levels": ["3"],
        "assessed_groups": ["县(市)", "市辖区"], "ranking_groups": ["县(市)"],
        "red_top_percent": "10", "black_bottom_n": "1", "gray_below_score": "60"})
    # then a draft plan exists with those settings, and the editor opens
    plan = AssessmentPlan.objects.get(name="县级党建季度考核")
    assert answer.status_code == 302
    assert answer.url == reverse("assessment:plan_editor", args=[plan.pk])
    assert (plan.owner, plan.status, plan.series) == (tree.province, PlanStatus.DRAFT,
                                                      "县级党建季度")
    assert (plan.period.kind, plan.period.label) == ("quarter", "2026年第3季度")
    assert plan.assessed_levels == [3]
    assert [g.name for g in plan.ranking_groups.all()] == ["县(市)"]
    assert (plan.red_top_percent, plan.black_bottom_n, plan.gray_below_score) == (
        Decimal(10), 1, Decimal(60))


def test_a_bad_plan_form_shows_its_errors_and_creates_nothing(client, province_admin, tree):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:plan_new"), {
        "name": "", "owner": tree.province.pk, "period_kind": "month",
        "period_day": "2026-13-01", "red_top_percent": "150"})
    assert answer.status_code == 200
    assert set(answer.context["form"].errors) == {"name", "period_day", "red_top_percent"}
    assert not AssessmentPlan.objects.exists()


def test_a_draft_plan_is_edited_on_the_page(client, plan, province_admin, tree):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("assessment:plan_edit", args=[plan.pk]) in page
    form = client.get(reverse("assessment:plan_edit", args=[plan.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(owner=tree.province.pk, period_day="2026-10-15", name="县级党建月度考核（修订）",
                assessed_levels=["3"], red_top_n="2")
    answer = client.post(reverse("assessment:plan_edit", args=[plan.pk]), data)
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.red_top_n, plan.black_bottom_n) == ("县级党建月度考核（修订）", 2, 1)


def test_a_plan_past_its_draft_cannot_be_edited(client, plan, province_admin, tree):
    # given a plan collecting data
    services.plan_open(actor=province_admin, plan=plan)
    client.force_login(province_admin)
    before = _state(plan)
    # then it offers no edit button, and neither the form nor the editor accept changes
    page = client.get(reverse("assessment:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("assessment:plan_edit", args=[plan.pk]) not in page
    answer = client.post(reverse("assessment:plan_edit", args=[plan.pk]), {
        "name": "改名", "owner": tree.province.pk, "period_kind": "month",
        "period_day": "2026-10-01"}, follow=True)
    assert [m.level_tag for m in answer.context["messages"]] == ["error"]
    assert client.get(reverse("assessment:plan_editor", args=[plan.pk])).status_code == 302
    client.post(reverse("assessment:weights_manual", args=[plan.pk]),
                {"w_A1": "50", "w_A2": "50"})
    client.post(reverse("assessment:plan_indicator_remove",
                        args=[plan.pk, Indicator.objects.get(code="A2").pk]))
    assert _state(plan) == before


# --- the catalog ---------------------------------------------------------------------------

def test_the_catalog_shows_the_units_catalog_and_those_above_only(client, plan, county_admin,
                                                                  province_admin, tree):
    services.indicator_create(actor=province_admin, owner=tree.county_a, code="QA",
                              name="东营区指标", rule_kind="veto", rule={"at_least": 1})
    services.indicator_create(actor=province_admin, owner=tree.county_b, code="QB",
                              name="河口区指标", rule_kind="veto", rule={"at_least": 1})
    client.force_login(county_admin)
    answer = client.get(reverse("assessment:catalog_home"), follow=True)
    page = answer.content.decode()
    assert answer.context["unit"] == tree.county_a
    assert "东营区指标" in page and "三会一课落实率" in page and "河口区指标" not in page
    # the province's entries are shown, but only the county's own can be edited
    assert reverse("assessment:indicator_edit", args=[
        tree.county_a.pk, Indicator.objects.get(code="A1").pk]) not in page
    assert reverse("assessment:indicator_edit", args=[
        tree.county_a.pk, Indicator.objects.get(code="QA").pk]) in page


def test_a_category_and_an_indicator_with_bands_are_added_on_the_page(client, province_admin,
                                                                     tree):
    client.force_login(province_admin)
    url = reverse("assessment:indicator_new", args=[tree.province.pk])
    client.post(url, {"category": "1", "code": "K", "name": "基层组织建设", "sort_order": "0"})
    category = Indicator.objects.get(code="K")
    assert category.is_category
    answer = client.post(url, {
        "code": "K1", "name": "支部达标率", "parent": category.pk, "unit_of_measure": "%",
        "direction": "1", "data_type": "percent", "min_value": "0", "max_value": "100",
        "sort_order": "1", "rule_kind": "bands",
        "band_threshold": ["95", "90", "", "0"], "band_points": ["100", "85", "", "50"]})
    assert answer.status_code == 302
    indicator = Indicator.objects.get(code="K1")
    assert (indicator.parent, indicator.rule) == (category, {
        "bands": [[95.0, 100.0], [90.0, 85.0], [0.0, 50.0]]})
    page = client.get(reverse("assessment:catalog", args=[tree.province.pk])).content.decode()
    assert page.index("基层组织建设") < page.index("支部达标率")
    assert "≥ 95 → 100" in page


@pytest.mark.parametrize(("rule", "field", "words"), [
    ({"rule_kind": "bands"}, "bands", "at least one band"),
    ({"rule_kind": "bands", "band_threshold": ["95"], "band_points": ["x"]}, "bands",
     "a number"),
    ({"rule_kind": "target", "target_cap": "1"}, "target_target", "“target”"),
    ({"rule_kind": "target", "target_target": "-5"}, "target_target", "greater than 0"),
    ({"rule_kind": "normalize", "norm_method": "efficacy", "norm_satisfactory": "90",
      "norm_unacceptable": "90"}, "norm_unacceptable", "must differ"),
    ({"rule_kind": "normalize"}, "norm_method", "minmax"),
    ({"rule_kind": "deduction", "occ_per": "2"}, "occ_cap", "“cap”"),
    ({"rule_kind": "rank", "rank_points": "100, 九十"}, "rank_points", "commas"),
    ({"rule_kind": "veto"}, "veto_at_least", "“at_least”"),
])
def test_rule_errors_are_shown_next_to_their_field(client, province_admin, tree, rule, field,
                                                  words):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:indicator_new", args=[tree.province.pk]), {
        "code": "R1", "name": "规则", "direction": "1", "data_type": "number",
        "sort_order": "0", **rule})
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert list(errors) == [field]
    assert words in errors[field][0]
    assert errors[field][0] in answer.content.decode()
    assert not Indicator.objects.filter(code="R1").exists()


def test_an_indicator_is_edited_on_the_page_and_plans_keep_their_rule(client, plan,
                                                                      province_admin, tree):
    a2 = Indicator.objects.get(code="A2")
    client.force_login(province_admin)
    url = reverse("assessment:indicator_edit", args=[tree.province.pk, a2.pk])
    form = client.get(url).context["form"]
    assert list(form.band_rows())[:3] == [(95.0, 100.0), (90.0, 80.0), (0.0, 60.0)]
    answer = client.post(url, {
        "code": "A2", "name": "群众满意度", "direction": "1", "data_type": "number",
        "sort_order": "0", "rule_kind": "target", "target_target": "95", "target_cap": "1.2"})
    assert answer.status_code == 302
    a2.refresh_from_db()
    assert (a2.rule_kind, a2.rule) == ("target", {"target": 95.0, "cap": 1.2})
    assert plan.plan_indicators.get(indicator=a2).rule_kind == "bands"


def test_a_frozen_field_is_refused_next_to_it(client, plan, province_admin, tree):
    services.plan_open(actor=province_admin, plan=plan)
    a1 = Indicator.objects.get(code="A1")
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:indicator_edit", args=[tree.province.pk, a1.pk]), {
        "code": "A1", "name": "三会一课落实率", "direction": "-1", "data_type": "number",
        "max_value": "100", "sort_order": "0", "rule_kind": "normalize", "norm_method": "minmax"})
    assert answer.status_code == 200
    assert list(answer.context["form"].errors) == ["direction"]
    a1.refresh_from_db()
    assert a1.direction == 1


# --- the editor: indicators and weights ----------------------------------------------------

def test_the_editor_shows_the_tree_with_subtotals_and_the_total(client, plan, province_admin,
                                                                tree):
    category = services.indicator_create(actor=province_admin, owner=tree.province, code="K",
                                         name="基层组织建设", is_category=True)
    services.indicator_update(actor=province_admin, indicator=Indicator.objects.get(code="A1"),
                              parent=category)
    client.force_login(province_admin)
    answer = client.get(reverse("assessment:plan_editor", args=[plan.pk]))
    page = answer.content.decode()
    assert answer.context["total"] == Decimal(100)
    rows = {row.indicator.code: row for _owner, rows in answer.context["tree"] for row in rows}
    assert rows["K"].subtotal == Decimal(60)
    assert rows["A1"].categories == [category.pk]
    assert f'data-subtotal="{category.pk}">60.00<' in page
    assert 'name="w_A1"' in page and 'name="w_B1"' not in page  # a bonus item has no weight
    assert 'id="weight-total" class="weight-total">100.00<' in page


def test_indicators_are_added_and_removed_on_the_page(client, plan, province_admin, tree):
    extra = services.indicator_create(actor=province_admin, owner=tree.province, code="A3",
                                      name="党员教育覆盖率", rule_kind="normalize",
                                      rule={"method": "minmax"})
    client.force_login(province_admin)
    client.post(reverse("assessment:plan_indicator_add", args=[plan.pk]),
                {"indicator": extra.pk})
    assert _weights(plan)["A3"] == 0
    client.post(reverse("assessment:plan_indicator_remove", args=[plan.pk, extra.pk]))
    assert "A3" not in _weights(plan)


def test_an_indicator_of_another_subtrees_catalog_cannot_be_added(client, plan, province_admin,
                                                                 tree):
    county = services.indicator_create(actor=province_admin, owner=tree.county_a, code="QA",
                                       name="东营区指标", rule_kind="veto", rule={"at_least": 1})
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:plan_indicator_add", args=[plan.pk]),
                         {"indicator": county.pk})
    assert answer.status_code == 404
    assert "QA" not in _weights(plan)


def test_the_plans_own_rule_for_an_indicator(client, plan, province_admin):
    a2 = Indicator.objects.get(code="A2")
    client.force_login(province_admin)
    url = reverse("assessment:plan_indicator_rule", args=[plan.pk, a2.pk])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"rule_kind": "bands", "band_threshold": ["98", "0"],
                               "band_points": ["100", "70"]})
    assert answer.status_code == 302
    item = plan.plan_indicators.get(indicator=a2)
    assert (item.rule, item.weight) == ({"bands": [[98.0, 100.0], [0.0, 70.0]]}, Decimal(40))
    a2.refresh_from_db()
    assert a2.rule["bands"][0] == [95.0, 100.0]


def _posted(form):
    """What a browser submits for a form as the page shows it (blank fields left out)."""
    return {name: value for name, field in form.fields.items()
            if (value := form[name].value()) not in (None, "") and name != "bands"}


def test_a_list_counted_bonus_keeps_its_source_when_its_rule_is_saved(client, plan,
                                                                      province_admin, tree):
    # given a bonus item of the draft plan counted from the achievement list
    indicator = services.indicator_create(
        actor=province_admin, owner=tree.province, code="L1", name="实绩清单加分",
        rule_kind="bonus", rule={"per": 2, "cap": 3, "source": "list"}, data_type="count")
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    client.force_login(province_admin)
    url = reverse("assessment:plan_indicator_rule", args=[plan.pk, indicator.pk])
    # when its rule form is opened, it shows the lists as the source
    answer = client.get(url)
    form = answer.context["form"]
    assert form["occ_source"].value() == "list"
    assert '<option value="list" selected>' in answer.content.decode()
    # and when the form is saved as shown with a new cap
    answer = client.post(url, {**_posted(form), "occ_cap": "5"})
    # then the item still counts the list entries
    assert answer.status_code == 302
    assert plan.plan_indicators.get(indicator=indicator).rule == {
        "per": 2.0, "cap": 5.0, "source": "list"}
    # and so does the catalog entry after an edit on its page
    url = reverse("assessment:indicator_edit", args=[tree.province.pk, indicator.pk])
    form = client.get(url).context["form"]
    assert client.post(url, _posted(form)).status_code == 302
    indicator.refresh_from_db()
    assert indicator.rule == {"per": 2.0, "cap": 3.0, "source": "list"}


@pytest.mark.parametrize(("source", "rule"), [
    ("list", {"per": 2.0, "cap": 6.0, "source": "list"}),
    ("values", {"per": 2.0, "cap": 6.0}),
])
def test_a_new_deduction_is_counted_from_the_source_chosen(client, province_admin, tree,
                                                           source, rule):
    client.force_login(province_admin)
    url = reverse("assessment:indicator_new", args=[tree.province.pk])
    assert "occ_source" in client.get(url).context["form"].fields
    answer = client.post(url, {
        "code": "N1", "name": "负面清单扣分", "direction": "-1", "data_type": "count",
        "sort_order": "0", "rule_kind": "deduction", "occ_per": "2", "occ_cap": "6",
        "occ_source": source})
    assert answer.status_code == 302
    indicator = Indicator.objects.get(code="N1")
    assert (indicator.rule_kind, indicator.rule) == ("deduction", rule)


def test_weights_by_hand_must_sum_to_100_and_nothing_is_saved_otherwise(client, plan,
                                                                        province_admin):
    client.force_login(province_admin)
    url = reverse("assessment:weights_manual", args=[plan.pk])
    before = _state(plan)
    answer = client.post(url, {"w_A1": "60", "w_A2": "30"})
    assert answer.status_code == 422
    assert "The weights add up to 90, not 100." in answer.content.decode()
    assert 'value="30"' in answer.content.decode()  # what was typed is kept
    assert _state(plan) == before
    assert client.post(url, {"w_A1": "70", "w_A2": "30"}).status_code == 302
    assert _weights(plan) == {"A1": 70, "A2": 30, "B1": 0, "V1": 0}


def test_ahp_preview_gives_the_engines_figures_and_saves_nothing(client, seven,
                                                                 province_admin):
    # given the seven scored indicators of the plan in Saaty's drinks order
    codes = ["A1", "A2", "D3", "D4", "D5", "D6", "D7"]
    client.force_login(province_admin)
    before = _state(seven)
    # when the grid is filled with the drinks judgments
    answer = client.post(reverse("assessment:ahp_preview", args=[seven.pk]),
                         _grid(DRINKS, codes=codes))
    # then the preview shows what the engine computes, and Saaty's printed priorities
    expected = engine.ahp_weights(DRINKS, method="eigenvector", ri="saaty")
    result = answer.context["ahp"]["result"]
    assert result.lambda_max == pytest.approx(expected.lambda_max, abs=1e-9)
    assert result.cr == pytest.approx(expected.cr, abs=1e-9)
    assert round(result.cr, 3) == 0.022
    assert [round(w, 1) for _c, _n, w in answer.context["ahp"]["weights"]] == [
        17.7, 1.9, 4.2, 11.6, 19.0, 12.9, 32.7]
    page = answer.content.decode()
    assert f'id="ahp-cr" data-value="{expected.cr:.6f}" class="cr-ok"' in page
    assert 'id="ahp-reason"' not in page
    # and nothing was stored
    assert _state(seven) == before


def test_ahp_preview_follows_the_method_and_the_random_index_table(client, seven,
                                                                   province_admin):
    codes = ["A1", "A2", "D3", "D4", "D5", "D6", "D7"]
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:ahp_preview", args=[seven.pk]),
                         _grid(DRINKS, method="geometric", ri="chinese", codes=codes))
    expected = engine.ahp_weights(DRINKS, method="geometric", ri="chinese")
    assert answer.context["ahp"]["result"].ri == expected.ri == 1.36
    assert answer.context["ahp"]["result"].cr == pytest.approx(expected.cr, abs=1e-9)


def test_ahp_preview_marks_an_inconsistent_grid_and_asks_for_a_reason(client, plan,
                                                                      province_admin, tree):
    a3 = services.indicator_create(actor=province_admin, owner=tree.province, code="A3",
                                   name="党员教育覆盖率", rule_kind="normalize",
                                   rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=a3)
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:ahp_preview", args=[plan.pk]),
                         _grid(CIRCULAR, codes=["A1", "A2", "A3"]))
    page = answer.content.decode()
    assert answer.context["ahp"]["inconsistent"]
    assert 'class="cr-high"' in page and 'id="ahp-reason"' in page and "required" in page


def test_ahp_save_refuses_cr_over_the_limit_without_a_reason(client, plan, province_admin,
                                                             tree):
    # given three scored indicators and circular judgments
    a3 = services.indicator_create(actor=province_admin, owner=tree.province, code="A3",
                                   name="党员教育覆盖率", rule_kind="normalize",
                                   rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=a3)
    client.force_login(province_admin)
    url = reverse("assessment:weights_ahp", args=[plan.pk])
    before = _state(plan)
    # when saved without a reason, it is refused with the service's message
    answer = client.post(url, _grid(CIRCULAR, codes=["A1", "A2", "A3"]))
    assert answer.status_code == 422
    assert "inconsistent" in answer.content.decode()
    assert answer.context["tab"] == "ahp"
    assert _state(plan) == before
    # when saved with a reason, the weights and the whole derivation are stored
    answer = client.post(url, _grid(CIRCULAR, codes=["A1", "A2", "A3"],
                                    reason="专家组一致认可"))
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert plan.weight_method == WeightMethod.AHP
    details = plan.weight_details
    assert (details["method"], details["ri_table"], details["override_reason"]) == (
        "eigenvector", "saaty", "专家组一致认可")
    assert details["cr"] >= 0.1
    assert sum(_weights(plan).values()) == 100
    # and the plan's page shows it
    page = client.get(reverse("assessment:plan_detail", args=[plan.pk])).content.decode()
    assert "专家组一致认可" in page and 'id="derivation-cr" class="cr-high"' in page
    assert f"{details['lambda_max']:.4f}" in page


def test_the_editor_shows_the_stored_ahp_judgments(client, plan, province_admin):
    services.plan_weights_from_ahp(actor=province_admin, plan=plan, codes=["A1", "A2"],
                                   pairwise=[[1, 3], [1 / 3, 1]], method="arithmetic",
                                   ri="chinese")
    client.force_login(province_admin)
    answer = client.get(reverse("assessment:plan_editor", args=[plan.pk]))
    form = answer.context["ahp"]["form"]
    assert (form["a_0_1"].value(), form["method"].value(), form["ri"].value()) == (
        "3", "arithmetic", "chinese")
    assert '<span data-mirror="0-1">1/3</span>' in answer.content.decode()


def test_ahp_refuses_a_grid_of_other_indicators(client, plan, province_admin):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:weights_ahp", args=[plan.pk]),
                         _grid([[1, 3], [1 / 3, 1]], codes=["A1", "B1"]))
    assert answer.status_code == 422
    assert plan.weight_method == WeightMethod.MANUAL
    assert _weights(plan)["A1"] == 60


def test_objective_weights_without_earlier_data_say_why(client, plan, province_admin):
    client.force_login(province_admin)
    before = _state(plan)
    answer = client.post(reverse("assessment:weights_data", args=[plan.pk]),
                         {"method": "critic"}, follow=True)
    [message] = answer.context["messages"]
    assert message.level_tag == "error"
    assert "earlier plan of the same series" in str(message)
    assert _state(plan) == before


# --- who may do what -----------------------------------------------------------------------

def _urls(plan, tree):
    a2 = Indicator.objects.get(code="A2")
    county = Indicator.objects.get(code="QA")
    return [
        ("get", reverse("assessment:plan_edit", args=[plan.pk]), {}),
        ("post", reverse("assessment:plan_edit", args=[plan.pk]),
         {"name": "改名", "owner": tree.county_b.pk, "period_kind": "month",
          "period_day": "2026-10-01"}),
        ("get", reverse("assessment:plan_editor", args=[plan.pk]), {}),
        ("post", reverse("assessment:plan_indicator_add", args=[plan.pk]),
         {"indicator": county.pk}),
        ("post", reverse("assessment:plan_indicator_remove", args=[plan.pk, a2.pk]), {}),
        ("get", reverse("assessment:plan_indicator_rule", args=[plan.pk, a2.pk]), {}),
        ("post", reverse("assessment:plan_indicator_rule", args=[plan.pk, a2.pk]),
         {"rule_kind": "veto", "veto_at_least": "1"}),
        ("post", reverse("assessment:weights_manual", args=[plan.pk]),
         {"w_A1": "50", "w_A2": "50"}),
        ("post", reverse("assessment:weights_ahp", args=[plan.pk]),
         _grid([[1, 3], [1 / 3, 1]])),
        ("post", reverse("assessment:ahp_preview", args=[plan.pk]), _grid([[1, 3], [1 / 3, 1]])),
        ("post", reverse("assessment:weights_data", args=[plan.pk]), {"method": "critic"}),
        ("get", reverse("assessment:catalog", args=[tree.county_a.pk]), {}),
        ("get", reverse("assessment:indicator_new", args=[tree.county_a.pk]), {}),
        ("post", reverse("assessment:indicator_new", args=[tree.county_a.pk]),
         {"category": "1", "code": "X", "name": "X", "sort_order": "0"}),
        ("get", reverse("assessment:indicator_edit", args=[tree.county_a.pk, county.pk]), {}),
        ("post", reverse("assessment:indicator_edit", args=[tree.county_a.pk, county.pk]),
         {"code": "QA", "name": "改名", "direction": "1", "data_type": "number",
          "sort_order": "0", "rule_kind": "veto", "veto_at_least": "1"}),
    ]


@pytest.fixture
def county_catalog(province_admin, tree):
    return services.indicator_create(actor=province_admin, owner=tree.county_a, code="QA",
                                     name="东营区指标", rule_kind="veto", rule={"at_least": 1})


def test_an_outsider_finds_none_of_the_editor_pages_and_changes_nothing(client, plan,
                                                                        county_catalog,
                                                                        outsider, tree):
    client.force_login(outsider)
    before = _state(plan)
    for method, url, data in _urls(plan, tree):
        answer = getattr(client, method)(url, data)
        assert answer.status_code == 404, (method, url)
    assert _state(plan) == before


def test_an_outsider_cannot_create_a_plan_for_another_subtree(client, outsider, tree):
    client.force_login(outsider)
    answer = client.post(reverse("assessment:plan_new"), {
        "name": "越权考核", "owner": tree.county_a.pk, "period_kind": "month",
        "period_day": "2026-10-01"})
    assert answer.status_code == 200
    assert "owner" in answer.context["form"].errors
    assert not AssessmentPlan.objects.exists()


def test_an_outsider_sees_the_catalogs_above_but_cannot_edit_them(client, plan, outsider, tree):
    a1 = Indicator.objects.get(code="A1")
    client.force_login(outsider)
    page = client.get(reverse("assessment:catalog", args=[tree.county_b.pk])).content.decode()
    assert "三会一课落实率" in page
    answer = client.post(reverse("assessment:indicator_edit", args=[tree.county_b.pk, a1.pk]),
                         {"code": "A1", "name": "改名", "direction": "1",
                          "data_type": "number", "sort_order": "0", "rule_kind": "veto",
                          "veto_at_least": "1"})
    assert answer.status_code == 403
    a1.refresh_from_db()
    assert a1.name == "三会一课落实率"


def test_a_reporter_cannot_edit_plans_or_catalogs(client, plan, county_catalog, reporter,
                                                  county_admin, tree):
    # given a plan of the reporter's own county, which the reporter sees
    county_plan = services.plan_create(actor=county_admin, owner=tree.county_a,
                                       name="东营区考核", period=plan.period)
    services.plan_indicator_set(actor=county_admin, plan=county_plan,
                                indicator=Indicator.objects.get(code="A2"))
    client.force_login(reporter)
    before, before_county = _state(plan), _state(county_plan)
    # the province's draft is not even found; their county's plan and catalog are refused
    for method, url, data in _urls(plan, tree):
        expected = 404 if f"/assessment/{plan.pk}/" in url else 403
        if url == reverse("assessment:catalog", args=[tree.county_a.pk]):
            expected = 200  # reading the catalog is allowed
        answer = getattr(client, method)(url, data)
        assert answer.status_code == expected, (method, url)
    for method, url, data in _urls(county_plan, tree)[:11]:
        answer = getattr(client, method)(url, data)
        assert answer.status_code == 403, (method, url)
    assert (_state(plan), _state(county_plan)) == (before, before_county)


def test_the_editor_and_the_catalog_read_in_a_fixed_number_of_queries(
        client, plan, province_admin, tree, django_assert_max_num_queries):
    # given a catalog of thirty more indicators in three categories, ten used by the plan
    for c in range(3):
        category = services.indicator_create(actor=province_admin, owner=tree.province,
                                             code=f"K{c}", name=f"类别{c}", is_category=True)
        for n in range(10):
            indicator = services.indicator_create(
                actor=province_admin, owner=tree.province, code=f"K{c}{n}", name=f"指标{n}",
                parent=category, rule_kind="bands", rule={"bands": [[90, 100], [0, 60]]})
            if n < 3:
                services.plan_indicator_set(actor=province_admin, plan=plan,
                                            indicator=indicator)
    client.force_login(province_admin)
    # then neither page reads row by row (7 and 6 queries now, with room for the page frame)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessment:plan_editor", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessment:catalog", args=[tree.province.pk])
                          ).status_code == 200


def test_a_plan_of_leading_cadres_is_created_on_the_page(client, province_admin, tree):
    client.force_login(province_admin)
    page = client.get(reverse("assessment:plan_new")).content.decode()
    assert 'name="subject_kind"' in page and 'name="assessed_positions"' in page
    answer = client.post(reverse("assessment:plan_new"), {
        "name": "县级领导干部年度考核", "owner": tree.province.pk, "period_kind": "year",
        "period_day": "2026-01-01", "assessed_levels": ["3"], "subject_kind": "cadre",
        "assessed_positions": "县委书记，县长"})
    assert answer.status_code == 302
    plan = AssessmentPlan.objects.get(name="县级领导干部年度考核")
    assert (plan.subject_kind, plan.assessed_positions) == ("cadre", ["县委书记", "县长"])
    form = client.get(reverse("assessment:plan_edit", args=[plan.pk])).context["form"]
    assert form.initial["assessed_positions"] == "县委书记、县长"


def test_a_plan_of_leading_cadres_without_positions_is_refused(client, province_admin, tree):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:plan_new"), {
        "name": "干部考核", "owner": tree.province.pk, "period_kind": "year",
        "period_day": "2026-01-01", "subject_kind": "cadre", "assessed_positions": ""})
    assert answer.status_code == 200
    assert "assessed_positions" in answer.context["form"].errors
    assert not AssessmentPlan.objects.exists()
