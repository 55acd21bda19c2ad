"""Writes: record what is due in the ledger, claim a delivery, send it, sweep the stale ones.

Guarantee: at most one e-mail per (recipient, kind, period). The unique key stops a second row;
the conditional claim (UPDATE ... WHERE status = 'pending') stops a second sender. Sending is
at-least-once beyond that: a lost broker message or a killed worker leaves the row pending (or
claimed, then released after a lease) and the next sweep sends it. The only window for a repeat
is a crash between the mail server accepting the message and our UPDATE to 'sent'; the repeat then
carries the same Message-ID, which mail clients use to collapse duplicates.
"""

import logging
import smtplib
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.units import format_amount
from reminders.config import base_url, program_rules
from reminders.models import Delivery, DeliveryStatus, Kind, PaceNotice, Unsubscribe
from reminders.schedule import zone
from reminders.selectors import (
    DueReminder,
    directors_of,
    due_cadence_miss,
    due_countersign,
    due_deadline,
    due_director_digest,
    due_log_week,
    pace_rows,
    timings_for,
    unsubscribed_ids,
    wants,
)
from reminders.tokens import unsubscribe_token
from trainees.models import Enrollment

logger = logging.getLogger(__name__)

AT_RISK = ("at_risk", "behind")
SEVERITY = {"at_risk": 1, "behind": 2}


def max_attempts() -> int:
    return int(getattr(settings, "REMINDERS_MAX_ATTEMPTS", 5))


def claim_lease() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REMINDERS_CLAIM_LEASE_SECONDS", 600)))


# --- the ledger ------------------------------------------------------------------------------


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


def pace_transitions_record(*, now: datetime, batch: int = 500) -> int:
    """Pace alerts on transitions into at risk / behind (and from at risk to behind), a stronger
    repeat when still behind after the program's repeat days, optional copies to directors.
    Remembers the last status told per enrollment and requirement. Idempotent."""
    ids = list(
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
        .order_by("id")
        .values_list("id", flat=True)
    )
    created = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            created += _pace_chunk(now=now, enrollment_ids=chunk)
    return created


def _pace_chunk(*, now: datetime, enrollment_ids: list[int]) -> int:
    rows = pace_rows(enrollment_ids)
    if not rows:
        return 0
    enrollments = Enrollment.objects.select_related("program", "trainee__user").in_bulk(
        {r.enrollment_id for r in rows}
    )
    notices = {
        (n.enrollment_id, n.requirement_key): n
        for n in PaceNotice.objects.select_for_update().filter(enrollment_id__in=enrollment_ids)
    }
    rules = program_rules(sorted({r.program_id for r in rows}))
    directors = directors_of(sorted({r.program_id for r in rows}))
    timings = timings_for([e.trainee.user for e in enrollments.values()])
    opted_out = unsubscribed_ids(
        Kind.PACE_ALERT, list(timings) + [d for ds in directors.values() for d in ds]
    )
    due: list[DueReminder] = []
    new_notices: list[PaceNotice] = []
    changed: list[PaceNotice] = []
    for row in rows:
        enrollment = enrollments[row.enrollment_id]
        today = now.astimezone(zone(enrollment.program.time_zone)).date()
        rule = rules[row.program_id]
        notice = notices.get((row.enrollment_id, row.key))
        previous = notice.last_status if notice else None
        stronger = False
        if row.status in AT_RISK and SEVERITY.get(row.status, 0) > SEVERITY.get(previous or "", 0):
            tell = True
        elif (
            row.status == "behind"
            and notice is not None
            and notice.notified_on is not None
            and notice.repeated_on is None
            and today >= notice.notified_on + timedelta(days=rule.pace_repeat_days)
        ):
            tell, stronger = True, True
        else:
            tell = False
        if notice is None:
            notice = PaceNotice(
                enrollment_id=row.enrollment_id, requirement_key=row.key, last_status=row.status
            )
            new_notices.append(notice)
        elif notice.last_status != row.status or tell:
            changed.append(notice)
        notice.last_status = row.status
        if row.status not in AT_RISK:
            notice.notified_on = notice.repeated_on = None
        if not tell or Kind.PACE_ALERT not in rule.enabled_kinds:
            continue
        if stronger:
            notice.repeated_on = today
        else:
            notice.notified_on, notice.repeated_on = today, None
        shortfall = max(row.expected_by_now - row.credited, 0)
        amount = format_amount(shortfall, row.unit)
        why = (
            f"Your {row.name} requirement in {enrollment.program.name} has been behind for "
            f"{rule.pace_repeat_days} days."
            if stronger
            else f"Your {row.name} requirement in {enrollment.program.name} moved to "
            f"{row.status.replace('_', ' ')}."
        )
        context: dict[str, object] = {
            "subject": (
                f"Still behind: {row.name}"
                if stronger
                else f"{row.name} is {row.status.replace('_', ' ')}"
            ),
            "why": why,
            "lines": [f"To get back on pace you need {amount} more than you have credited now."],
            "action_label": "See what is needed",
            "action_path": f"/enrollments/{enrollment.pk}/requirements/{row.key}/",
            "enrollment_id": enrollment.pk,
            "stronger": stronger,
        }
        period = f"e{enrollment.pk}:{row.key}:{row.status}:{today.isoformat()}" + (
            ":repeat" if stronger else ""
        )
        user = enrollment.trainee.user
        if user.pk not in opted_out and wants(timings[user.pk], Kind.PACE_ALERT):
            due.append(DueReminder(user.pk, Kind.PACE_ALERT, period, now, row.program_id, context))
        if rule.pace_copy_director:
            copy = dict(context, why=f"Copy for the director: {user} — {why}")
            for director_id in directors[row.program_id]:
                if director_id not in opted_out:
                    due.append(
                        DueReminder(director_id, Kind.PACE_ALERT, period, now, row.program_id, copy)
                    )
    PaceNotice.objects.bulk_create(new_notices)
    PaceNotice.objects.bulk_update(changed, ["last_status", "notified_on", "repeated_on"])
    return deliveries_record(due=due)


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


