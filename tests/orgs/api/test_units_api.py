"""The units and people API, called as a client would, with a bearer token."""

import json

import pytest
from django.core.management import call_command

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import Person, Unit
from pacesetter.orgs.tokens import token_issue, tokens_revoke
from tests.factories import PersonFactory, UnitFactory


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issue(user=user)[1]}"}


def send(client, method, url, user, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None,
        content_type="application/json", headers=bearer(user),
    )


def test_unit_list_is_paginated_and_scoped(client, tree, county_admin):
    answer = send(client, "get", "/api/v1/units", county_admin).json()
    assert answer["count"] == 3
    assert [u["code"] for u in answer["items"]] == ["370502", "370502001", "370502001001"]
    assert answer["items"][1]["parent_code"] == "370502"


def test_unit_list_filters_by_subtree_search_and_level(client, tree, province_admin):
    def codes(query):
        return [u["code"] for u in send(client, "get", f"/api/v1/units?{query}",
                                        province_admin).json()["items"]]

    assert codes(f"under={tree.county_a.pk}") == ["370502", "370502001", "370502001001"]
    assert codes("q=日照") == ["371100"]
    assert codes("q=3705") == ["370500", "370502", "370502001", "370502001001", "370503"]
    assert codes("level=2") == ["370500", "371100"]


def test_unit_create_answers_201_and_audits(client, tree, county_admin):
    answer = send(client, "post", "/api/v1/units", county_admin, {
        "code": "370502009", "name": "新镇", "kind": "township",
        "parent_id": tree.county_a.pk, "peer_groups": ["乡镇"],
    })
    assert answer.status_code == 201, answer.content
    assert answer.json()["path"] == "/370000/370500/370502/370502009/"
    assert AuditEntry.objects.filter(object_type="orgs.unit", action="create").count() == 1


def test_unit_patch_changes_only_what_was_sent(client, tree, county_admin):
    answer = send(client, "patch", f"/api/v1/units/{tree.township_a1.pk}", county_admin,
                  {"name": "文汇"})
    assert answer.status_code == 200
    unit = Unit.objects.get(pk=tree.township_a1.pk)
    assert (unit.name, unit.kind) == ("文汇", "township")


def test_unit_move_endpoint(client, tree, province_admin):
    answer = send(client, "post", f"/api/v1/units/{tree.county_a.pk}/move", province_admin,
                  {"parent_id": tree.city2.pk})
    assert answer.status_code == 200
    assert answer.json()["path"] == "/370000/371100/370502/"


def test_move_into_own_subtree_is_a_409_with_a_message(client, tree, province_admin):
    answer = send(client, "post", f"/api/v1/units/{tree.city1.pk}/move", province_admin,
                  {"parent_id": tree.branch_a1a.pk})
    assert answer.status_code == 409
    assert answer.json()["detail"]


def test_validation_errors_are_422_with_field_messages(client, tree, county_admin):
    answer = send(client, "post", "/api/v1/units", county_admin,
                  {"code": "bad code", "name": "", "kind": "spaceship", "extra": 1})
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"code", "name", "kind", "parent_id", "extra"}
    assert all(e["message"] for e in answer.json()["errors"])
    assert not Unit.objects.filter(code="bad code").exists()


def test_a_duplicate_code_is_422_naming_the_code(client, tree, county_admin):
    answer = send(client, "post", "/api/v1/units", county_admin, {
        "code": "370502001", "name": "重复", "kind": "branch", "parent_id": tree.county_a.pk})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["code"]


def test_malformed_json_is_a_400(client, tree, county_admin):
    answer = client.post("/api/v1/units", data="{not json", content_type="application/json",
                         headers=bearer(county_admin))
    assert answer.status_code == 400
    assert answer.json()["detail"]


def test_messages_follow_the_callers_language(client, tree, county_admin):
    def detail(language):
        return client.post("/api/v1/units", data="{}", content_type="application/json",
                           headers={**bearer(county_admin), "Accept-Language": language}
                           ).json()["detail"]

    assert detail("en") == "Please correct the errors below."
    assert detail("zh-hans") != "Please correct the errors below."


