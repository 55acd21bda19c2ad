"""Sending a claimed delivery, and unsubscribing from a kind.

Sending is at-least-once beyond the ledger's claim: a lost broker message or a killed worker
leaves the row pending (or claimed, then released after a lease) and the next sweep sends it.
The only window for a repeat is a crash between the mail server accepting the message and our
UPDATE to 'sent'; the repeat then carries the same Message-ID, which mail clients use to
collapse duplicates.
"""

import logging
import smtplib
import socket
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.timezones import zone
from reminders.ledger import claim_lease, deliveries_claim, max_attempts
from reminders.models import Delivery, DeliveryStatus, Kind, Unsubscribe
from reminders.tokens import unsubscribe_token

logger = logging.getLogger(__name__)


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
    token = unsubscribe_token(user_id=recipient.pk, kind=delivery.kind)
    unsubscribe_url = absolute_url(reverse("reminders:unsubscribe", args=[token]))
    context = dict(delivery.context)
    tz = zone(recipient.time_zone)
    local_due = delivery.due_at.astimezone(tz)
    data = {
        **context,
        "recipient": recipient,
        "kind_label": Kind(delivery.kind).label,
        "action_url": absolute_url(str(context.get("action_path", "/"))),
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
