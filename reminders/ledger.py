"""The delivery ledger: what is due is recorded once, and claimed once.

Guarantee: at most one e-mail per (recipient, kind, period). The unique key stops a second row;
the conditional claim (UPDATE ... WHERE status = 'pending') stops a second sender.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reminders.due import DueReminder
from reminders.models import Delivery, DeliveryStatus


def max_attempts() -> int:
    return int(getattr(settings, "REMINDERS_MAX_ATTEMPTS", 5))


def claim_lease() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REMINDERS_CLAIM_LEASE_SECONDS", 600)))


def deliveries_record(*, due: Iterable[DueReminder], batch: int = 500) -> int:
    """Insert ledger rows for due reminders; rows that exist already are left alone (the unique
    key decides). Idempotent. Returns how many rows are new."""
    created = 0
    rows: list[Delivery] = []

    def flush() -> int:
        if not rows:
            return 0
        keys = [(r.recipient_id, r.kind, r.period) for r in rows]
        before = _existing(keys)
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch)
        new = len(_existing(keys)) - len(before)
        rows.clear()
        return new

    for item in due:
        rows.append(
            Delivery(
                recipient_id=item.recipient_id,
                kind=item.kind,
                period=item.period,
                due_at=item.due_at,
                program_id=item.program_id,
                context=item.context,
            )
        )
        if len(rows) >= batch:
            created += flush()
    created += flush()
    return created


def _existing(keys: list[tuple[int, str, str]]) -> set[int]:
    wanted = set(keys)
    return {
        pk
        for pk, r, k, p in Delivery.objects.filter(
            recipient_id__in={k[0] for k in keys},
            kind__in={k[1] for k in keys},
            period__in={k[2] for k in keys},
        ).values_list("pk", "recipient_id", "kind", "period")
        if (r, k, p) in wanted
    }


def deliveries_due_ids(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Pending rows whose time has come, oldest first (a bounded batch)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deliveries_release_stale(*, older_than: timedelta | None = None) -> int:
    """Put claims whose worker died (claimed long ago, never finished) back to pending."""
    cutoff = timezone.now() - (older_than if older_than is not None else claim_lease())
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff).update(
        status=DeliveryStatus.PENDING
    )


def delivery_claim(*, delivery_id: int) -> Delivery | None:
    """Take one pending, due row for sending. Exactly one caller wins; the others get None."""
    claimed = deliveries_claim(delivery_ids=[delivery_id])
    return claimed[0] if claimed else None


def deliveries_claim(*, delivery_ids: list[int]) -> list[Delivery]:
    """Take the pending, due rows among `delivery_ids` for sending, in two queries whatever the
    batch size. Each row is won by exactly one caller: the rows are locked (rows another claimant
    holds are skipped, it will send them) and the UPDATE re-checks the status under the lock."""
    if not delivery_ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        won = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING, due_at__lte=now)
            .select_related("recipient", "program")
            .order_by("due_at", "id")
        )
        Delivery.objects.filter(pk__in=[d.pk for d in won], status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for delivery in won:
        delivery.status, delivery.claimed_at = DeliveryStatus.SENDING, now
        delivery.attempts += 1
    return won
