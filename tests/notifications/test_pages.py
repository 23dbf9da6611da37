"""The notifications page and the header badge: a user only ever sees their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacesetter.notifications import services
from pacesetter.notifications.models import Notification


@pytest.fixture
def two_inboxes(reporter, outsider):
    services.notify(recipients=[reporter], title="请报送东营区十月数据", url="/assessment/",
                    kind="test")
    services.notify(recipients=[reporter], title="东营区数据被退回", kind="test")
    services.notify(recipients=[outsider], title="河口区的私信", kind="test")
    return reporter, outsider


def test_the_list_shows_only_the_users_own_notifications(client, two_inboxes):
    # given
    reporter, _outsider = two_inboxes
    client.force_login(reporter)
    # when
    page = client.get(reverse("notifications:list")).content.decode()
    # then
    assert "请报送东营区十月数据" in page
    assert "东营区数据被退回" in page
    assert "河口区的私信" not in page


def test_the_header_shows_the_unread_count_with_one_query(client, two_inboxes):
    # given
    reporter, _outsider = two_inboxes
    client.force_login(reporter)
    # when
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    # then
    assert '<span class="badge">2</span>' in page
    assert sum("notifications_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_no_badge_when_everything_is_read(client, two_inboxes):
    reporter, _outsider = two_inboxes
    services.notifications_read_all(user=reporter)
    client.force_login(reporter)
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, two_inboxes):
    # given
    reporter, _outsider = two_inboxes
    notification = Notification.objects.get(title="请报送东营区十月数据")
    client.force_login(reporter)
    # when
    answer = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})
    # then
    assert answer.status_code == 302
    assert answer["Location"] == "/assessment/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, reporter):
    services.notify(recipients=[reporter], title="外链", url="https://evil.example/", kind="t")
    client.force_login(reporter)
    answer = client.post(reverse("notifications:read", args=[Notification.objects.get().pk]),
                         {"open": "1"})
    assert answer["Location"] == reverse("notifications:list")


def test_marking_all_read_leaves_other_users_alone(client, two_inboxes):
    # given
    reporter, outsider = two_inboxes
    client.force_login(reporter)
    # when
    client.post(reverse("notifications:read_all"))
    # then
    assert not Notification.objects.filter(recipient=reporter, read_at=None).exists()
    assert Notification.objects.get(recipient=outsider).read_at is None


def test_another_users_notification_is_404_and_stays_unread(client, two_inboxes):
    # given
    reporter, outsider = two_inboxes
    theirs = Notification.objects.get(recipient=outsider)
    client.force_login(reporter)
    # when
    answer = client.post(reverse("notifications:read", args=[theirs.pk]), {"open": "1"})
    # then
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post_and_a_login(client, two_inboxes):
    reporter, _outsider = two_inboxes
    mine = Notification.objects.filter(recipient=reporter).first()
    assert client.get(reverse("notifications:list")).status_code == 302
    client.force_login(reporter)
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_list_is_paginated(client, reporter, settings):
    settings.PAGE_SIZE = 2
    services.notify_each(services.Message(recipient_id=reporter.pk, title=f"第{i}条", kind="t")
                         for i in range(5))
    client.force_login(reporter)
    answer = client.get(reverse("notifications:list"), {"page": 3})
    assert answer.context["page_obj"].number == 3
    assert len(answer.context["page_obj"]) == 1
