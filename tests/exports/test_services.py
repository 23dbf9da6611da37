"""A background export runs once, keeps its failures for its requester, and files its result."""

import io

import pytest
from django.utils import translation

from pacesetter.errors import NotFound
from pacesetter.exports import services
from pacesetter.exports.models import ExportJob
from pacesetter.notifications.models import Notification


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def writers(monkeypatch):
    """Test kinds: one that writes its rows, one that finds nothing, one that breaks."""
    calls = []

    def rows(job, progress):
        calls.append(job.pk)
        progress(job.rows_total)
        return io.BytesIO(b"rows " * job.rows_total)

    def gone(job, progress):
        raise NotFound("This plan no longer exists.")

    def broken(job, progress):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_WRITERS", {"test.rows": rows, "test.gone": gone,
                                               "test.broken": broken})
    return calls


def request(actor, kind, rows=3):
    return services.export_request(actor=actor, kind=kind, params={}, title="东营/10月 结果?",
                                   unit_path="/370000/", rows_total=rows)


def test_a_job_writes_its_file_once_even_if_delivered_twice(province_admin, writers,
                                                            media_root):
    job = request(province_admin, "test.rows")
    services.export_run(export_id=job.pk)
    services.export_run(export_id=job.pk)
    job.refresh_from_db()
    assert writers == [job.pk]
    assert (job.status, job.rows_done, job.size, job.percent) == ("done", 3, 15, 100)
    assert job.title == "东营-10月 结果-"
    with job.file.open("rb") as handle:
        assert handle.read() == b"rows rows rows "
    assert Notification.objects.filter(recipient=province_admin, kind="export.done").count() == 1


@pytest.mark.parametrize(("kind", "message"), [
    ("test.gone", "This plan no longer exists."),
    ("test.broken", "The export failed."),
])
def test_a_failure_is_kept_on_the_job_and_told_to_its_requester(province_admin, writers,
                                                                media_root, kind, message):
    with translation.override("en"):  # the job keeps the language it was asked for in
        job = request(province_admin, kind)
    services.export_run(export_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith(message)
    assert not job.file
    assert "disk full" not in job.error
    notice = Notification.objects.get(recipient=province_admin, kind="export.failed")
    assert notice.body == job.error


def test_a_kind_nobody_writes_is_refused(province_admin, writers):
    with pytest.raises(ValueError, match=r"test\.none"):
        request(province_admin, "test.none")
    assert not ExportJob.objects.exists()


def test_asking_again_for_a_running_export_is_the_same_job(province_admin, writers):
    first = request(province_admin, "test.rows")
    assert request(province_admin, "test.rows") == first
    assert ExportJob.objects.count() == 1


def test_a_job_stalled_for_half_an_hour_stops_polling_and_can_be_asked_for_again(
        province_admin, writers):
    import datetime

    from django.utils import timezone

    job = request(province_admin, "test.rows")
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(minutes=31))
    job.refresh_from_db()
    assert job.is_stalled and not job.is_active
    assert request(province_admin, "test.rows") != job


def test_a_broker_that_refuses_the_job_fails_it(province_admin, writers, monkeypatch,
                                                django_capture_on_commit_callbacks):
    from pacesetter.exports import tasks

    def refuse(export_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.export_run, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = request(province_admin, "test.rows")
    job.refresh_from_db()
    assert job.status == "failed" and "broker" not in job.error
