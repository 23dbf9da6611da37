"""No request body or query, however malformed, makes the API answer 500.

Every operation of the OpenAPI document is called with hypothesis-generated input: arbitrary
JSON, and objects with the schema's own field names holding arbitrary values.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.orgs.tokens import token_issue

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                      children, max_size=4),
    max_leaves=10,
)
query_values = st.text(max_size=30) | st.integers(-(2**70), 2**70).map(str)


@pytest.fixture
def api_calls(client, tree, province_admin):
    spec = client.get("/api/v1/openapi.json", headers=_auth(province_admin)).json()
    return spec, _auth(province_admin)


def _auth(user):
    return {"Authorization": f"Bearer {token_issue(user=user)[1]}"}


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields = []
            if body:
                ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
                fields = list(spec["components"]["schemas"][ref]["properties"])
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            yield method, path, fields, params


# One example draws a request for every operation, so it grows with the API: the size check
# would refuse the whole document long before any single request is large.
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_no_input_makes_a_500(client, tree, api_calls, data):
    spec, headers = api_calls
    for method, path, fields, params in _operations(spec):
        url = path.replace("{unit_id}", str(data.draw(st.sampled_from(
            [tree.county_a.pk, tree.branch_a1a.pk, 0, 2**62])))).replace(
            "{person_id}", str(data.draw(st.sampled_from([tree.person_a.pk, 0])))).replace(
            "{plan_id}", str(data.draw(st.sampled_from([1, 0, 2**62]))))
        query = data.draw(st.dictionaries(st.sampled_from(params), query_values)) if params else {}
        if fields:
            body = data.draw(json_values | st.fixed_dictionaries(
                {}, optional=dict.fromkeys(fields, json_values)))
        else:
            body = data.draw(json_values)
        answer = getattr(client, method)(
            url, data=json.dumps(body) if method != "get" else query,
            content_type="application/json", headers=headers,
            **({"QUERY_STRING": "&".join(f"{k}={v}" for k, v in query.items())}
               if method != "get" else {}),
        )
        assert answer.status_code < 500, (method, url, body, answer.content[:300])
