from celery import shared_task

from core.publish import publish_now
from trainees.services import compliance
from trainees.services.compliance import pending_snapshots_refresh, pending_snapshots_sweep
from trainees.services.compliance import snapshots_refresh_all as _refresh_all
from trainees.services.trends import weekly_statuses_record as _weekly_statuses_record


@shared_task(name="trainees.tasks.snapshots_refresh_all", ignore_result=True)
def snapshots_refresh_all() -> int:
    """Nightly: pace statuses move with the calendar even when nobody logs. Idempotent."""
    return _refresh_all()


@shared_task(name="trainees.tasks.weekly_statuses_record", ignore_result=True)
def weekly_statuses_record() -> int:
    """Nightly, after the snapshot refresh: this week's status row per enrollment, for the cohort
    trend chart. Idempotent (an upsert per enrollment and week)."""
    return _weekly_statuses_record()


@shared_task(name="trainees.tasks.trainee_snapshots_refresh_pending", ignore_result=True)
def trainee_snapshots_refresh_pending(trainee_id: int) -> bool:
    """After a change to a trainee's sessions. Idempotent: nothing pending, nothing done.

    If the trainee changed something while this computed, the request has moved: rather than go
    round again at once (and recompute on every keystroke of a busy trainee), hand over to a
    fresh task after the same delay, so a steady stream of changes costs one recompute per delay.
    """
    if pending_snapshots_refresh(trainee_id=trainee_id, rounds=1):
        return True
    # A refusal leaves the request row pending: the sweep refreshes it.
    publish_now(
        compliance.REFRESH_TASK,
        (trainee_id,),
        what="snapshots",
        countdown=compliance.REFRESH_DELAY_SECONDS,
    )
    return False


@shared_task(name="trainees.tasks.snapshots_pending_sweep", ignore_result=True)
def snapshots_pending_sweep() -> int:
    """Every minute: refreshes whose task was lost (dead broker, killed worker). Idempotent."""
    return pending_snapshots_sweep()
