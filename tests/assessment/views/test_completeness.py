"""The completeness page: counts, the roll-up per parent unit, filters, and reminders.

The plan assesses the three counties: A and B under city C1, and C under city C2.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.assessment import selectors, services
from pacesetter.assessment.models import SubmissionStatus
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied
from pacesetter.notifications.models import Notification, Reminder
from pacesetter.orgs.models import Role
from tests.assessment.conftest import figures
from tests.factories import UnitFactory, user_with_role


@pytest.fixture
def county_c(tree):
    return UnitFactory(code="371102", name="东港区", parent=tree.city2)


@pytest.fixture
def collecting(plan, province_admin, county_c, tree):
    """A submitted, B not started, C returned."""
    services.plan_open(actor=province_admin, plan=plan)
    for unit in (tree.county_a, county_c):
        services.values_save(actor=province_admin, plan=plan, unit=unit,
                             values=figures(90, 90))
        services.submission_submit(actor=province_admin, plan=plan, unit=unit)
    services.submission_review(actor=province_admin, plan=plan, unit=county_c, approve=False,
                               reason="缺佐证")
    return plan


@pytest.fixture
def people(tree, county_c, reporter, outsider):
    """Who holds which role: the reminders must reach exactly the right ones."""
    return {
        "reporter_a": reporter,
        "admin_b": outsider,
        "reporter_b": user_with_role(Role.REPORTER, tree.county_b, username="reporter_b"),
        "disabled_b": user_with_role(Role.REPORTER, tree.county_b, username="disabled_b",
                                     is_active=False),
        "reviewer_b": user_with_role(Role.REVIEWER, tree.county_b, username="reviewer_b"),
        "township_reporter": user_with_role(Role.REPORTER, tree.township_a1,
                                            username="township_reporter"),
        "reporter_c": user_with_role(Role.REPORTER, county_c, username="reporter_c"),
        "city_admin": user_with_role(Role.ORG_ADMIN, tree.city1, username="city_admin"),
    }


def _widen(plan, parent, count):
    """``count`` more assessed units under ``parent`` that have not submitted, each with a
    reporter."""
    units = [UnitFactory(code=f"{parent.code[:4]}{n:02d}9", parent=parent)
             for n in range(count)]
    for unit in units:
        user_with_role(Role.REPORTER, unit)
    plan.submissions.bulk_create([plan.submissions.model(plan=plan, unit=u) for u in units])


def _remind(client, plan, **data):
    return client.post(reverse("assessment:completeness_remind", args=[plan.pk]), data,
                       follow=True)


def _recipients():
    return set(Notification.objects.filter(kind="assessment.reminder")
               .values_list("recipient__username", flat=True))


class TestCounts:
    def test_counts_and_percentages_per_status(self, client, collecting, province_admin):
        client.force_login(province_admin)
        context = client.get(reverse("assessment:completeness",
                                     args=[collecting.pk])).context
        assert context["total"] == 3
        assert context["handed_in"] == 1
        assert context["handed_in_percent"] == 33.3
        assert {s["value"]: (s["count"], s["percent"]) for s in context["statuses"]} == {
            "draft": (1, 33.3), "submitted": (1, 33.3), "approved": (0, 0.0),
            "returned": (1, 33.3)}

    def test_the_roll_up_per_parent_is_one_grouped_query(self, collecting, province_admin,
                                                          tree, django_assert_num_queries):
        with django_assert_num_queries(1):
            rows = selectors.completeness_by_parent(actor=province_admin, plan=collecting)
        assert [(r["parent_name"], r["total"], r["draft"], r["submitted"], r["returned"])
                for r in rows] == [("东营市", 2, 1, 1, 0), ("日照市", 1, 0, 0, 1)]

    def test_the_page_shows_each_city_with_how_many_handed_in(self, client, collecting,
                                                              province_admin, tree):
        client.force_login(province_admin)
        rollup = client.get(reverse("assessment:completeness", args=[collecting.pk])
                            ).context["rollup"]
        assert [(r["parent_id"], r["handed_in"], r["total"], r["percent"]) for r in rollup] == [
            (tree.city1.pk, 1, 2, 50.0), (tree.city2.pk, 0, 1, 0.0)]

    def test_filters_by_status_and_parent(self, client, collecting, province_admin, tree,
                                          county_c):
        client.force_login(province_admin)
        url = reverse("assessment:completeness", args=[collecting.pk])

        def units(**query):
            return [s.unit.code for s in client.get(url, query).context["page_obj"]]

        assert units() == ["370502", "370503", "371102"]
        assert units(status="not_submitted") == ["370503", "371102"]
        assert units(status="returned") == ["371102"]
        assert units(parent=tree.city1.pk) == ["370502", "370503"]
        assert units(parent=tree.city1.pk, status="not_submitted") == ["370503"]
        assert units(parent="nonsense", status="nonsense") == ["370502", "370503", "371102"]

    def test_a_reporter_sees_only_their_own_unit(self, client, collecting, reporter, tree):
        client.force_login(reporter)
        answer = client.get(reverse("assessment:completeness", args=[collecting.pk]))
        assert answer.status_code == 200
        assert [s.unit_id for s in answer.context["page_obj"]] == [tree.county_a.pk]
        assert answer.context["total"] == 1
        assert [(r["parent_id"], r["total"]) for r in answer.context["rollup"]] == [
            (tree.city1.pk, 1)]
        assert not answer.context["can_remind"]
        assert 'id="remind-all"' not in answer.content.decode()

    def test_the_page_does_not_query_per_unit(self, client, collecting, province_admin, tree,
                                              django_assert_num_queries):
        # given: 23 units, all reminded
        _widen(collecting, tree.city1, 20)
        services.reminders_send(actor=province_admin, plan=collecting)
        client.force_login(province_admin)
        # when / then: session, user, grants, plan, counts, roll-up, page count, page rows,
        # reminders of the page, the header badge
        with django_assert_num_queries(10):
            answer = client.get(reverse("assessment:completeness", args=[collecting.pk]))
        assert len(answer.context["page_obj"]) == 23
        assert all(s.last_reminded for s in answer.context["page_obj"]
                   if s.status == SubmissionStatus.DRAFT)

    def test_the_plan_page_links_here(self, client, collecting, province_admin):
        client.force_login(province_admin)
        page = client.get(reverse("assessment:plan_detail", args=[collecting.pk])
                          ).content.decode()
        assert reverse("assessment:completeness", args=[collecting.pk]) in page


class TestReminders:
    def test_reminding_one_unit_reaches_its_reporters_and_admins_only(
            self, client, collecting, province_admin, people, tree):
        # given
        client.force_login(province_admin)
        # when
        answer = _remind(client, collecting, unit=tree.county_b.pk)
        # then
        assert _recipients() == {"outsider", "reporter_b"}
        note = Notification.objects.get(recipient=people["reporter_b"])
        assert note.url == reverse("assessment:unit_values",
                                   args=[collecting.pk, tree.county_b.pk])
        assert note.unit_path == tree.county_b.path
        assert "河口区" in note.body
        assert [m.level_tag for m in answer.context["messages"]] == ["success"]
        assert Reminder.objects.get().recipients == 2

    def test_remind_all_reaches_every_unit_that_has_not_submitted(
            self, client, collecting, province_admin, people):
        client.force_login(province_admin)
        _remind(client, collecting)
        assert _recipients() == {"outsider", "reporter_b", "reporter_c"}

    def test_a_submitted_unit_is_not_reminded(self, collecting, province_admin, people, tree):
        sent, skipped = services.reminders_send(actor=province_admin, plan=collecting,
                                                unit_ids=[tree.county_a.pk])
        assert (sent, skipped) == (0, 0)
        assert not Notification.objects.filter(kind="assessment.reminder").exists()

    def test_a_batch_is_audited_once(self, collecting, province_admin, people, tree, county_c):
        before = AuditEntry.objects.count()
        services.reminders_send(actor=province_admin, plan=collecting)
        entries = AuditEntry.objects.order_by("-pk")[: AuditEntry.objects.count() - before]
        assert len(entries) == 1
        assert entries[0].actor == province_admin
        assert entries[0].after["reminded"] == [tree.county_b.code, county_c.code]

    def test_a_unit_reminded_within_the_hour_is_skipped(self, client, collecting,
                                                        province_admin, people, tree):
        # given
        client.force_login(province_admin)
        _remind(client, collecting, unit=tree.county_b.pk)
        # when
        answer = _remind(client, collecting)
        # then: only C is reminded now; B is skipped and the message says so
        assert Notification.objects.filter(recipient=people["reporter_b"]).count() == 1
        assert Notification.objects.filter(recipient=people["reporter_c"]).count() == 1
        assert [m.level_tag for m in answer.context["messages"]] == ["success", "warning"]
        assert "1" in str(list(answer.context["messages"])[1])
        assert AuditEntry.objects.filter(after__has_key="reminded").count() == 2

    def test_after_an_hour_the_unit_may_be_reminded_again(self, collecting, province_admin,
                                                          people, tree):
        services.reminders_send(actor=province_admin, plan=collecting)
        Reminder.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=61))
        assert services.reminders_send(actor=province_admin, plan=collecting) == (2, 0)
        assert Notification.objects.filter(recipient=people["reporter_b"]).count() == 2

    def test_the_page_shows_when_a_unit_was_last_reminded(self, client, collecting,
                                                           province_admin, tree):
        services.reminders_send(actor=province_admin, plan=collecting,
                                unit_ids=[tree.county_b.pk])
        client.force_login(province_admin)
        rows = client.get(reverse("assessment:completeness", args=[collecting.pk])
                          ).context["page_obj"]
        reminded = {s.unit.code: s.last_reminded for s in rows}
        assert reminded["370503"] is not None
        assert reminded["370502"] is None

    def test_a_plan_not_collecting_cannot_remind(self, plan, province_admin):
        with pytest.raises(Conflict):
            services.reminders_send(actor=province_admin, plan=plan)

    def test_reminding_many_units_stays_a_handful_of_queries(
            self, collecting, province_admin, tree, people, django_assert_max_num_queries):
        # given: 30 more assessed counties that have not submitted, each with a reporter
        _widen(collecting, tree.city2, 30)
        # when / then: lock, pending units, throttle, role holders, notifications insert,
        # reminders insert, audit entry (and savepoints)
        with django_assert_max_num_queries(11):
            sent, _skipped = services.reminders_send(actor=province_admin, plan=collecting)
        assert sent == 32
        assert Notification.objects.filter(kind="assessment.reminder").count() == 33


class TestPermissions:
    def test_a_non_runner_cannot_remind(self, client, collecting, reporter, people):
        client.force_login(reporter)
        answer = client.post(reverse("assessment:completeness_remind", args=[collecting.pk]))
        assert answer.status_code == 403
        assert not Notification.objects.exists()
        assert not Reminder.objects.exists()
        with pytest.raises(PermissionDenied):
            services.reminders_send(actor=reporter, plan=collecting)

    def test_an_outsider_gets_404_and_nothing_changes(self, client, collecting, outsider,
                                                      people, county_admin, tree):
        # given: county A's own plan, which the admin of county B does not reach
        county_plan = services.plan_create(actor=county_admin, owner=tree.county_a,
                                           name="东营区考核", period=collecting.period)
        audit_before = AuditEntry.objects.count()
        client.force_login(outsider)
        # when
        pages = [client.get(reverse("assessment:completeness", args=[county_plan.pk])),
                 client.post(reverse("assessment:completeness_remind", args=[county_plan.pk])),
                 client.post(reverse("assessment:completeness_remind", args=[county_plan.pk]),
                             {"unit": tree.township_a1.pk})]
        # then
        assert [p.status_code for p in pages] == [404, 404, 404]
        assert not Notification.objects.exists()
        assert not Reminder.objects.exists()
        assert AuditEntry.objects.count() == audit_before

    def test_an_outsider_on_the_province_plan_sees_only_their_county_and_cannot_remind(
            self, client, collecting, outsider, tree):
        client.force_login(outsider)
        answer = client.get(reverse("assessment:completeness", args=[collecting.pk]))
        assert [s.unit_id for s in answer.context["page_obj"]] == [tree.county_b.pk]
        assert client.post(reverse("assessment:completeness_remind", args=[collecting.pk])
                           ).status_code == 403
        assert not Notification.objects.filter(kind="assessment.reminder").exists()

    def test_a_malformed_unit_is_404(self, client, collecting, province_admin):
        client.force_login(province_admin)
        answer = client.post(reverse("assessment:completeness_remind", args=[collecting.pk]),
                             {"unit": "x"})
        assert answer.status_code == 404
        assert not Reminder.objects.exists()


def test_the_fixture_state(collecting):
    """What the tests above start from: A submitted, B not started, C returned."""
    statuses = dict(collecting.submissions.values_list("unit__code", "status"))
    assert statuses == {"370502": SubmissionStatus.SUBMITTED, "370503": SubmissionStatus.DRAFT,
                        "371102": SubmissionStatus.RETURNED}
