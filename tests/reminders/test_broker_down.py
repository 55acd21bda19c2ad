"""Redis down: the request path never waits on the broker, and reminders stay due in the ledger.

Nothing on the request path enqueues to Celery (sessions, countersigning and pages only write
the database; reminders are derived from it by beat's passes). The only publisher, enqueue_due,
runs in tasks and the command after commit, and logs a dead broker instead of raising.
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
from trainees.services.sessions import session_countersign, session_log


@pytest.fixture
def dead_broker(monkeypatch):
    """Celery publishing for real (not eagerly) to a port nobody listens on."""
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "_pool", None)  # the next publish connects to the new URL
    yield
    app._pool = None


@pytest.mark.django_db
def test_a_session_is_logged_and_countersigned_while_the_broker_is_down(
    dead_broker, trainee, supervisor, frozen_today, client
):
    started = time.monotonic()
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

    session.refresh_from_db()
    assert (session.status, session.verified_by) == (SessionStatus.VERIFIED, supervisor)
    assert time.monotonic() - started < 5


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
