"""Sending: signatures a receiver can check, retries with backoff, permanent failures, the sweep."""

import hashlib
import hmac
import json
import time
import urllib.error
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.webhooks.receiver import Receiver, serving
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import (
    BACKOFF_MAX_SECONDS,
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    Event,
    backoff,
    delivery_send,
    events_emit,
    subscribers,
    subscription_deactivate,
)
from webhooks.signing import signature, signature_valid
from webhooks.tasks import webhooks_sweep


def emit_one(subscription, data=None) -> WebhookDelivery:
    events_emit(
        events=[
            Event(
                institution_id=subscription.institution_id,
                name="enrollment.status_changed",
                data=data or {"enrollment": 1, "status": "completed"},
            )
        ],
        subscriptions=subscribers(
            event="enrollment.status_changed", institution_id=subscription.institution_id
        ),
    )
    return WebhookDelivery.objects.get()


@pytest.fixture
def receiver(settings):
    """A real HTTP server on 127.0.0.1 for the length of the test. It stands in for an
    institution's public receiver, so private addresses are allowed while it runs."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with serving() as server:
        yield server


def test_a_receiver_verifies_the_signature_with_the_secret(subscription, receiver):
    # given
    subscription.url = f"http://127.0.0.1:{receiver.server_port}/hook"
    subscription.save()
    delivery = emit_one(subscription)

    # when
    outcome = delivery_send(delivery_id=delivery.pk)

    # then
    assert outcome == "sent"
    [(headers, body)] = Receiver.received
    assert headers["Countersign-Event"] == "enrollment.status_changed"
    assert headers["Countersign-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json"
    assert signature_valid(
        secret=subscription.secret,
        header=headers["Countersign-Signature"],
        body=body,
        now=int(time.time()),
    )
    assert not signature_valid(
        secret="whsec_wrong",
        header=headers["Countersign-Signature"],
        body=body,
        now=int(time.time()),
    )
    assert json.loads(body) == {
        "id": delivery.pk,
        "event": "enrollment.status_changed",
        "created_at": delivery.created_at.isoformat(),
        "data": {"enrollment": 1, "status": "completed"},
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 1, 204)
    assert delivery.sent_at is not None


def test_a_real_receiver_answering_500_leaves_the_delivery_pending(subscription, receiver):
    subscription.url = f"http://127.0.0.1:{receiver.server_port}/hook"
    subscription.save()
    Receiver.answer = 500
    delivery = emit_one(subscription)

    assert delivery_send(delivery_id=delivery.pk) == "retry"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        "pending",
        500,
        "HTTP 500",
    )


def test_the_signature_is_an_hmac_of_timestamp_and_body():
    expected = hmac.new(b"whsec_test", b'1781524800.{"a":1}', hashlib.sha256).hexdigest()

    assert signature(secret="whsec_test", timestamp=1781524800, body=b'{"a":1}') == (
        f"t=1781524800,v1={expected}"
    )


@pytest.mark.parametrize(
    ("header", "now", "valid"),
    [
        ("t=1000,v1=GOOD", 1000, True),
        ("t=1000,v1=GOOD", 1300, True),
        ("t=1000,v1=GOOD", 1301, False),  # a stale replay
        ("t=1001,v1=GOOD", 1001, False),  # the timestamp is signed too
        ("v1=GOOD", 1000, False),
        ("t=abc,v1=GOOD", 1000, False),
    ],
)
def test_signature_verification(header, now, valid):
    good = signature(secret="s", timestamp=1000, body=b"{}").split("v1=")[1]
    assert signature_valid(
        secret="s", header=header.replace("GOOD", good), body=b"{}", now=now
    ) is (valid)


def test_server_errors_are_retried_with_exponential_backoff_until_the_bound(
    subscription, transport
):
    transport.outcomes = [503]
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as clock:
        delivery = emit_one(subscription)
        delays = []
        for attempt in range(1, MAX_ATTEMPTS):
            assert delivery_send(delivery_id=delivery.pk) == "retry"
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts) == ("pending", attempt)
            delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            # Not due yet: a second sender (or an early sweep) does nothing.
            assert delivery_send(delivery_id=delivery.pk) == "not_claimed"
            clock.move_to(delivery.next_attempt_at)

        assert delivery_send(delivery_id=delivery.pk) == "failed"

    assert delays == [30, 60, 120, 240, 480, 960, 1920]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "failed",
        MAX_ATTEMPTS,
        503,
    )
    assert delivery.last_error == "HTTP 503"
    assert delivery.sent_at is None
    assert len(transport.calls) == MAX_ATTEMPTS


def test_backoff_is_capped():
    assert backoff(20) == timedelta(seconds=BACKOFF_MAX_SECONDS)


def test_a_network_error_is_retried_and_recorded(subscription, transport):
    transport.outcomes = [urllib.error.URLError("connection refused"), 200]
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as clock:
        delivery = emit_one(subscription)
        assert delivery_send(delivery_id=delivery.pk) == "retry"
        delivery.refresh_from_db()
        assert delivery.last_status_code is None
        assert delivery.last_error == "URLError: <urlopen error connection refused>"
        clock.shift(30)
        assert delivery_send(delivery_id=delivery.pk) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 2, 200)


@pytest.mark.parametrize("code", [400, 401, 404, 410, 301])
def test_a_client_error_fails_permanently_at_once(subscription, transport, code):
    transport.outcomes = [code]
    delivery = emit_one(subscription)

    assert delivery_send(delivery_id=delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "failed",
        1,
        code,
    )
    assert delivery.last_error == f"HTTP {code}"
    # Failed is final: neither a task nor the sweep sends it again.
    assert delivery_send(delivery_id=delivery.pk) == "not_claimed"
    assert len(transport.calls) == 1


def test_a_delivery_is_sent_once_when_two_workers_get_it(subscription, transport):
    delivery = emit_one(subscription)

    assert [delivery_send(delivery_id=delivery.pk) for _ in range(2)] == ["sent", "not_claimed"]
    assert len(transport.calls) == 1


def test_a_deactivated_subscription_gets_nothing(subscription, transport):
    delivery = emit_one(subscription)
    subscription_deactivate(subscription=subscription)

    assert delivery_send(delivery_id=delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.last_error == "The subscription was deactivated."
    assert transport.calls == []


def test_the_sweep_sends_what_is_due_and_only_that(
    subscription, transport, django_capture_on_commit_callbacks
):
    # given: one due (its message was lost), one backing off, one whose worker died after the
    # claim and whose lease has run out, one claimed just now, one sent
    now = timezone.now()

    def row(**fields) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            subscription=subscription, event="session.verified", payload={}, **fields
        )

    due = row(next_attempt_at=now - timedelta(seconds=1))
    backing_off = row(next_attempt_at=now + timedelta(minutes=5), attempts=2)
    dead_claim = row(next_attempt_at=now - timedelta(seconds=1), attempts=1)
    live_claim = row(next_attempt_at=now + CLAIM_LEASE, attempts=1)
    sent = row(next_attempt_at=now, status=DeliveryStatus.SENT, sent_at=now, attempts=1)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        enqueued = webhooks_sweep()

    # then
    assert enqueued == 2
    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: "sent",
        backing_off.pk: "pending",
        dead_claim.pk: "sent",
        live_claim.pk: "pending",
        sent.pk: "sent",
    }
    assert sorted(int(headers["Countersign-Delivery"]) for _, _, headers in transport.calls) == [
        due.pk,
        dead_claim.pk,
    ]
