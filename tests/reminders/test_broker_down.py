"""Redis down: the request path never waits on the broker, and reminders stay due in the ledger.

Reminders never publish from the request path: they are derived from the database by beat's
passes, and enqueue_due (tasks and the command) logs a dead broker instead of raising. Snapshot
refreshes and webhooks publish after a change commits (core.publish); the first refusal is
logged, later publishes skip the broker for a while (it is presumed down), and every row stays
pending for its sweep.
"""

import logging
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.celery import app
from programs.models import ActivityCategory
from reminders.models import Delivery, DeliveryStatus, Kind
from reminders.tasks import enqueue_due
from tests.reminders.conftest import free_port
from trainees.models import SessionStatus
from trainees.services.countersign import session_countersign
from trainees.services.sessions import session_log
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription


@pytest.fixture
def dead_broker(monkeypatch):
    """Celery publishing for real (not eagerly) to a port nobody listens on."""
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "_pool", None)  # the next publish connects to the new URL
    # ...and so does the producer pool, which an earlier test's publish may have bound to the
    # test broker (it would quietly keep publishing there).
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    yield
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_a_session_is_logged_and_countersigned_while_the_broker_is_down(
    dead_broker,
    trainee,
    supervisor,
    program,
    frozen_today,
    client,
    caplog,
    django_capture_on_commit_callbacks,
):
    # given an institution subscribed to session.verified: countersigning publishes after commit
    subscription = WebhookSubscription.objects.create(
        institution=program.institution,
        url="https://records.example.org/hook",
        events=[WebhookEvent.SESSION_VERIFIED],
        secret="s",
    )
    started = time.monotonic()

    # when the trainee logs and submits a session and the supervisor countersigns it
    with (
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        session = session_log(
            trainee=trainee,
            actor=trainee.user,
            date=date(2026, 6, 12),
            duration_minutes=50,
            category=ActivityCategory.objects.get(key="client_individual"),
            submit=True,
        )
        session = session_countersign(session=session, supervisor=supervisor)
    client.force_login(trainee.user)
    assert client.get("/").status_code == 200

    # then both succeeded quickly; the first publish failed and was logged once, the later ones
    # (the webhook's among them) did not wait on the broker again, and the webhook stays due
    assert time.monotonic() - started < 5
    session.refresh_from_db()
    assert (session.status, session.verified_by) == (SessionStatus.VERIFIED, supervisor)
    assert len(callbacks) >= 2
    assert caplog.text.count("broker unavailable") == 1
    assert list(
        WebhookDelivery.objects.filter(subscription=subscription).values_list("event", "status")
    ) == [(WebhookEvent.SESSION_VERIFIED, "pending")]


@pytest.mark.django_db
def test_enqueueing_to_a_dead_broker_is_logged_and_the_row_stays_due(
    dead_broker, trainee, caplog, django_capture_on_commit_callbacks
):
    row = Delivery.objects.create(
        recipient=trainee.user,
        kind=Kind.LOG_WEEK,
        period="w1",
        due_at=timezone.now() - timedelta(minutes=1),
    )
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="reminders.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert enqueue_due() == 1

    assert time.monotonic() - started < 10
    assert "broker unavailable" in caplog.text
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)
