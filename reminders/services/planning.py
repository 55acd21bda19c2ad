"""Planning: every kind's due reminders recorded in the ledger, one pass."""

from datetime import datetime

from django.utils import timezone

from reminders.kinds.cadence_miss import due_cadence_miss
from reminders.kinds.countersign import due_countersign
from reminders.kinds.deadline import due_deadline
from reminders.kinds.director_digest import due_director_digest
from reminders.kinds.log_week import due_log_week
from reminders.kinds.pace import pace_transitions_record
from reminders.ledger import deliveries_record


def deliveries_plan(*, now: datetime | None = None) -> int:
    """Record every reminder due now in the ledger. Idempotent: a second pass for the same period
    records nothing new. Returns the number of new ledger rows."""
    now = now or timezone.now()
    created = 0
    created += deliveries_record(due=due_log_week(now=now))
    created += pace_transitions_record(now=now)
    created += deliveries_record(due=due_cadence_miss(now=now))
    created += deliveries_record(due=due_countersign(now=now))
    created += deliveries_record(due=due_deadline(now=now))
    created += deliveries_record(due=due_director_digest(now=now))
    return created
