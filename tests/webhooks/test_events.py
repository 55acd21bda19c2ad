"""Emitting: the right events, exactly once per change, nothing private, nothing without a
subscriber, and a bounded number of queries per batch."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import ActivityCategory
from tests.factories import SessionFactory
from trainees.models import SessionStatus
from trainees.services.compliance import snapshots_refresh
from trainees.services.countersign import session_countersign, sessions_countersign
from trainees.services.enrollments import enrollment_complete, enrollment_withdraw
from webhooks import tasks
from webhooks.events import sessions_verified_emit
from webhooks.models import WebhookDelivery
from webhooks.services import subscription_create

pytestmark = pytest.mark.usefixtures("frozen_today")


def submitted(trainee, category="client_individual", **fields):
    return SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        category=ActivityCategory.objects.get(key=category),
        status=SessionStatus.SUBMITTED,
        submitted_at="2026-06-02T09:00:00Z",
        **fields,
    )


def deliveries(event=None) -> list[WebhookDelivery]:
    rows = WebhookDelivery.objects.order_by("pk")
    return list(rows.filter(event=event) if event else rows)


def test_a_countersigned_session_is_announced_once(subscription, trainee, supervisor):
    session = submitted(trainee, notes="Spoke about the client's family")

    session_countersign(session=session, supervisor=supervisor)
    with pytest.raises(ValidationError):
        session_countersign(session=session, supervisor=supervisor)

    [delivery] = deliveries("session.verified")
    session.refresh_from_db()
    assert delivery.subscription == subscription
    assert delivery.status == "pending"
    assert delivery.payload == {
        "session": session.pk,
        "trainee": trainee.pk,
        "trainee_external_id": trainee.external_id,
        "date": "2026-06-01",
        "duration_minutes": 50,
        "category": "client_individual",
        "verified_at": session.verified_at.isoformat(),
    }


def test_a_private_category_session_is_never_announced(subscription, trainee, supervisor):
    # given: personal therapy is private in the trainee's program
    session = submitted(
        trainee, "personal_therapy", notes="Talked about my father", provider_name="Dr Confidant"
    )

    # when
    session_countersign(session=session, supervisor=supervisor)

    # then: no session.verified at all; whatever else went out carries nothing private
    assert deliveries("session.verified") == []
    text = json.dumps([d.payload for d in deliveries()])
    assert "father" not in text
    assert "Confidant" not in text
    assert str(session.pk) not in [str(d.payload.get("session")) for d in deliveries()]


def test_bulk_countersigning_announces_each_session_in_one_insert(
    subscription, trainee, supervisor
):
    sessions = [submitted(trainee) for _ in range(3)]
    private = submitted(trainee, "personal_therapy")

    outcome = sessions_countersign(
        session_ids=[s.pk for s in [*sessions, private]], supervisor=supervisor
    )

    assert outcome.sessions == 4
    assert sorted(d.payload["session"] for d in deliveries("session.verified")) == [
        s.pk for s in sessions
    ]


def test_emitting_costs_the_same_queries_for_one_session_or_many(
    subscription, trainee, other_trainee
):
    one = [submitted(trainee)]
    many = [submitted(trainee) for _ in range(5)] + [submitted(other_trainee) for _ in range(5)]

    with CaptureQueriesContext(connection) as for_one:
        sessions_verified_emit(sessions=one)
    with CaptureQueriesContext(connection) as for_many:
        sessions_verified_emit(sessions=many)

    assert len(for_many) == len(for_one)
    assert len(deliveries("session.verified")) == 11


def test_without_a_subscription_nothing_is_recorded_for_one_query(
    trainee, supervisor, django_assert_num_queries
):
    sessions = [submitted(trainee) for _ in range(3)]

    with django_assert_num_queries(1):
        assert sessions_verified_emit(sessions=sessions) == 0
    session_countersign(session=sessions[0], supervisor=supervisor)
    enrollment_complete(enrollment=trainee.enrollments.get(), on=date(2026, 6, 10))

    assert deliveries() == []


def test_an_inactive_or_unrelated_subscription_gets_nothing(
    subscription, other_program, trainee, supervisor
):
    subscription.active = False
    subscription.save()
    subscription_create(
        institution=other_program.institution,
        url="https://hooks.example.net/elsewhere",
        events=["session.verified", "enrollment.status_changed", "requirement.status_changed"],
    )
    subscription_create(
        institution=subscription.institution,
        url="https://hooks.example.net/only-enrollments",
        events=["enrollment.status_changed"],
    )

    session_countersign(session=submitted(trainee), supervisor=supervisor)

    assert deliveries() == []


@pytest.mark.parametrize(
    ("end", "status"),
    [(enrollment_complete, "completed"), (enrollment_withdraw, "withdrawn")],
)
def test_ending_an_enrollment_is_announced_once(subscription, enrollment, program, end, status):
    end(enrollment=enrollment, on=date(2026, 6, 10))
    with pytest.raises(ValidationError):
        end(enrollment=enrollment, on=date(2026, 6, 11))

    [delivery] = deliveries("enrollment.status_changed")
    assert delivery.payload == {
        "enrollment": enrollment.pk,
        "trainee": enrollment.trainee_id,
        "program": program.slug,
        "previous_status": "active",
        "status": status,
        "ended_on": "2026-06-10",
    }


def test_a_requirement_status_change_is_announced_once(subscription, enrollment, supervisor):
    # given: stored statuses with nothing logged
    snapshots_refresh(enrollments=[enrollment])
    assert deliveries() == []  # a first status is not a change
    before = dict(enrollment.requirement_statuses.values_list("key", "status"))

    # when: ten verified hours of client contact, then the same refresh twice
    for day in range(1, 13):
        SessionFactory(
            trainee=enrollment.trainee,
            date=date(2026, 6, day),
            duration_minutes=60,
            status=SessionStatus.VERIFIED,
            verified_by=supervisor,
            verified_at="2026-06-14T09:00:00Z",
        )
    snapshots_refresh(enrollments=[enrollment])
    snapshots_refresh(enrollments=[enrollment])

    # then
    [delivery] = deliveries("requirement.status_changed")
    assert delivery.payload == {
        "enrollment": enrollment.pk,
        "trainee": enrollment.trainee_id,
        "requirement": "client_contact",
        "previous_status": before["client_contact"],
        "status": "met",
        "required": 600,
        "credited": 720,
        "as_of": "2026-06-15",
    }


def test_without_a_subscription_storing_statuses_reads_nothing_more(
    enrollment, django_assert_num_queries
):
    from webhooks.events import requirement_statuses_watch

    with django_assert_num_queries(1):
        assert requirement_statuses_watch(enrollments=[enrollment]).before == {}


def test_a_dead_broker_never_fails_the_change(
    subscription, trainee, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.deliveries_send, "delay", broker_down)
    session = submitted(trainee)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        session_countersign(session=session, supervisor=supervisor)

    # the webhook publish (refused) and the snapshot refresh
    assert len(callbacks) == 2
    session.refresh_from_db()
    assert session.status == SessionStatus.VERIFIED
    assert [d.status for d in deliveries("session.verified")] == ["pending"]
