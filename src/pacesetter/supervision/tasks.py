from pacesetter.celery import app
from pacesetter.supervision import services


@app.task(ignore_result=True)
def escalate_due() -> None:
    """Daily, from Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    services.escalate_due()
