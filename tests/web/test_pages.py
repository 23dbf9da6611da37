"""Pages as a user meets them: login, the tree, search, unit detail, forms, the import page."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pacesetter.orgs.models import Person, Unit
from tests.factories import PersonFactory, UnitFactory


def test_pages_need_a_login(client, tree):
    answer = client.get("/units/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")


def test_login_page_is_chinese_by_default(client, db):
    page = client.get("/login/").content.decode()
    assert 'lang="zh-hans"' in page


def test_repeated_wrong_passwords_lock_the_account(client, tree, county_admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "county_admin", "password": "wrong-password"})
    answer = client.post("/login/", {"username": "county_admin", "password": "Correct-Horse-42"})
    assert answer.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_password_logs_in(client, tree, county_admin):
    answer = client.post("/login/", {"username": "county_admin", "password": "Correct-Horse-42"})
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(county_admin.pk)


def test_tree_starts_at_the_users_scope(client, tree, county_admin):
    client.force_login(county_admin)
    page = client.get("/units/").content.decode()
    assert 'data-code="370502"' in page
    assert 'data-code="370500"' not in page


def test_children_partial_lists_the_children(client, tree, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("orgs:unit_children", args=[tree.city1.pk])).content.decode()
    assert 'data-code="370502"' in page and 'data-code="370503"' in page
    assert "<html" not in page


def test_search_shows_where_each_unit_lies(client, tree, province_admin):
    client.force_login(province_admin)
    page = client.get("/units/", {"q": "文汇"}).content.decode()
    assert "山东省 › 东营市 › 东营区" in page


def test_htmx_search_answers_with_the_fragment_only(client, tree, province_admin):
    client.force_login(province_admin)
    page = client.get("/units/", {"q": "文汇"}, headers={"HX-Request": "true"}).content.decode()
    assert "search-results" in page and "<html" not in page


class TestQueryCounts:
    """Pages cost the same number of queries for a few rows or many; a whole page (not an
    htmx fragment) includes one for the header's unread-notification badge."""

    def test_tree_children(self, client, tree, province_admin, django_assert_num_queries):
        UnitFactory.create_batch(40, parent=tree.township_a1)
        client.force_login(province_admin)
        url = reverse("orgs:unit_children", args=[tree.township_a1.pk])
        with django_assert_num_queries(5):
            client.get(url)

    def test_search(self, client, tree, province_admin, django_assert_num_queries):
        UnitFactory.create_batch(40, parent=tree.township_a1, name="搜索目标")
        client.force_login(province_admin)
        with django_assert_num_queries(8):
            page = client.get("/units/", {"q": "搜索目标"})
        assert page.content.decode().count("搜索目标") >= 40

    def test_unit_detail(self, client, tree, province_admin, django_assert_num_queries):
        UnitFactory.create_batch(30, parent=tree.township_a1)
        PersonFactory.create_batch(30, unit=tree.township_a1)
        client.force_login(province_admin)
        with django_assert_num_queries(10):
            client.get(reverse("orgs:unit_detail", args=[tree.township_a1.pk]))

    def test_people(self, client, tree, province_admin, django_assert_num_queries):
        PersonFactory.create_batch(40, unit=tree.township_a1)
        client.force_login(province_admin)
        with django_assert_num_queries(6):
            client.get("/people/")

    def test_audit(self, client, tree, province_admin, django_assert_num_queries):
        from pacesetter.orgs import services

        for i in range(30):
            services.unit_update(actor=province_admin, unit=tree.township_a1,
                                 data={"name": f"名{i}"})
        client.force_login(province_admin)
        with django_assert_num_queries(7):
            client.get("/audit/")