# --- claim and send --------------------------------------------------------------------------


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


class TemporaryFailure(Exception):
    """The mail server may accept later; the row is pending again."""


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    result: str  # sent | skipped | not_claimed | failed | retry
    error: str = ""


TEMPORARY_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    socket.timeout,
    ConnectionError,
)


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, TEMPORARY_ERRORS)


def delivery_send(*, delivery_id: int) -> Outcome:
    """Claim and send one delivery. Safe to call any number of times: only a pending row is sent.
    Raises TemporaryFailure (row released for a retry) on a transient SMTP error."""
    (outcome,) = deliveries_send(delivery_ids=[delivery_id])
    if outcome.result == "retry":
        raise TemporaryFailure(outcome.error)
    return outcome


def deliveries_send(*, delivery_ids: list[int]) -> list[Outcome]:
    """Claim and send a batch. Idempotent: only rows this call claims are sent. Never raises for
    a mail error: temporary ones come back as "retry" (row pending again), others as "failed".

    Queries: a constant number for the batch (claim, unsubscribes, skips) plus one UPDATE per
    message, right after the mail server accepted it. That per-message write is deliberate: it
    is what keeps a worker killed mid-batch from having its earlier messages sent again.
    """
    claimed = deliveries_claim(delivery_ids=delivery_ids)
    outcomes = {pk: Outcome(pk, "not_claimed") for pk in delivery_ids}
    if not claimed:
        return list(outcomes.values())
    opted_out = set(
        Unsubscribe.objects.filter(user_id__in={d.recipient_id for d in claimed}).values_list(
            "user_id", "kind"
        )
    )
    skipped = [d.pk for d in claimed if (d.recipient_id, d.kind) in opted_out]
    if skipped:
        Delivery.objects.filter(pk__in=skipped, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SKIPPED
        )
        outcomes.update({pk: Outcome(pk, "skipped") for pk in skipped})
    # The sweep takes back claims older than the lease; stop sending well before that, so a slow
    # mail server can never let a second worker send a row this one is about to send.
    stop_at = claimed[0].claimed_at + claim_lease() / 2 if claimed[0].claimed_at else None
    to_send = [d for d in claimed if d.pk not in skipped]
    for index, delivery in enumerate(to_send):
        if stop_at is not None and timezone.now() >= stop_at:
            rest = [d.pk for d in to_send[index:]]
            Delivery.objects.filter(pk__in=rest, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING
            )
            outcomes.update({pk: Outcome(pk, "not_claimed") for pk in rest})
            break
        outcomes[delivery.pk] = _send_one(delivery)
    return list(outcomes.values())


def _send_one(delivery: Delivery) -> Outcome:
    message = delivery_message(delivery)
    # No transaction is open here: the claim is committed, and the SMTP conversation must never
    # hold a database transaction (or its locks) open.
    try:
        message.send()
    except Exception as error:
        if _is_temporary(error) and delivery.attempts < max_attempts():
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING, last_error=f"temporary: {error}"[:2000]
            )
            return Outcome(delivery.pk, "retry", str(error))
        _finish(delivery, DeliveryStatus.FAILED, error=f"{type(error).__name__}: {error}")
        logger.warning("reminder %s failed permanently: %s", delivery.pk, error)
        return Outcome(delivery.pk, "failed", str(error))
    _finish(delivery, DeliveryStatus.SENT)
    return Outcome(delivery.pk, "sent")


def _finish(delivery: Delivery, status: str, error: str = "") -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status,
        sent_at=now if status == DeliveryStatus.SENT else None,
        last_error=error[:2000],
    )


def delivery_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The e-mail for a delivery: plain text and HTML, dates in the recipient's zone."""
    recipient = delivery.recipient
    root = base_url()
    token = unsubscribe_token(user_id=recipient.pk, kind=delivery.kind)
    unsubscribe_url = root + reverse("reminders:unsubscribe", args=[token])
    context = dict(delivery.context)
    tz = zone(recipient.time_zone)
    local_due = delivery.due_at.astimezone(tz)
    data = {
        **context,
        "recipient": recipient,
        "kind_label": Kind(delivery.kind).label,
        "action_url": root + str(context.get("action_path", "/")),
        "unsubscribe_url": unsubscribe_url,
        "local_due": local_due,
        "time_zone": str(tz),
    }
    subject = str(context.get("subject") or Kind(delivery.kind).label)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/email/reminder.txt", data),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            # The same Message-ID on any re-send lets mail clients collapse a crash-window repeat.
            "Message-ID": f"<reminder-{delivery.pk}@countersign>",
            "X-Countersign-Delivery": str(delivery.pk),
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("reminders/email/reminder.html", data), "text/html")
    return message


def unsubscribe(*, user_id: int, kind: str) -> bool:
    """Stop one kind for one person; the others stay on. Idempotent. True if newly unsubscribed."""
    _, created = Unsubscribe.objects.get_or_create(user_id=user_id, kind=kind)
    return created
