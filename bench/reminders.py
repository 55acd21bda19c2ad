"""Measurement hook for `make bench` figure (7): one weekly reminder run for every trainee.

Plans what is due at the most recent Saturday 12:00 UTC (by then every Friday 16:00 reminder,
in any zone from UTC-12 to UTC+14, is due) and sends it in REMINDERS_BATCH_SIZE batches to the
locmem e-mail backend. Everything happens in one transaction that is rolled back, so the run
leaves the ledger, the pace notices and the database as they were.
"""

import time
from datetime import UTC, datetime, timedelta

from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from reminders.config import batch_size
from reminders.ledger import deliveries_due_ids
from reminders.services.planning import deliveries_plan
from reminders.services.sending import deliveries_send
from trainees.models import Enrollment


def last_saturday_noon(now: datetime) -> datetime:
    moment = now.astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    moment -= timedelta(days=(moment.weekday() - 5) % 7)
    return moment if moment <= now else moment - timedelta(days=7)


def run_reminder_benchmark() -> dict[str, float | int]:
    """Time one planning + sending run over the current database; changes nothing.

    Returns wall_seconds (plan + send), plan_seconds, send_seconds, trainees (active
    enrollments), messages (e-mails sent), batches, planning_queries, and
    queries_per_batch (the largest send batch, less its one status write per message).
    """
    now = last_saturday_noon(timezone.now())
    size = batch_size()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        with transaction.atomic():
            trainees = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as planning:
                deliveries_plan(now=now)
            planned = time.perf_counter()
            ids = deliveries_due_ids(now=now, limit=10**9)
            messages, batches, per_batch = 0, 0, 0
            for start in range(0, len(ids), size):
                with CaptureQueriesContext(connection) as sending:
                    outcomes = deliveries_send(delivery_ids=ids[start : start + size])
                sent = sum(o.result == "sent" for o in outcomes)
                messages += sent
                batches += 1
                per_batch = max(per_batch, len(sending) - sent)
            finished = time.perf_counter()
            transaction.set_rollback(True)
        mail.outbox = []
    return {
        "wall_seconds": round(finished - started, 3),
        "plan_seconds": round(planned - started, 3),
        "send_seconds": round(finished - planned, 3),
        "trainees": trainees,
        "messages": messages,
        "batches": batches,
        "planning_queries": len(planning),
        "queries_per_batch": per_batch,
    }
