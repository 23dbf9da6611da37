"""Reading notifications: only one's own, newest first; the unread count is capped."""

import datetime

from django.utils import timezone

from pacesetter.notifications import selectors, services
from pacesetter.notifications.models import Notification, Reminder


def test_a_user_lists_only_their_own_notifications_newest_first(reporter, outsider):
    # given
    services.notify(recipients=[reporter], title="第一条", kind="test")
    services.notify(recipients=[outsider], title="别人的", kind="test")
    services.notify(recipients=[reporter], title="第二条", kind="test")
    Notification.objects.filter(title="第一条").update(
        created_at=timezone.now() - datetime.timedelta(hours=1))
    # when
    titles = [n.title for n in selectors.notification_list(user=reporter)]
    # then
    assert titles == ["第二条", "第一条"]


def test_unread_count_counts_the_users_own_unread(reporter, outsider):
    # given
    services.notify(recipients=[reporter, outsider], title="一", kind="test")
    services.notify(recipients=[reporter], title="二", kind="test")
    services.notify(recipients=[reporter], title="三", kind="test")
    services.notification_read(user=reporter,
                               notification_id=Notification.objects.get(
                                   recipient=reporter, title="三").pk)
    # then
    assert selectors.unread_count(user=reporter) == 2
    assert selectors.unread_count(user=outsider) == 1


def test_unread_count_stops_at_its_limit(reporter, django_assert_num_queries):
    # given
    services.notify_each(services.Message(recipient_id=reporter.pk, title=str(i), kind="test")
                         for i in range(7))
    # when / then
    with django_assert_num_queries(1):
        assert selectors.unread_count(user=reporter, limit=5) == 5


def test_reminders_last_and_reminded_since(tree, province_admin):
    # given: county A reminded two hours ago and now, county B two hours ago, about plan 1
    now = timezone.now()
    earlier = now - datetime.timedelta(hours=2)
    Reminder.objects.bulk_create([
        Reminder(topic="assessment.plan:1", unit=tree.county_a, sent_at=earlier),
        Reminder(topic="assessment.plan:1", unit=tree.county_a, sent_at=now),
        Reminder(topic="assessment.plan:1", unit=tree.county_b, sent_at=earlier),
        Reminder(topic="assessment.plan:2", unit=tree.county_b, sent_at=now),
    ])
    units = [tree.county_a.pk, tree.county_b.pk, tree.city1.pk]
    # then
    assert selectors.reminders_last(topic="assessment.plan:1", unit_ids=units) == {
        tree.county_a.pk: now, tree.county_b.pk: earlier}
    since = now - datetime.timedelta(hours=1)
    assert selectors.reminded_since(topic="assessment.plan:1", unit_ids=units,
                                    since=since) == {tree.county_a.pk}
    assert selectors.reminded_since(topic="assessment.plan:2", unit_ids=None,
                                    since=since) == {tree.county_b.pk}
