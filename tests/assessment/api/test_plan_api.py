"""A department builds and runs a whole plan through the API: catalog, plan, AHP weights,
collection in bulk, scoring, publishing and the lists."""

import pytest

from pacesetter.assessment.models import AssessmentPlan, Indicator, IndicatorValue
from pacesetter.audit.models import AuditEntry
from tests.assessment.api.test_assessment_api import call

BASE = "/api/v1/assessment"


@pytest.fixture
def catalog(client, tree, province_admin):
    """Two scored indicators and a bonus item in the province's catalog, made through the API."""
    url = f"{BASE}/units/{tree.province.pk}/indicators"
    category = call(client, "post", url, province_admin,
                    {"code": "A", "name": "基层组织建设", "is_category": True}).json()
    made = {}
    for code, name, kind, rule, extra in [
        ("A1", "三会一课落实率", "normalize", {"method": "minmax"}, {"max_value": 100}),
        ("A2", "发展党员质量", "bands", {"bands": [[90, 100], [0, 60]]}, {}),
        ("B1", "急难险重任务", "bonus", {"per": 1, "cap": 3}, {"data_type": "count"}),
    ]:
        answer = call(client, "post", url, province_admin, {
            "code": code, "name": name, "parent_id": category["id"], "rule_kind": kind,
            "rule": rule, **extra})
        assert answer.status_code == 201, answer.content
        made[code] = answer.json()
    return made


def test_a_plan_from_catalog_to_published_lists(client, tree, province_admin, reporter,
                                                 catalog):
    # given a plan created in draft
    created = call(client, "post", f"{BASE}/plans", province_admin, {
        "owner_id": tree.province.pk, "name": "县级党建月度考核", "period_kind": "month",
        "period_day": "2026-10-15", "series": "县级党建", "assessed_levels": [3],
        "red_top_n": 1, "black_bottom_n": 1})
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["status"], plan["period_label"]) == ("draft", "2026年10月")
    url = f"{BASE}/plans/{plan['id']}"
    # when indicators are added and weighted by AHP
    for code in ("A1", "A2", "B1"):
        assert call(client, "put", f"{url}/indicators/{catalog[code]['id']}",
                    province_admin, {}).status_code == 200
    ahp = call(client, "post", f"{url}/weights/ahp", province_admin,
               {"codes": ["A1", "A2"], "pairwise": [[1, 3], [1 / 3, 1]]})
    assert ahp.status_code == 200, ahp.content
    assert ahp.json()["weights"] == {"A1": "75.0000", "A2": "25.0000", "B1": "0.0000"}
    assert ahp.json()["cr"] == 0
    # and the plan is opened, figures for both counties sent at once, scored and published
    assert call(client, "post", f"{url}/open", province_admin).json() == {"units": 2}
    figures = [("370502", "A1", 100), ("370502", "A2", 95), ("370502", "B1", 2),
               ("370503", "A1", 80), ("370503", "A2", 50), ("370503", "B1", 0)]
    saved = call(client, "put", f"{url}/values", province_admin, {"values": [
        {"unit": u, "indicator": i, "value": v} for u, i, v in figures]})
    assert saved.json() == {"changed": 6}
    assert call(client, "post", f"{url}/score", province_admin).status_code == 201
    assert call(client, "post", f"{url}/publish", province_admin, {}).status_code == 200
    # then the lists: A = 75 + 25 + 2 = 102 on the red list, B = 0 + 15 = 15 on the black list
    red = call(client, "get", f"{url}/lists/red", reporter).json()["items"]
    black = call(client, "get", f"{url}/lists/black", reporter).json()["items"]
    assert [(r["unit_code"], r["total"]) for r in red] == [("370502", "102.0000")]
    assert [(r["unit_code"], r["total"]) for r in black] == [("370503", "15.0000")]
    assert call(client, "get", f"{url}/lists/gray", reporter).json()["count"] == 0


def test_sending_the_same_figures_again_writes_nothing(client, tree, province_admin, catalog):
    plan = _opened_plan(client, tree, province_admin, catalog)
    body = {"values": [{"unit": "370502", "indicator": "A1", "value": 90}]}
    assert call(client, "put", f"{BASE}/plans/{plan}/values", province_admin,
                body).json() == {"changed": 1}
    audited = AuditEntry.objects.count()
    assert call(client, "put", f"{BASE}/plans/{plan}/values", province_admin,
                body).json() == {"changed": 0}
    assert AuditEntry.objects.count() == audited


def test_bulk_figures_name_every_bad_entry_and_save_none(client, tree, province_admin,
                                                         reporter, catalog):
    plan = _opened_plan(client, tree, province_admin, catalog)
    answer = call(client, "put", f"{BASE}/plans/{plan}/values", reporter, {"values": [
        {"unit": "370502", "indicator": "A1", "value": 90},
        {"unit": "370502", "indicator": "A1", "value": 150},
        {"unit": "370503", "indicator": "A1", "value": 90},
        {"unit": "370502", "indicator": "ZZ", "value": 1}]})
    assert answer.status_code == 422
    where = {e["where"] for e in answer.json()["errors"]}
    assert {"values[1]", "values[2]", "values[3]"} <= where
    assert "values[0]" not in where
    assert not IndicatorValue.objects.exists()


