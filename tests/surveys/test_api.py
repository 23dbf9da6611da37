"""The public submission API: 201, 200 for a retry, 409, 422 naming items, 403 when closed."""

import json

from pacesetter.surveys import services
from pacesetter.surveys.models import Response


def _post(client, token, body):
    return client.post(f"/api/v1/public/surveys/{token}/responses", json.dumps(body),
                       content_type="application/json")


def test_a_response_is_created_and_a_retry_is_not_counted_twice(client, link_a):
    body = {"respondent": "device-1", "answers": {"A1": "my", "B1": "jbmy"}, "submission": "s1"}
    created = _post(client, link_a, body)
    assert created.status_code == 201 and created.json()["created"] is True
    retry = _post(client, link_a, body)
    assert retry.status_code == 200 and retry.json() == {"id": created.json()["id"],
                                                         "created": False}
    assert Response.objects.count() == 1


def test_a_duplicate_respondent_is_409(client, link_a):
    _post(client, link_a, {"respondent": "r", "answers": {"A1": "my", "B1": "my"}})
    again = _post(client, link_a, {"respondent": "r", "answers": {"A1": "bmy", "B1": "my"}})
    assert again.status_code == 409 and again.json()["detail"]


def test_invalid_answers_are_422_naming_the_items(client, link_a):
    answer = _post(client, link_a, {"respondent": "r", "answers": {"A1": "great", "Z9": 1}})
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"answers.A1", "answers.Z9", "answers.B1"}
    assert _post(client, link_a, {"answers": {}}).status_code == 422


def test_a_closed_campaign_or_an_unknown_link_refuses(client, campaign, link_a, province_admin):
    assert _post(client, "nope", {"respondent": "r", "answers": {}}).status_code == 404
    services.campaign_close(actor=province_admin, campaign=campaign)
    closed = _post(client, link_a, {"respondent": "r", "answers": {"A1": "my", "B1": "my"}})
    assert closed.status_code == 403 and not Response.objects.exists()


def test_the_endpoint_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/public/surveys/{link_token}/responses"]["post"]
    assert {"201", "200"} <= set(operation["responses"])


def test_results_through_the_api_are_scoped(client, campaign, link_a, link_b, county_admin,
                                            outsider):
    _post(client, link_a, {"respondent": "a", "answers": {"A1": "my", "B1": "my"}})
    _post(client, link_b, {"respondent": "b", "answers": {"A1": "bmy", "B1": "my"}})
    client.force_login(county_admin)
    rows = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/results").json()["targets"]
    assert [r["unit_name"] for r in rows] == ["东营区"] and rows[0]["rank"] == 1


def test_a_nul_character_in_a_text_answer_is_dropped_not_a_server_error(client, link_a):
    answer = _post(client, link_a, {"respondent": "r", "answers": {
        "A1": "my", "B1": "my", "remarks": "好\u0000的"}})
    assert answer.status_code == 201
    assert Response.objects.get().extra == {"remarks": "好的"}
