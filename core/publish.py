"""Enqueueing Celery tasks after the transaction commits, with one policy for a dead broker.

The database already holds what must happen (a pending refresh request, a pending delivery row);
the message only makes it happen now. So a publish that fails is logged, never raised: the change
that asked for it has committed, and the feature's sweep picks the row up (docs/adr/0002). After a
refusal the broker is presumed down for BROKER_BACKOFF_SECONDS, process-wide: requests in that
window skip publishing instead of each paying the connection timeout again.

Publishing only after commit matters twice: a worker never looks for a row that is not yet
visible, and a rolled-back change sends nothing.

Tasks are named, not imported: a task module imports its services, so a service that imported its
task would close an import circle. Every app imports its own task module when Django starts (its
AppConfig.ready), so the name is always registered.
"""

import logging
import time
from collections.abc import Sequence
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_BACKOFF_SECONDS = 30.0
BROKER_DOWN = "%s: broker unavailable (%s); the sweep will retry"


class _BrokerState:
    # Monotonic time until which the broker is presumed down; 0 while it is presumed up.
    down_until = 0.0


broker_state = _BrokerState()


def publish_now(
    task_name: str, args: Sequence[Any], *, what: str, countdown: float | None = None
) -> bool:
    """Send one message now. True when the broker took it; False (logged) when it is down."""
    # An unknown name is a bug, not an outage: let NotRegistered raise.
    task = current_app.tasks[task_name]
    if time.monotonic() < broker_state.down_until:
        return False
    try:
        if countdown is None:
            task.apply_async(tuple(args))
        else:
            task.apply_async(tuple(args), countdown=countdown)
    except Exception as error:
        broker_state.down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(BROKER_DOWN, what, error)
        return False
    return True


def publish_on_commit(
    task_name: str, *batches: Sequence[Any], what: str, countdown: float | None = None
) -> None:
    """After the current transaction commits, send one message per argument list in `batches`
    (one per batch of row ids, say). Stops at the first refusal: the rest wait for the sweep."""
    if not batches:
        return

    def publish() -> None:
        for args in batches:
            if not publish_now(task_name, args, what=what, countdown=countdown):
                return

    transaction.on_commit(publish)
