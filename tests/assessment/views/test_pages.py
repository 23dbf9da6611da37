"""The assessment pages: plan list, workflow buttons, data entry, the ranking board."""


from django.urls import reverse

from pacesetter.assessment import services
from pacesetter.assessment.models import PlanStatus, SubmissionStatus
from tests.assessment.conftest import figures


def test_plan_list_shows_the_plans_the_user_sees(client, plan, reporter, tree):
    client.force_login(reporter)
    services.plan_open(actor=plan.created_by, plan=plan)
    page = client.get("/assessment/").content.decode()
    assert "县级党建月度考核" in page


def test_workflow_buttons_run_the_plan(client, plan, province_admin):
    client.force_login(province_admin)
    client.post(reverse("assessment:plan_action", args=[plan.pk, "open"]))
    client.post(reverse("assessment:plan_action", args=[plan.pk, "score"]))
    client.post(reverse("assessment:plan_action", args=[plan.pk, "publish"]),
                {"reason": "十月通报"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.versions.get().note == "十月通报"


def test_a_refused_step_explains_itself_and_changes_nothing(client, plan, province_admin):
    client.force_login(province_admin)
    answer = client.post(reverse("assessment:plan_action", args=[plan.pk, "publish"]),
                         follow=True)
    assert [m.level_tag for m in answer.context["messages"]] == ["error"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_reporters_see_no_workflow_buttons_and_cannot_post_them(client, plan, province_admin,
                                                                reporter):
    services.plan_open(actor=province_admin, plan=plan)
    client.force_login(reporter)
    assert f"assessment/{plan.pk}/score/" not in client.get(
        reverse("assessment:plan_detail", args=[plan.pk])).content.decode()
    assert client.post(reverse("assessment:plan_action", args=[plan.pk, "score"])
                       ).status_code == 403


def test_a_reporter_enters_and_submits_figures(client, plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    client.force_login(reporter)
    url = reverse("assessment:unit_values", args=[plan.pk, tree.county_a.pk])
    answer = client.post(url, {"v_A1": "98", "v_A2": "96", "c_A2": "第三方测评",
                               "v_B1": "1", "v_V1": "0", "submit": "1"})
    assert answer.status_code == 302
    submission = plan.submissions.get(unit=tree.county_a)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert plan.values.get(unit=tree.county_a, plan_indicator__indicator__code="A2"
                           ).comment == "第三方测评"


def test_bad_figures_are_shown_next_to_their_field(client, plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    client.force_login(reporter)
    url = reverse("assessment:unit_values", args=[plan.pk, tree.county_a.pk])
    answer = client.post(url, {"v_A1": "150", "v_A2": "96", "save": "1"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["v_A1"]
    assert not plan.values.exists()


def test_administrators_return_figures_with_a_reason(client, plan, province_admin, reporter,
                                                    tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=reporter, plan=plan, unit=tree.county_a, values=figures(90, 90))
    services.submission_submit(actor=reporter, plan=plan, unit=tree.county_a)
    client.force_login(province_admin)
    client.post(reverse("assessment:submission_review", args=[plan.pk, tree.county_a.pk]),
                {"approve": "0", "reason": "请补充佐证材料"})
    submission = plan.submissions.get(unit=tree.county_a)
    assert (submission.status, submission.return_reason) == ("returned", "请补充佐证材料")


def test_the_board_shows_groups_and_lists(client, plan, province_admin, reporter, tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(90, 96))
    services.plan_score(actor=province_admin, plan=plan)
    client.force_login(reporter)
    assert client.get(reverse("assessment:board", args=[plan.pk])).status_code == 404
    services.plan_publish(actor=province_admin, plan=plan)
    page = client.get(reverse("assessment:board", args=[plan.pk])).content.decode()
    assert page.index("东营区") < page.index("河口区")
    assert "list-red" in page and "list-black" in page


def test_the_board_query_count_does_not_grow_with_units(client, plan, province_admin, tree,
                                                        django_assert_max_num_queries):
    from tests.factories import UnitFactory

    for _ in range(30):
        UnitFactory(parent=tree.city2)
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    client.force_login(province_admin)
    with django_assert_max_num_queries(11):
        client.get(reverse("assessment:board", args=[plan.pk]))


def test_the_board_counts_its_lists_and_has_a_big_screen_layout(client, plan, province_admin,
                                                                 tree):
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(90, 96))
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    client.force_login(province_admin)
    url = reverse("assessment:board", args=[plan.pk])
    page = client.get(url).content.decode()
    summary = page[page.index('id="list-summary"'):page.index("</p>", page.index("list-summary"))]
    assert "红榜 1" in summary and "灰榜 0" in summary and "黑榜 1" in summary
    assert 'class="big-screen"' not in page
    screen = client.get(url, {"screen": "1"}).content.decode()
    assert 'class="big-screen"' in screen and "东营区" in screen


def test_a_board_of_many_results_shows_one_group_at_a_time(client, plan, province_admin, tree,
                                                           monkeypatch):
    from pacesetter.assessment import views
    from pacesetter.orgs.services import peer_groups_ensure

    groups = peer_groups_ensure(["市辖区", "县(市)"])
    tree.county_a.peer_groups.set([groups["市辖区"]])
    tree.county_b.peer_groups.set([groups["县(市)"]])
    services.plan_update(actor=province_admin, plan=plan, ranking_groups=["市辖区", "县(市)"])
    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    monkeypatch.setattr(views, "BOARD_ROWS", 1)
    client.force_login(province_admin)
    url = reverse("assessment:board", args=[plan.pk])
    first = client.get(url).content.decode()
    assert 'id="group-picker"' in first
    assert "东营区" not in first.split('id="group-picker"')[1].split("</form>")[1]
    chosen = client.get(url, {"group": "市辖区"}).content.decode().split("</form>")[-1]
    assert "东营区" in chosen and "河口区" not in chosen


def test_one_large_group_is_paged_and_a_bad_version_is_not_found(client, plan, province_admin,
                                                                 tree, monkeypatch, settings):
    from pacesetter.assessment import views

    services.plan_open(actor=province_admin, plan=plan)
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    monkeypatch.setattr(views, "BOARD_ROWS", 1)
    settings.PAGE_SIZE = 1
    client.force_login(province_admin)
    url = reverse("assessment:board", args=[plan.pk])
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    assert ["东营区" in p for p in pages] == [True, False]
    assert ["河口区" in p for p in pages] == [False, True]
    assert client.get(url, {"version": "abc"}).status_code == 404


def test_the_board_rolls_results_up_by_area_and_drills_down(client, plan, province_admin,
                                                            tree):
    from tests.factories import UnitFactory

    UnitFactory(code="371102", name="东港区", parent=tree.city2)
    services.plan_open(actor=province_admin, plan=plan)
    services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                         values=figures(90, 96))
    services.plan_score(actor=province_admin, plan=plan)
    services.plan_publish(actor=province_admin, plan=plan)
    client.force_login(province_admin)
    url = reverse("assessment:board", args=[plan.pk])
    page = client.get(url).content.decode()
    areas = page[page.index('id="areas"'):page.index("</section>", page.index('id="areas"'))]
    assert "东营市" in areas and "日照市" in areas
    assert "东营区" not in areas  # counties are the assessed units, not areas
    assert client.get(url, {"area": "99999999999999999999"}).status_code == 200
