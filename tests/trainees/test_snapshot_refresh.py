"""After a change to sessions, snapshots are recomputed by a worker, coalesced and never lost.

The request that logs a session records a `SnapshotRefreshRequest` and enqueues one task on
commit; the task recomputes and clears the request unless a newer change arrived meanwhile; the
sweep catches requests whose task was lost; the trainee's own pages settle a pending request
before showing figures. Rules: tests.factories.SIMPLE_DEFINITION (client_contact counts
countersigned client work; therapy_sessions counts submitted personal therapy).
"""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from programs.models import ActivityCategory
from trainees import tasks
from trainees.models import ComplianceSnapshot, RequirementStatus, SnapshotRefreshRequest
from trainees.services import compliance
from trainees.services.compliance import (
    pending_snapshots_refresh,
    pending_snapshots_sweep,
    trainee_snapshots_current,
)
from trainees.services.sessions import session_log, session_submit

pytestmark = pytest.mark.usefixtures("frozen_today")

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def therapy(trainee, **overrides):
    values = {
        "trainee": trainee,
        "actor": trainee.user,
        "date": date(2026, 6, 1),
        "duration_minutes": 50,
        "category": ActivityCategory.objects.get(key="personal_therapy"),
        "submit": True,
    }
    values.update(overrides)
    return session_log(**values)


def publisher(sent):
    """Stands in for the broker: records (trainee, countdown) for each task published."""

    def apply_async(args, countdown):
        sent.append((args[0], countdown))

    return apply_async


def credited(enrollment, key="therapy_sessions") -> int:
    return RequirementStatus.objects.get(enrollment=enrollment, key=key).credited


@pytest.fixture
def refreshed(enrollment):
    """The enrollment with a current snapshot and nothing pending."""
    compliance.snapshots_refresh(enrollments=[enrollment])
    return enrollment


def test_logging_records_a_request_and_enqueues_one_task_on_commit(
    trainee, refreshed, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.trainee_snapshots_refresh_pending, "apply_async", publisher(sent))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        therapy(trainee)

    # the request did not recompute: the snapshot still counts nothing
    assert credited(refreshed) == 0
    assert list(SnapshotRefreshRequest.objects.values_list("trainee_id", "requested_at")) == [
        (trainee.pk, NOW)
    ]
    assert (len(callbacks), sent) == (1, [(trainee.pk, compliance.REFRESH_DELAY_SECONDS)])


