"""Subscriptions, emitting events into the delivery ledger, and sending one delivery.

Emitting is one query for the subscriptions and one bulk insert per batch, inside the caller's
transaction: the deliveries exist exactly when the change they describe is committed. Sending
happens later, in a task, with no transaction open across the HTTP call.
"""

import http.client
import json
import logging
import secrets
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from core.publish import publish_on_commit
from programs.models import Institution
from webhooks.addresses import BlockedAddress, literal_host_error, public_address_of
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature

logger = logging.getLogger(__name__)

URL_SCHEME = "Use an http:// or https:// address."
NO_EVENTS = "Subscribe to at least one event."

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# Long enough for one HTTP call to finish; a claim older than this is presumed dead.
CLAIM_LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 5
SEND_BATCH_SIZE = 50
SEND_TASK = "webhooks.tasks.deliveries_send"
INSERT_BATCH_SIZE = 500
USER_AGENT = "Countersign-Webhooks/1"
RESPONSE_READ_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, for the subscribers of one institution."""

    institution_id: int
    name: str
    data: dict[str, Any]


# --- subscriptions ---------------------------------------------------------------------------


def subscription_create(
    *, institution: Institution, url: str, events: Sequence[str]
) -> WebhookSubscription:
    """Subscribe a URL. Returns the row with its secret (show it once). Raises ValidationError."""
    errors: dict[str, list[str]] = {}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        errors["url"] = [URL_SCHEME]
    elif (private := literal_host_error(parts.hostname)) is not None:
        errors["url"] = [private]
    chosen = sorted(set(events))
    if not chosen:
        errors["events"] = [NO_EVENTS]
    if errors:
        raise ValidationError(errors)
    subscription = WebhookSubscription(
        institution=institution,
        url=url,
        events=chosen,
        secret=f"whsec_{secrets.token_hex(32)}",
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def subscription_deactivate(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop deliveries to the URL; its pending ones fail when their turn comes. The row stays,
    with its delivery log. Idempotent."""
    WebhookSubscription.objects.filter(pk=subscription.pk, active=True).update(
        active=False, deactivated_at=timezone.now()
    )
    subscription.refresh_from_db()
    return subscription


# --- emitting --------------------------------------------------------------------------------


def subscribers(*, event: str, **where: Any) -> dict[int, list[int]]:
    """Active subscriptions to `event` matching the lookups `where`, by institution (one query).

    Events are filtered here rather than with a JSON containment lookup: an institution has a
    handful of subscriptions, and the query stays portable.
    """
    found: dict[int, list[int]] = {}
    rows = (
        WebhookSubscription.objects.filter(active=True, **where)
        .values_list("pk", "institution_id", "events")
        .distinct()
    )
    for pk, institution_id, events in rows:
        if event in events:
            found.setdefault(institution_id, []).append(pk)
    return found


def events_emit(*, events: Sequence[Event], subscriptions: dict[int, list[int]]) -> int:
    """Record one delivery per event and subscription (one bulk insert) and enqueue them after
    commit. `subscriptions` comes from `subscribers()`. Returns the number of deliveries."""
    now = timezone.now()
    rows = [
        WebhookDelivery(
            subscription_id=subscription_id,
            event=event.name,
            payload=event.data,
            next_attempt_at=now,
        )
        for event in events
        for subscription_id in subscriptions.get(event.institution_id, [])
    ]
    if not rows:
        return 0
    created = WebhookDelivery.objects.bulk_create(rows, batch_size=INSERT_BATCH_SIZE)
    enqueue_after_commit([row.pk for row in created])
    return len(created)


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    """Publish after the transaction commits, in batches. A dead broker is logged, never raised:
    the request that caused the event has succeeded, the rows stay pending and the sweep sends
    them."""
    batches = [
        (delivery_ids[start : start + SEND_BATCH_SIZE],)
        for start in range(0, len(delivery_ids), SEND_BATCH_SIZE)
    ]
    publish_on_commit(SEND_TASK, *batches, what="webhooks")


# --- sending ---------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked (webhooks.addresses), not to whatever the host name
    resolves to when the socket opens; the Host header still names the host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for https: the certificate is verified against the host name (SNI included)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def transport_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status code (a redirect is reported, not followed: it would replay the
    POST as a GET without its body). Raises BlockedAddress for a receiver on a private address,
    OSError (refused, timed out, unresolvable) when nothing came back. The one function tests
    replace with a fake."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(URL_SCHEME)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    address = public_address_of(parts.hostname, port)
    connection_class = _PinnedHTTPSConnection if secure else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address=address, timeout=TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_LIMIT)  # the answer's body is not used; don't wait for much
        return int(response.status)
    except http.client.HTTPException as error:
        raise OSError(f"malformed answer: {error!r}") from error
    finally:
        connection.close()


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour: after `attempts` failed tries."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def _retryable(status_code: int | None) -> bool:
    # No answer, a server error, a timeout or rate limit may recover; any other 4xx (or a
    # redirect) is the receiver telling us this will never work.
    return status_code is None or status_code >= 500 or status_code in (408, 429)


def delivery_claim(*, delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take a due pending delivery for one attempt, or None when someone else has it or it is
    not due. The conditional UPDATE is the lock: two workers cannot both claim a row."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def delivery_send(*, delivery_id: int) -> str:
    """One attempt at a delivery: "sent", "retry", "failed" or "not_claimed". Idempotent (the
    claim decides); never raises for the receiver's failures, which are recorded on the row."""
    now = timezone.now()
    delivery = delivery_claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return "not_claimed"
    subscription = delivery.subscription
    status_code: int | None = None
    error = ""
    if not subscription.active:
        error = "The subscription was deactivated."
        return _finish(delivery, DeliveryStatus.FAILED, None, error)
    body = delivery_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret=subscription.secret, timestamp=timestamp, body=body),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    # No transaction is open here: the claim is committed and the receiver may take seconds.
    try:
        status_code = transport_post(subscription.url, body, headers)
    except BlockedAddress as blocked:
        # Not a passing failure: retrying would only knock on the same private door again.
        return _finish(delivery, DeliveryStatus.FAILED, None, f"Refused: {blocked}")
    except (OSError, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    if status_code is not None and 200 <= status_code < 300:
        return _finish(delivery, DeliveryStatus.SENT, status_code, "")
    if status_code is not None:
        error = f"HTTP {status_code}"
    if _retryable(status_code) and delivery.attempts < MAX_ATTEMPTS:
        _record(
            delivery,
            status=DeliveryStatus.PENDING,
            last_status_code=status_code,
            last_error=error[:500],
            next_attempt_at=timezone.now() + backoff(delivery.attempts),
        )
        return "retry"
    return _finish(delivery, DeliveryStatus.FAILED, status_code, error)


def _finish(delivery: WebhookDelivery, status: str, status_code: int | None, error: str) -> str:
    _record(
        delivery,
        status=status,
        last_status_code=status_code,
        last_error=error[:500],
        sent_at=timezone.now() if status == DeliveryStatus.SENT else None,
    )
    return "sent" if status == DeliveryStatus.SENT else "failed"


def _record(delivery: WebhookDelivery, **fields: Any) -> None:
    # Only the holder of this claim writes the outcome: a row re-claimed after its lease ran out
    # has a higher attempt count.
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(**fields)


def deliveries_due_ids(*, limit: int = 5000) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
