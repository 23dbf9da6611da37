"""The assessment API as a client uses it: figures in, scoring, publishing, the ranking."""

import json

from pacesetter.assessment import services
from pacesetter.assessment.models import AssessmentPlan
from pacesetter.orgs.tokens import token_issue


def call(client, method, url, user, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def test_from_figures_to_a_published_ranking(client, plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    base = f"/api/v1/assessment/plans/{plan.pk}"
    saved = call(client, "put", f"{base}/units/{tree.county_a.pk}/values", reporter, {"values": {
        "A1": {"value": 100}, "A2": {"value": 96}, "B1": {"value": 1}, "V1": {"value": 0}}})
    assert saved.json() == {"changed": 4}
    assert call(client, "post", f"{base}/units/{tree.county_a.pk}/submit", reporter
                ).json()["status"] == "submitted"
    assert call(client, "post", f"{base}/score", province_admin).status_code == 201
    # a reporter does not see the draft
    assert call(client, "get", f"{base}/results", reporter).status_code == 404
    published = call(client, "post", f"{base}/publish", province_admin, {"note": "十月通报"})
    assert published.json() == {"number": 1, "is_published": True, "results": 2}
    board = call(client, "get", f"{base}/results", reporter).json()
    assert [(r["unit_code"], r["rank"], r["list_mark"]) for r in board["items"]] == [
        ("370502", 1, "red"), ("370503", 2, "black")]
    assert board["items"][0]["total"] == "101.0000"
    reds = call(client, "get", f"{base}/results?list=red", reporter).json()["items"]
    assert [r["unit_code"] for r in reds] == ["370502"]


def test_bad_figures_are_422_naming_each_indicator(client, plan, province_admin, reporter,
                                                    tree):
    services.plan_open(actor=province_admin, plan=plan)
    answer = call(client, "put",
                  f"/api/v1/assessment/plans/{plan.pk}/units/{tree.county_a.pk}/values",
                  reporter, {"values": {"A1": {"value": 150}, "ZZ": {"value": 1}}})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"A1", "ZZ"}
    assert not plan.values.exists()


def test_reporters_cannot_score_or_publish(client, plan, province_admin, reporter):
    services.plan_open(actor=province_admin, plan=plan)
    assert call(client, "post", f"/api/v1/assessment/plans/{plan.pk}/score", reporter
                ).status_code == 403


def test_plan_detail_and_completeness(client, plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    detail = call(client, "get", f"/api/v1/assessment/plans/{plan.pk}", reporter).json()
    assert [(i["code"], i["weight"]) for i in detail["indicators"]][:2] == [
        ("A1", "60.0000"), ("A2", "40.0000")]
    mine = call(client, "get", f"/api/v1/assessment/plans/{plan.pk}/submissions",
                reporter).json()
    assert [s["unit_code"] for s in mine["items"]] == ["370502"]
    everyone = call(client, "get", f"/api/v1/assessment/plans/{plan.pk}/submissions",
                    province_admin).json()
    assert everyone["count"] == 2


def test_results_page_query_count(client, plan, province_admin, django_assert_num_queries):
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    headers = {"Authorization": f"Bearer {token_issue(user=province_admin)[1]}"}
    client.get("/api/v1/me", headers=headers)
    with django_assert_num_queries(6):
        client.get(f"/api/v1/assessment/plans/{plan.pk}/results", headers=headers)


def test_a_plan_of_leading_cadres_through_the_api(client, tree, province_admin, county_admin,
                                                  reporter, cadres):
    created = call(client, "post", "/api/v1/assessment/plans", province_admin, {
        "owner_id": tree.province.pk, "name": "县级领导干部年度考核", "period_kind": "year",
        "period_day": "2026-01-01", "assessed_levels": [3], "subject_kind": "cadre",
        "assessed_positions": ["县委书记"]})
    assert created.status_code == 201, created.content
    assert (created.json()["subject_kind"], created.json()["assessed_positions"]) == (
        "cadre", ["县委书记"])
    plan = AssessmentPlan.objects.get(pk=created.json()["id"])
    indicator = services.indicator_create(actor=province_admin, owner=tree.province, code="G1",
                                          name="共性指标", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator,
                                weight=100)
    base = f"/api/v1/assessment/plans/{plan.pk}"
    assert call(client, "post", f"{base}/open", province_admin).json() == {"units": 2}
    for person, value in ((cadres["sec_a"], 90), (cadres["sec_b"], 70)):
        saved = call(client, "put", f"{base}/people/{person.pk}/values", province_admin,
                     {"values": {"G1": {"value": value}}})
        assert saved.json() == {"changed": 1}
    refused = call(client, "put", f"{base}/people/{cadres['sec_a'].pk}/values", county_admin,
                   {"values": {"G1": {"value": 100}}})
    assert refused.status_code == 403
    call(client, "post", f"{base}/score", province_admin)
    call(client, "post", f"{base}/publish", province_admin, {"note": ""})
    board = call(client, "get", f"{base}/results", province_admin).json()["items"]
    assert [(r["person_name"], r["position"], r["unit_code"], r["group_rank"])
            for r in board] == [("周书记", "县委书记", "370502", 1),
                                ("郑书记", "县委书记", "370503", 2)]
    own = call(client, "get", f"{base}/results", county_admin).json()["items"]
    assert [r["person_name"] for r in own] == ["周书记"]
    assert call(client, "get", f"{base}/results", reporter).status_code == 404
