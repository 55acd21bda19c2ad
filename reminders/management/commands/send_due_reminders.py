"""One due-pass, synchronously, without a broker: for embedded mode (`make run`) and cron."""

from django.core.management.base import BaseCommand

from reminders.ledger import deliveries_due_ids, deliveries_release_stale
from reminders.services.planning import deliveries_plan
from reminders.services.sending import TemporaryFailure, delivery_send


class Command(BaseCommand):
    help = "Record the reminders due now and send every pending one in this process."

    def handle(self, *args: object, **options: object) -> None:
        created = deliveries_plan()
        released = deliveries_release_stale()
        results: dict[str, int] = {}
        seen: set[int] = set()
        # Bounded batches; a row that failed temporarily is pending again and is left for the
        # next run rather than retried in a tight loop.
        while ids := [i for i in deliveries_due_ids(limit=500) if i not in seen]:
            for delivery_id in ids:
                seen.add(delivery_id)
                try:
                    outcome = delivery_send(delivery_id=delivery_id).result
                except TemporaryFailure:
                    outcome = "retry later"
                results[outcome] = results.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(results.items())) or "nothing to send"
        self.stdout.write(f"{created} new reminder(s) recorded, {released} released; {summary}.")