def test_a_burst_of_changes_enqueues_once_and_moves_the_request(
    trainee, refreshed, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.trainee_snapshots_refresh_pending, "apply_async", publisher(sent))
    with django_capture_on_commit_callbacks(execute=True):
        first = therapy(trainee, submit=False)

    with (
        time_machine.travel(NOW + timedelta(seconds=5), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        session_submit(session=first, actor=trainee.user)
        therapy(trainee, date=date(2026, 6, 8))

    assert (len(callbacks), sent) == (0, [(trainee.pk, compliance.REFRESH_DELAY_SECONDS)])
    assert SnapshotRefreshRequest.objects.get().requested_at == NOW + timedelta(seconds=5)


def test_the_task_recomputes_and_clears_the_request(trainee, refreshed):
    therapy(trainee)
    therapy(trainee, date=date(2026, 6, 8))

    assert tasks.trainee_snapshots_refresh_pending(trainee.pk) is True

    assert credited(refreshed) == 2
    assert not SnapshotRefreshRequest.objects.exists()
    # idempotent: nothing pending, nothing recomputed
    computed_at = ComplianceSnapshot.objects.get(enrollment=refreshed).computed_at
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert tasks.trainee_snapshots_refresh_pending(trainee.pk) is True
    assert ComplianceSnapshot.objects.get(enrollment=refreshed).computed_at == computed_at


def test_a_change_during_the_recompute_keeps_the_request_and_goes_round_again(
    trainee, refreshed, monkeypatch
):
    therapy(trainee)
    original = compliance.trainee_snapshots_refresh
    calls: list[int] = []

    def refresh_while_someone_logs(*, trainee_id):
        calls.append(trainee_id)
        if len(calls) == 1:
            # another request commits a change after this worker read the request
            SnapshotRefreshRequest.objects.filter(trainee_id=trainee_id).update(
                requested_at=NOW + timedelta(seconds=1)
            )
        return original(trainee_id=trainee_id)

    monkeypatch.setattr(compliance, "trainee_snapshots_refresh", refresh_while_someone_logs)

    assert pending_snapshots_refresh(trainee_id=trainee.pk) is True

    assert calls == [trainee.pk, trainee.pk]
    assert not SnapshotRefreshRequest.objects.exists()


def test_the_task_overtaken_by_a_change_hands_over_to_a_later_task(trainee, refreshed, monkeypatch):
    therapy(trainee)
    original = compliance.trainee_snapshots_refresh

    def overtaken(*, trainee_id):
        SnapshotRefreshRequest.objects.filter(trainee_id=trainee_id).update(
            requested_at=NOW + timedelta(seconds=1)
        )
        return original(trainee_id=trainee_id)

    monkeypatch.setattr(compliance, "trainee_snapshots_refresh", overtaken)
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.trainee_snapshots_refresh_pending, "apply_async", publisher(sent))

    assert tasks.trainee_snapshots_refresh_pending(trainee.pk) is False

    # one recompute, then a fresh task after the delay rather than a busy loop
    assert sent == [(trainee.pk, compliance.REFRESH_DELAY_SECONDS)]
    assert SnapshotRefreshRequest.objects.get().requested_at == NOW + timedelta(seconds=1)


def test_a_request_that_keeps_moving_is_left_for_the_sweep(trainee, refreshed, monkeypatch):
    therapy(trainee)
    original = compliance.trainee_snapshots_refresh
    moves = iter(range(1, 10))

    def always_overtaken(*, trainee_id):
        SnapshotRefreshRequest.objects.filter(trainee_id=trainee_id).update(
            requested_at=NOW + timedelta(seconds=next(moves))
        )
        return original(trainee_id=trainee_id)

    monkeypatch.setattr(compliance, "trainee_snapshots_refresh", always_overtaken)

    assert pending_snapshots_refresh(trainee_id=trainee.pk, rounds=3) is False
    assert SnapshotRefreshRequest.objects.get().requested_at == NOW + timedelta(seconds=3)


def test_a_dead_broker_fails_nothing_backs_off_and_the_sweep_catches_up(
    trainee, other_trainee, refreshed, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    attempts: list[int] = []

    def refuse(args, countdown):
        attempts.append(args[0])
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.trainee_snapshots_refresh_pending, "apply_async", refuse)
    caplog.set_level(logging.WARNING, logger="core.publish")

    with django_capture_on_commit_callbacks(execute=True):
        session = therapy(trainee)
    # a second trainee's change within the back-off does not try the broker again
    with django_capture_on_commit_callbacks(execute=True):
        therapy(other_trainee)

    assert session.pk is not None
    assert attempts == [trainee.pk]
    assert [r.getMessage() for r in caplog.records] == [
        "snapshots: broker unavailable (Error 111 connecting to 127.0.0.1:6379. Connection "
        "refused.); the sweep will retry"
    ]
    assert SnapshotRefreshRequest.objects.count() == 2

    # the sweep leaves requests younger than its grace period to their tasks ...
    assert pending_snapshots_sweep() == 0
    # ... and refreshes the ones no worker picked up
    with time_machine.travel(NOW + timedelta(seconds=31), tick=False):
        assert tasks.snapshots_pending_sweep() == 2
    assert credited(refreshed) == 1
    assert not SnapshotRefreshRequest.objects.exists()


def test_the_trainees_own_page_settles_a_pending_refresh(trainee, refreshed, client):
    therapy(trainee)
    client.force_login(trainee.user)

    page = client.get("/")

    assert page.status_code == 200
    [card] = page.context["dashboard"].cards
    assert {r.result.key: r.result.credited for r in card.requirements} == {
        "client_contact": 0,
        "therapy_sessions": 1,
    }
    assert not SnapshotRefreshRequest.objects.exists()


def test_settling_costs_one_query_when_nothing_is_pending(
    trainee, refreshed, django_assert_num_queries
):
    with django_assert_num_queries(1):
        trainee_snapshots_current(trainee_id=trainee.pk)


@pytest.mark.django_db(transaction=True)
def test_with_a_real_commit_the_enqueued_task_leaves_the_snapshot_current(
    trainee, enrollment, monkeypatch
):
    # The worker, in this process: the commit publishes, and the task runs.
    ran: list[int] = []

    def worker(args, countdown):
        ran.append(args[0])
        tasks.trainee_snapshots_refresh_pending(*args)

    monkeypatch.setattr(tasks.trainee_snapshots_refresh_pending, "apply_async", worker)
    compliance.snapshots_refresh(enrollments=[enrollment])
    with transaction.atomic():
        therapy(trainee)
        assert SnapshotRefreshRequest.objects.filter(trainee=trainee).exists()
        assert ran == []

    assert ran == [trainee.pk]
    assert credited(enrollment) == 1
    assert not SnapshotRefreshRequest.objects.exists()
