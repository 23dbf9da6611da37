"""Writing notifications: in bulk, each user once, read by their recipient only, and emailed
after commit only when a mail server is configured."""

import smtplib

import pytest
from django.core import mail
from django.db import transaction

from pacesetter.errors import NotFound
from pacesetter.notifications import services
from pacesetter.notifications.models import Notification, Reminder
from pacesetter.notifications.services import Message
from tests.factories import UserFactory


def test_notify_writes_one_notification_per_recipient(tree, reporter, county_admin):
    # when
    written = services.notify(recipients=[reporter, county_admin.pk, reporter],
                              title="请报送十月数据", body="东营区尚未报送", url="/assessment/1/",
                              kind="assessment.reminder", unit_path=tree.county_a.path)
    # then
    assert written == 2
    rows = Notification.objects.order_by("recipient__username")
    assert [r.recipient for r in rows] == [county_admin, reporter]
    assert {(r.title, r.body, r.url, r.kind, r.unit_path, r.read_at) for r in rows} == {
        ("请报送十月数据", "东营区尚未报送", "/assessment/1/", "assessment.reminder",
         tree.county_a.path, None)}


def test_notify_each_is_one_insert_however_many_recipients(db, django_assert_max_num_queries):
    # given
    users = UserFactory.create_batch(60)
    # when
    # savepoint, insert, release (PostgreSQL's COPY is not among the counted queries)
    with django_assert_max_num_queries(3):
        services.notify_each(Message(recipient_id=u.pk, title=f"消息{u.pk}", kind="test")
                             for u in users)
    # then
    assert Notification.objects.count() == 60


def test_no_email_is_sent_without_a_mail_server(settings, reporter,
                                                django_capture_on_commit_callbacks):
    # given
    settings.EMAIL_HOST = ""
    reporter.email = "tianbao@example.cn"
    reporter.save()
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(recipients=[reporter], title="提醒", kind="test")
    # then
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_with_a_mail_server_recipients_with_an_address_are_emailed_after_commit(
        settings, tree, reporter, county_admin, django_capture_on_commit_callbacks):
    # given: the reporter has an address, the county admin has none, a disabled user has one
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.DEFAULT_FROM_EMAIL = "pacesetter@example.cn"
    reporter.email = "tianbao@example.cn"
    reporter.save()
    gone = UserFactory(email="gone@example.cn", is_active=False)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[reporter, county_admin, gone], title="请报送\n十月数据",
                        body="东营区尚未报送", url="/assessment/1/", kind="test")
        # then: nothing leaves before the commit
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["tianbao@example.cn"]]
    message = mail.outbox[0]
    assert message.subject == "请报送 十月数据"
    assert message.from_email == "pacesetter@example.cn"
    assert "东营区尚未报送" in message.body
    assert "/assessment/1/" in message.body


def test_a_rolled_back_notification_sends_no_email(settings, reporter):
    # given
    settings.EMAIL_HOST = "smtp.example.cn"
    reporter.email = "tianbao@example.cn"
    reporter.save()
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[reporter], title="提醒", kind="test")
        raise RuntimeError("the change failed")
    # then
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_failing_mail_server_is_logged_not_raised(settings, reporter, monkeypatch, caplog,
                                                    django_capture_on_commit_callbacks):
    # given
    settings.EMAIL_HOST = "smtp.example.cn"
    reporter.email = "tianbao@example.cn"
    reporter.save()

    class Refusing:
        def send_messages(self, messages):
            raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr(services.mail, "get_connection", lambda: Refusing())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[reporter], title="提醒", kind="test")
    # then
    assert Notification.objects.filter(recipient=reporter).count() == 1
    assert "sending 1 notification emails failed" in caplog.text


def test_a_user_marks_their_own_notification_read(reporter):
    # given
    services.notify(recipients=[reporter], title="提醒", kind="test")
    notification = Notification.objects.get()
    # when
    services.notification_read(user=reporter, notification_id=notification.pk)
    # then
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_not_found_and_stays_unread(reporter, outsider):
    # given
    services.notify(recipients=[reporter], title="提醒", kind="test")
    notification = Notification.objects.get()
    # when / then
    with pytest.raises(NotFound):
        services.notification_read(user=outsider, notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("bad_id", ["abc", "0", str(2**70)])
def test_a_malformed_id_is_not_found(reporter, bad_id):
    with pytest.raises(NotFound):
        services.notification_read(user=reporter, notification_id=bad_id)


def test_mark_all_read_touches_only_the_users_own(reporter, outsider):
    # given
    services.notify(recipients=[reporter, outsider], title="提醒", kind="test")
    services.notify(recipients=[reporter], title="又一条", kind="test")
    # when
    marked = services.notifications_read_all(user=reporter)
    # then
    assert marked == 2
    assert not Notification.objects.filter(recipient=reporter, read_at=None).exists()
    assert Notification.objects.get(recipient=outsider).read_at is None


def test_reminders_are_recorded_per_unit(tree, province_admin):
    # when
    services.reminders_record(actor=province_admin, topic="assessment.plan:1",
                              recipients_by_unit={tree.county_a.pk: 2, tree.county_b.pk: 0})
    # then
    assert set(Reminder.objects.values_list("topic", "unit_id", "recipients", "sent_by")) == {
        ("assessment.plan:1", tree.county_a.pk, 2, province_admin.pk),
        ("assessment.plan:1", tree.county_b.pk, 0, province_admin.pk)}
