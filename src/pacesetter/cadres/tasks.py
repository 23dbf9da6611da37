import datetime

from django.utils import timezone

from pacesetter.cadres import services
from pacesetter.celery import app

#: How far back each scheduled run looks: several runs a day overlap, so nothing recorded
#: while one was down is missed, and the entries are never doubled (one per origin).
LOOK_BACK = datetime.timedelta(days=2)


@app.task(ignore_result=True)
def lists_collect() -> None:
    """Every ten minutes, from Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    services.lists_collect(since=timezone.localdate() - LOOK_BACK)
