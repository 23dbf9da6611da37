"""The account pages, as a county administrator uses them."""

from django.urls import reverse

from pacesetter.orgs.models import User


def test_account_list_shows_accounts_of_the_subtree_only(client, tree, county_admin, outsider,
                                                         reporter):
    client.force_login(county_admin)
    names = {a.username for a in client.get("/accounts/").context["page_obj"]}
    assert names == {"county_admin", "reporter"}


def test_open_an_account_for_a_person(client, tree, county_admin):
    client.force_login(county_admin)
    url = reverse("orgs:account_create") + f"?person={tree.member_person.pk}"
    assert client.get(url).context["form"].initial["unit_code"] == "370502001001"
    answer = client.post(url, {"username": "wangwu", "full_name": "王五",
                               "password": "Dongcheng-Branch-1", "role": "member",
                               "unit_code": "370502001001"})
    assert answer.status_code == 302
    assert User.objects.get(username="wangwu").person == tree.member_person


def test_open_an_account_outside_scope_names_the_unit_field(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post(reverse("orgs:account_create"), {
        "username": "x", "password": "Dongcheng-Branch-1", "role": "reporter",
        "unit_code": "370503"})
    assert answer.context["form"].errors["unit_code"]
    assert not User.objects.filter(username="x").exists()


def test_a_weak_password_is_reported_with_the_other_errors(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post(reverse("orgs:account_create"), {
        "username": "x", "password": "12345678", "role": "reporter", "unit_code": "370503"})
    assert answer.context["form"].errors.keys() >= {"password", "unit_code"}


def test_grant_revoke_disable_from_the_account_page(client, tree, county_admin, reporter):
    client.force_login(county_admin)
    client.post(reverse("orgs:account_grant", args=[reporter.pk]),
                {"role": "inspector", "unit_code": "370502001"})
    assert set(reporter.role_grants.values_list("role", flat=True)) == {"reporter", "inspector"}
    grant = reporter.role_grants.get(role="inspector")
    client.post(reverse("orgs:account_revoke", args=[reporter.pk, grant.pk]))
    assert set(reporter.role_grants.values_list("role", flat=True)) == {"reporter"}
    client.post(reverse("orgs:account_active", args=[reporter.pk]), {"is_active": "false"})
    reporter.refresh_from_db()
    assert not reporter.is_active


def test_system_admin_role_is_not_offered_to_org_admins(client, tree, county_admin):
    client.force_login(county_admin)
    choices = dict(client.get(reverse("orgs:account_create")).context["form"]
                   .fields["role"].choices)
    assert "system_admin" not in choices


def test_account_pages_are_forbidden_to_non_managers(client, tree, reporter):
    client.force_login(reporter)
    assert client.get("/accounts/").status_code == 403


def test_account_list_query_count(client, tree, county_admin, django_assert_num_queries):
    from pacesetter.orgs.models import Role
    from tests.factories import user_with_role

    for _ in range(20):
        user_with_role(Role.REPORTER, tree.township_a1)
    client.force_login(county_admin)
    with django_assert_num_queries(7):  # the page, and the header's notification badge
        client.get("/accounts/")
