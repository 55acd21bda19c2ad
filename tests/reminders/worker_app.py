"""The Celery app for test workers, with optional fault injection (never in production code).

REMINDERS_FAULT=no_claim  the claim ignores the status: what the ledger would be without it.
REMINDERS_FAULT=hang_at:N the N-th send hangs after its claim (a marker file says so), so the
                          test can SIGKILL the worker at a known point mid-batch.
Faults combine with commas: REMINDERS_FAULT=no_claim,hang_at:60.
REMINDERS_SEND_DELAY=S    sleep S seconds per send, to give a test time to act mid-run.
"""

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]

_patched = False


@task_prerun.connect
def _inject_faults(**_: Any) -> None:
    global _patched
    if _patched:
        return
    _patched = True
    from django.utils import timezone

    import reminders.services.sending as services
    from reminders.models import Delivery, DeliveryStatus

    faults = set(filter(None, os.environ.get("REMINDERS_FAULT", "").split(",")))
    delay = float(os.environ.get("REMINDERS_SEND_DELAY", "0"))
    if "no_claim" in faults:

        def claim_without_condition(*, delivery_ids: list[int]) -> list[Delivery]:
            Delivery.objects.filter(pk__in=delivery_ids).update(
                status=DeliveryStatus.SENDING, claimed_at=timezone.now()
            )
            return list(
                Delivery.objects.select_related("recipient", "program").filter(pk__in=delivery_ids)
            )

        services.deliveries_claim = claim_without_condition  # type: ignore[assignment]

    original_message = services.delivery_message
    calls = {"n": 0}
    hang_at = next((int(f.split(":")[1]) for f in faults if f.startswith("hang_at:")), 0)

    def message(delivery: Delivery) -> Any:
        calls["n"] += 1
        if delay:
            time.sleep(delay)
        if hang_at and calls["n"] == hang_at:
            Path(os.environ["REMINDERS_MARKER"]).write_text(str(delivery.pk))
            time.sleep(600)
        return original_message(delivery)

    services.delivery_message = message  # type: ignore[assignment]
