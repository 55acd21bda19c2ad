"""Thin tasks: take ids, call a service. Every one is safe to run twice.

Beat fires `reminders_due_pass` (plan + enqueue) and `reminders_sweep` (release dead claims +
enqueue whatever is still pending); sends go out in batches of REMINDERS_BATCH_SIZE ids.
"""

import logging

from celery import shared_task

from core.publish import publish_on_commit
from reminders.config import batch_size
from reminders.ledger import deliveries_due_ids, deliveries_release_stale
from reminders.services.planning import deliveries_plan
from reminders.services.sending import TemporaryFailure, deliveries_send

logger = logging.getLogger(__name__)

SEND_TASK = "reminders.tasks.deliveries_send_batch"


@shared_task(
    name="reminders.tasks.deliveries_send_batch",
    ignore_result=True,
    autoretry_for=(TemporaryFailure,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def deliveries_send_batch(delivery_ids: list[int]) -> int:
    """Send each delivery that is still pending. Idempotent (claims decide). Returns sends."""
    outcomes = deliveries_send(delivery_ids=delivery_ids)
    retry = [o for o in outcomes if o.result == "retry"]
    if retry:
        # The rest of the batch went out; the retry only re-sends what is still pending.
        raise TemporaryFailure(retry[0].error)
    return sum(o.result == "sent" for o in outcomes)


def enqueue_due() -> int:
    """Enqueue pending, due deliveries in batches after the current transaction commits. A dead
    broker is logged, not raised: the rows stay pending and the next sweep tries again."""
    ids = deliveries_due_ids()
    size = batch_size()
    batches = [(ids[i : i + size],) for i in range(0, len(ids), size)]
    publish_on_commit(SEND_TASK, *batches, what="reminders")
    return len(ids)


@shared_task(name="reminders.tasks.reminders_due_pass", ignore_result=True)
def reminders_due_pass() -> int:
    """Record what is due now and enqueue it. Idempotent: two passes for one period send once."""
    deliveries_plan()
    return enqueue_due()


@shared_task(name="reminders.tasks.reminders_sweep", ignore_result=True)
def reminders_sweep() -> int:
    """Re-enqueue due deliveries that never went out (lost messages, killed workers)."""
    released = deliveries_release_stale()
    if released:
        logger.info("reminders: released %s stale claims", released)
    return enqueue_due()