def test_people_list_masks_phones_and_detail_shows_them_to_managers(client, tree, county_admin,
                                                                    reporter):
    listed = send(client, "get", "/api/v1/people", county_admin).json()["items"]
    assert {p["name"] for p in listed} == {"张三", "王五"}
    assert all("****" in p["phone"] for p in listed)
    url = f"/api/v1/people/{tree.person_a.pk}"
    assert send(client, "get", url, county_admin).json()["phone"] == tree.person_a.phone
    assert "****" in send(client, "get", url, reporter).json()["phone"]


def test_person_create_and_transfer(client, tree, province_admin):
    created = send(client, "post", "/api/v1/people", province_admin, {
        "unit_id": tree.county_a.pk, "name": "孙七", "gender": "male",
        "birth_date": "1980-05-01", "phone": "13800000000"})
    assert created.status_code == 201, created.content
    moved = send(client, "patch", f"/api/v1/people/{created.json()['id']}", province_admin,
                 {"unit_id": tree.county_b.pk, "position": "书记"})
    assert moved.json()["unit_id"] == tree.county_b.pk
    assert Person.objects.get(pk=created.json()["id"]).position == "书记"


def test_reporter_may_read_but_not_write(client, tree, reporter):
    answer = send(client, "patch", f"/api/v1/units/{tree.county_a.pk}", reporter, {"name": "x"})
    assert answer.status_code == 403
    assert Unit.objects.get(pk=tree.county_a.pk).name == "东营区"


def test_me_lists_the_roles(client, tree, county_admin):
    answer = send(client, "get", "/api/v1/me", county_admin).json()
    assert answer["roles"][0]["role"] == "org_admin"
    assert answer["roles"][0]["unit_id"] == tree.county_a.pk


class TestTokens:
    def test_issue_token_command_prints_a_working_token(self, client, tree, county_admin,
                                                       capsys):
        call_command("issue_token", "county_admin")
        token = capsys.readouterr().out.strip()
        answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.json()["username"] == "county_admin"
        assert token not in {t.digest for t in county_admin.api_tokens.all()}

    def test_a_revoked_token_is_refused(self, client, tree, county_admin):
        _token, raw = token_issue(user=county_admin)
        tokens_revoke(user=county_admin)
        answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert answer.status_code == 401

    @pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer ps_" + "x" * 43, "Basic a"])
    def test_missing_or_wrong_tokens_are_401(self, client, tree, header):
        headers = {"Authorization": header} if header else {}
        assert client.get("/api/v1/units", headers=headers).status_code == 401

    def test_a_deactivated_users_token_stops_working(self, client, tree, county_admin):
        headers = bearer(county_admin)
        county_admin.is_active = False
        county_admin.save()
        assert client.get("/api/v1/me", headers=headers).status_code == 401


class TestQueryCounts:
    """List endpoints cost the same number of queries for 3 rows or 60."""

    def test_unit_list(self, client, tree, province_admin, django_assert_num_queries):
        headers = bearer(province_admin)
        client.get("/api/v1/me", headers=headers)  # the token's first use is noted once
        for i in range(60):
            unit = UnitFactory(parent=tree.township_a1)
            unit.peer_groups.create(name=f"组{i}")
        with django_assert_num_queries(5):
            answer = client.get("/api/v1/units?page_size=100", headers=headers)
        assert answer.json()["count"] == 67

    def test_people_list(self, client, tree, province_admin, django_assert_num_queries):
        headers = bearer(province_admin)
        client.get("/api/v1/me", headers=headers)
        PersonFactory.create_batch(60, unit=tree.township_a1)
        with django_assert_num_queries(4):
            answer = client.get("/api/v1/people?page_size=100", headers=headers)
        assert answer.json()["count"] == 63


def test_a_nul_character_in_the_search_is_ignored_not_a_server_error(client, tree,
                                                                     province_admin):
    client.force_login(province_admin)
    answer = client.get("/api/v1/units", {"q": "东营\x00"})
    assert answer.status_code == 200
    assert {u["name"] for u in answer.json()["items"]} == {"东营市", "东营区"}
