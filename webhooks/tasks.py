"""Thin tasks: take ids, call a service. Both are safe to run twice (the claim decides).

Retries are not Celery retries: a failed attempt leaves the row pending with a later
`next_attempt_at` (exponential backoff, bounded attempts) and the sweep, every minute, sends
whatever is due. A lost message or a killed worker is therefore only a delay.
"""

import logging

from celery import shared_task

from webhooks.services import deliveries_due_ids, delivery_send, enqueue_after_commit

logger = logging.getLogger(__name__)


@shared_task(name="webhooks.tasks.deliveries_send", ignore_result=True)
def deliveries_send(delivery_ids: list[int]) -> int:
    """Attempt each delivery that is due and pending. Returns how many were sent."""
    return sum(delivery_send(delivery_id=pk) == "sent" for pk in delivery_ids)


@shared_task(name="webhooks.tasks.webhooks_sweep", ignore_result=True)
def webhooks_sweep() -> int:
    """Enqueue every due pending delivery: first sends whose message was lost, backoff retries,
    and claims whose worker died (their lease has passed). Returns how many were enqueued."""
    ids = deliveries_due_ids()
    enqueue_after_commit(ids)
    return len(ids)
