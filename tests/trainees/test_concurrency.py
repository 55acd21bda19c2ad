"""Two people acting on one session at the same moment: row locks make one of them win cleanly.

Needs PostgreSQL (real row locks across connections); CI runs the suite there.
"""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs.models import ActivityCategory
from tests.concurrency import race
from tests.factories import (
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    UserFactory,
)
from trainees.models import Session
from trainees.services import countersign
from trainees.services import sessions as services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(trainee, supervisor, enrollment, frozen_today):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL (CI runs this on PostgreSQL)")
    second_supervisor = UserFactory(email="second.supervisor@example.org")
    ProgramRoleFactory(program=enrollment.program, user=second_supervisor, role="supervisor")
    SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=second_supervisor, starts_on=enrollment.start_date
    )
    session = SessionFactory(trainee=trainee, status="submitted")
    return session, supervisor, second_supervisor


def _slow_refresh(monkeypatch):
    """Hold the winner's transaction open a little, so the loser really waits on its locks."""
    original = services.trainee_snapshots_mark_stale

    def slow(**kwargs):
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(services, "trainee_snapshots_mark_stale", slow)


def test_countersign_and_reject_at_once_leave_exactly_one_decision(submitted, monkeypatch):
    session, supervisor, second = submitted
    _slow_refresh(monkeypatch)

    outcomes = race(
        lambda: countersign.session_countersign(session=session, supervisor=supervisor),
        lambda: countersign.session_reject(session=session, supervisor=second, reason="Wrong date"),
    )

    failures = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(failures) == 1
    assert isinstance(failures[0], ValidationError)
    assert failures[0].messages == [countersign.NOT_AWAITING]
    stored = Session.objects.get(pk=session.pk)
    winner = next(o for o in outcomes.values() if isinstance(o, Session))
    assert stored.status == winner.status
    # One history row for the creation, one for the single decision that went through.
    history = list(stored.history.order_by("history_id").values_list("status", flat=True))
    assert history == ["submitted", winner.status]


def test_a_withdrawal_racing_a_countersignature_is_never_lost(submitted, monkeypatch):
    session, supervisor, _ = submitted
    _slow_refresh(monkeypatch)

    outcomes = race(
        lambda: countersign.session_countersign(session=session, supervisor=supervisor),
        lambda: services.session_withdraw(
            session=session, actor=session.trainee.user, reason="Logged twice"
        ),
    )

    stored = Session.objects.get(pk=session.pk)
    # Whichever went first, the withdrawal is kept: it either came after the countersignature or
    # made the countersignature fail; never does a verification overwrite it.
    assert stored.withdrawn_at is not None
    if isinstance(outcomes["first"], Exception):
        assert outcomes["first"].messages == [services.WITHDRAWN_SESSION]
        assert stored.status == "submitted"
    else:
        assert stored.status == "verified"


def test_logging_ones_own_session_waits_for_the_trainees_lock(trainee, enrollment, frozen_today):
    """`session_log_own` finds and locks the trainee in one query; a writer already holding the
    trainee's lock makes it wait, so the pending-refresh request stays exact."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL (CI runs this on PostgreSQL)")
    from django.db import transaction

    from trainees.models import Trainee

    def hold_lock():
        # NO KEY UPDATE: the session insert's own foreign-key check (KEY SHARE) does not wait on
        # it, so only the service's explicit lock can make the logger wait.
        with transaction.atomic():
            Trainee.objects.select_for_update(no_key=True).get(pk=trainee.pk)
            time.sleep(0.4)
        return time.monotonic()

    def log_own():
        time.sleep(0.1)  # let the holder take the lock first
        services.session_log_own(
            actor=trainee.user,
            date=enrollment.start_date,
            duration_minutes=50,
            category=ActivityCategory.objects.get(key="client_individual"),
        )
        return time.monotonic()

    outcomes = race(hold_lock, log_own)

    assert isinstance(outcomes["second"], float), outcomes
    assert outcomes["second"] >= outcomes["first"]
    assert Session.objects.filter(trainee=trainee).count() == 1