def test_a_plan_changes_only_while_it_is_a_draft(client, tree, province_admin, catalog):
    plan = _opened_plan(client, tree, province_admin, catalog)
    answer = call(client, "patch", f"{BASE}/plans/{plan}", province_admin, {"name": "改名"})
    assert answer.status_code == 409
    assert AssessmentPlan.objects.get(pk=plan).name == "测试考核"


def test_a_draft_plan_is_edited_field_by_field(client, tree, province_admin, catalog):
    plan = _draft_plan(client, tree, province_admin, catalog)
    answer = call(client, "patch", f"{BASE}/plans/{plan}", province_admin,
                  {"name": "县级党建季度考核", "period_kind": "quarter"})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["name"], answer.json()["period_label"]) == ("县级党建季度考核",
                                                                      "2026年第4季度")
    stored = AssessmentPlan.objects.get(pk=plan)
    assert stored.red_top_n == 1  # untouched


def test_manual_weights_must_sum_to_100(client, tree, province_admin, catalog):
    plan = _draft_plan(client, tree, province_admin, catalog)
    answer = call(client, "put", f"{BASE}/plans/{plan}/weights", province_admin,
                  {"weights": {"A1": 50, "A2": 40}})
    assert answer.status_code == 422
    assert "100" in answer.json()["detail"]
    ok = call(client, "put", f"{BASE}/plans/{plan}/weights", province_admin,
              {"weights": {"A1": 55, "A2": 45}})
    assert ok.json()["weights"]["A1"] == "55.0000"


def test_removing_an_indicator_from_a_draft(client, tree, province_admin, catalog):
    plan = _draft_plan(client, tree, province_admin, catalog)
    answer = call(client, "delete", f"{BASE}/plans/{plan}/indicators/{catalog['A2']['id']}",
                  province_admin)
    assert answer.status_code == 204
    detail = call(client, "get", f"{BASE}/plans/{plan}", province_admin).json()
    assert [i["code"] for i in detail["indicators"]] == ["A1"]


def test_catalog_entries_are_listed_and_edited(client, tree, province_admin, county_admin,
                                               catalog):
    # the county sees the province's catalog above it
    listed = call(client, "get", f"{BASE}/units/{tree.county_a.pk}/indicators",
                  county_admin).json()
    assert {"A", "A1", "A2", "B1"} <= {i["code"] for i in listed["items"]}
    changed = call(client, "patch",
                   f"{BASE}/units/{tree.province.pk}/indicators/{catalog['A1']['id']}",
                   province_admin, {"name": "“三会一课”落实率"})
    assert changed.json()["name"] == "“三会一课”落实率"
    # but cannot change it from below
    refused = call(client, "patch",
                   f"{BASE}/units/{tree.county_a.pk}/indicators/{catalog['A1']['id']}",
                   county_admin, {"name": "改"})
    assert refused.status_code == 404
    assert Indicator.objects.get(code="A1").name == "“三会一课”落实率"


def test_a_bad_rule_is_refused_in_the_users_language(client, tree, province_admin):
    answer = call(client, "post", f"{BASE}/units/{tree.province.pk}/indicators",
                  province_admin, {"code": "X", "name": "x", "rule_kind": "bands",
                                   "rule": {"bands": "many"}})
    assert answer.status_code == 422
    assert not Indicator.objects.filter(code="X").exists()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.json()["detail"])


def _draft_plan(client, tree, province_admin, catalog) -> int:
    plan = call(client, "post", f"{BASE}/plans", province_admin, {
        "owner_id": tree.province.pk, "name": "测试考核", "period_kind": "month",
        "period_day": "2026-10-15", "assessed_levels": [3], "red_top_n": 1}).json()["id"]
    for code, weight in (("A1", 60), ("A2", 40)):
        call(client, "put", f"{BASE}/plans/{plan}/indicators/{catalog[code]['id']}",
             province_admin, {"weight": weight})
    return plan


def _opened_plan(client, tree, province_admin, catalog) -> int:
    plan = _draft_plan(client, tree, province_admin, catalog)
    assert call(client, "post", f"{BASE}/plans/{plan}/open", province_admin).status_code == 200
    return plan


def test_a_plan_may_name_its_units_by_code(client, tree, province_admin):
    created = call(client, "post", f"{BASE}/plans", province_admin, {
        "owner_id": tree.province.pk, "name": "点名", "period_kind": "month",
        "period_day": "2026-10-15", "assessed_unit_codes": ["370503"]})
    assert created.status_code == 201, created.content
    assert created.json()["assessed_unit_codes"] == ["370503"]
    plan = created.json()["id"]
    bad = call(client, "patch", f"{BASE}/plans/{plan}", province_admin,
               {"assessed_unit_codes": ["370503", "XX"]})
    assert bad.status_code == 422 and "XX" in bad.json()["detail"]
    assert list(AssessmentPlan.objects.get(pk=plan).assessed_units.values_list(
        "code", flat=True)) == ["370503"]