def test_unit_form_creates_a_unit(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post(reverse("orgs:unit_create", args=[tree.county_a.pk]), {
        "code": "370502005", "name": "新街道", "kind": "township", "sort_order": 0,
        "is_active": "on", "peer_group_names": "街道，城区"})
    assert answer.status_code == 302
    unit = Unit.objects.get(code="370502005")
    assert sorted(g.name for g in unit.peer_groups.all()) == ["城区", "街道"]


def test_unit_form_shows_errors_and_writes_nothing(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post(reverse("orgs:unit_create", args=[tree.county_a.pk]), {
        "code": "370502001", "name": "", "kind": "township", "sort_order": 0})
    assert answer.status_code == 200
    assert answer.context["form"].errors.keys() >= {"code", "name"}
    assert Unit.objects.count() == 7


def test_move_form_moves_by_parent_code(client, tree, province_admin):
    client.force_login(province_admin)
    client.post(reverse("orgs:unit_move", args=[tree.county_a.pk]), {"parent_code": "371100"})
    assert Unit.objects.get(pk=tree.county_a.pk).parent == tree.city2


def test_move_form_explains_a_cycle(client, tree, province_admin):
    client.force_login(province_admin)
    answer = client.post(reverse("orgs:unit_move", args=[tree.city1.pk]),
                         {"parent_code": "370502001"})
    assert answer.context["form"].errors["parent_code"]
    assert Unit.objects.get(pk=tree.city1.pk).parent == tree.province


def test_person_form_adds_a_person(client, tree, county_admin):
    client.force_login(county_admin)
    client.post(reverse("orgs:person_create", args=[tree.county_a.pk]), {
        "name": "周八", "gender": "female", "position": "书记", "is_party_member": "on",
        "phone": "13700000000", "is_active": "on"})
    assert Person.objects.get(name="周八").unit == tree.county_a


def test_person_detail_masks_the_phone_for_non_managers(client, tree, reporter, county_admin):
    url = reverse("orgs:person_detail", args=[tree.person_a.pk])
    client.force_login(reporter)
    assert tree.person_a.phone not in client.get(url).content.decode()
    client.force_login(county_admin)
    assert tree.person_a.phone in client.get(url).content.decode()


def _upload(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["代码", "名称", "上级代码", "类型", "分组"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "units.xlsx"
    return buffer


def test_import_page_lists_bad_rows(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post("/units/import/", {"file": _upload([
        ["370502040", "好", "370502", "党支部", ""], ["370502041", "", "370502", "党支部", ""]])})
    assert answer.status_code == 200
    assert answer.context["row_errors"][0]["row"] == 3
    assert 'id="row-errors"' in answer.content.decode()
    assert not Unit.objects.filter(code="370502040").exists()


def test_import_page_imports_a_good_file(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.post("/units/import/", {"file": _upload([
        ["370502040", "好", "370502", "党支部", ""]])}, follow=True)
    assert Unit.objects.filter(code="370502040").exists()
    assert "1" in str(next(iter(answer.context["messages"])))


def test_import_page_refuses_a_file_that_is_not_xlsx(client, tree, county_admin):
    client.force_login(county_admin)
    upload = io.BytesIO(b"a,b")
    upload.name = "units.csv"
    answer = client.post("/units/import/", {"file": upload})
    assert answer.context["form"].errors["file"]


def test_import_page_is_forbidden_to_reporters(client, tree, reporter):
    client.force_login(reporter)
    assert client.get("/units/import/").status_code == 403


def test_export_holds_the_scope_in_the_import_layout(client, tree, county_admin):
    client.force_login(county_admin)
    answer = client.get("/units/export.xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["370502", "370502001", "370502001001"]


def test_template_has_a_kind_dropdown(client, tree, county_admin):
    client.force_login(county_admin)
    sheet = load_workbook(io.BytesIO(client.get("/units/import/template.xlsx").content)).active
    assert sheet.data_validations.dataValidation[0].type == "list"


@pytest.mark.parametrize("name", ["home", "orgs:unit_tree", "orgs:person_list"])
def test_member_pages_render(client, tree, member, name):
    client.force_login(member)
    assert client.get(reverse(name)).status_code == 200


def test_navigation_lists_only_built_areas(client, tree, reporter, county_admin):
    def urls(user):
        client.force_login(user)
        return [item["url"] for item in client.get("/").context["nav_items"]]

    assert urls(reporter) == ["/", "/units/", "/people/", "/assessment/", "/surveys/",
                              "/portfolios/", "/roadshows/", "/inspections/", "/api/v1/docs"]
    assert urls(county_admin) == ["/", "/units/", "/people/", "/assessment/", "/surveys/",
                                  "/portfolios/", "/roadshows/", "/inspections/", "/cadres/",
                                  "/accounts/", "/audit/", "/api/v1/docs"]


def test_password_change_applies_the_password_rules(client, tree, county_admin):
    client.force_login(county_admin)
    weak = client.post("/password/", {"old_password": "Correct-Horse-42",
                                      "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    problems = " ".join(weak.context["form"].errors["new_password2"])
    assert "至少需要 10 个字符" in problems
    strong = client.post("/password/", {"old_password": "Correct-Horse-42",
                                        "new_password1": "Dongying-Branch-77",
                                        "new_password2": "Dongying-Branch-77"})
    assert strong.status_code == 302
    county_admin.refresh_from_db()
    assert county_admin.check_password("Dongying-Branch-77")


def test_the_admin_is_read_only_for_system_admins(client, tree, sysadmin, county_admin):
    sysadmin.is_staff = True
    sysadmin.save()
    client.force_login(sysadmin)
    assert client.get(f"/admin/orgs/unit/{tree.county_a.pk}/change/").status_code == 200
    answer = client.post(f"/admin/orgs/unit/{tree.county_a.pk}/change/", {"name": "x"})
    assert answer.status_code == 403
    assert Unit.objects.get(pk=tree.county_a.pk).name == "东营区"
    county_admin.is_staff = True
    county_admin.save()
    client.force_login(county_admin)
    assert client.get("/admin/orgs/unit/").status_code == 403
