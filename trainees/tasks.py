from celery import shared_task

from trainees.services.compliance import snapshots_refresh_all as _refresh_all


@shared_task(name="trainees.tasks.snapshots_refresh_all", ignore_result=True)
def snapshots_refresh_all() -> int:
    """Nightly: pace statuses move with the calendar even when nobody logs. Idempotent."""
    return _refresh_all()
