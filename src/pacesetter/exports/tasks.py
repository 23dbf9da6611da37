from pacesetter.celery import app
from pacesetter.exports import services


@app.task(ignore_result=True)
def export_run(export_id: int) -> None:
    services.export_run(export_id=export_id)
