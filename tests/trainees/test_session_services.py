"""Logging, submitting, countersigning, rejecting, withdrawing and restoring sessions.

Today is Monday 15 June 2026 (frozen); `trainee` is enrolled 2026-01-05..2027-01-03 and
supervised by `supervisor`. On every forbidden path the session row must be exactly as before.
"""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import ActivityCategory
from tests.factories import SupervisorAssignmentFactory, UserFactory
from trainees.models import Session, SessionFormat, SessionStatus, SnapshotRefreshRequest, Trainee
from trainees.models.session import HARD_DELETE_FORBIDDEN
from trainees.selectors.compliance import enrollment_compliance
from trainees.services.countersign import (
    NOT_AWAITING,
    NOT_THEIR_SUPERVISOR,
    REJECTION_REASON_REQUIRED,
    session_countersign,
    session_reject,
)
from trainees.services.session_rules import (
    CATEGORY_NOT_IN_PROGRAM,
    DURATION_RANGE,
    FUTURE_DATE,
    GROUP_SIZE_ONLY_FOR_GROUPS,
    GROUP_SIZE_REQUIRED,
    NO_ENROLLMENT_ON_DATE,
    ONE_PROVIDER,
)
from trainees.services.sessions import (
    ALREADY_WITHDRAWN,
    NOT_EDITABLE,
    NOT_SUBMITTABLE,
    NOT_WITHDRAWN,
    NOT_YOUR_SESSION,
    WITHDRAWN_SESSION,
    session_log,
    session_log_own,
    session_restore,
    session_submit,
    session_update,
    session_withdraw,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SESSION_DAY = date(2026, 6, 1)

pytestmark = pytest.mark.usefixtures("frozen_today")


def category(key: str) -> ActivityCategory:
    return ActivityCategory.objects.get(key=key)


def log(trainee, **overrides) -> Session:
    values = {
        "trainee": trainee,
        "actor": trainee.user,
        "date": SESSION_DAY,
        "duration_minutes": 50,
        "category": category("client_individual"),
    }
    values.update(overrides)
    return session_log(**values)


def row(session: Session) -> dict:
    """The whole stored row, to show a forbidden call changed nothing."""
    return Session.objects.filter(pk=session.pk).values().get()


def history_count(session: Session) -> int:
    return Session.history.filter(id=session.pk).count()


@pytest.fixture
def submitted(trainee) -> Session:
    return log(trainee, submit=True)


@pytest.fixture
def verified(submitted, supervisor) -> Session:
    return session_countersign(session=submitted, supervisor=supervisor)


@pytest.fixture
def rejected(submitted, supervisor) -> Session:
    return session_reject(session=submitted, supervisor=supervisor, reason="Wrong client code.")


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        pytest.param({"date": date(2026, 6, 16)}, {"date": [FUTURE_DATE]}, id="tomorrow"),
        pytest.param({"duration_minutes": 0}, {"duration_minutes": [DURATION_RANGE]}, id="0-min"),
        pytest.param(
            {"duration_minutes": 721}, {"duration_minutes": [DURATION_RANGE]}, id="721-min"
        ),
        pytest.param(
            {"format": SessionFormat.GROUP},
            {"group_size": [GROUP_SIZE_REQUIRED]},
            id="group-no-size",
        ),
        pytest.param(
            {"format": SessionFormat.GROUP, "group_size": 1},
            {"group_size": [GROUP_SIZE_REQUIRED]},
            id="group-of-one",
        ),
        pytest.param(
            {"group_size": 4}, {"group_size": [GROUP_SIZE_ONLY_FOR_GROUPS]}, id="size-no-group"
        ),
        pytest.param(
            {"date": date(2026, 1, 4)}, {"date": [NO_ENROLLMENT_ON_DATE]}, id="before-enrollment"
        ),
        pytest.param(
            {"category": "client_group"},
            {"category": [CATEGORY_NOT_IN_PROGRAM]},
            id="category-not-in-program",
        ),
        pytest.param(
            {"provider": "supervisor", "provider_name": "Dr Outside"},
            {"provider_name": [ONE_PROVIDER]},
            id="two-providers",
        ),
        pytest.param(
            {"date": date(2026, 6, 16), "duration_minutes": 721, "group_size": 2},
            {
                "date": [FUTURE_DATE],
                "duration_minutes": [DURATION_RANGE],
                "group_size": [GROUP_SIZE_ONLY_FOR_GROUPS],
            },
            id="every-problem-at-once",
        ),
    ],
)
def test_session_log_refuses_invalid_sessions(trainee, supervisor, overrides, errors):
    if "category" in overrides:
        overrides["category"] = category(overrides["category"])
    if overrides.get("provider") == "supervisor":
        overrides["provider"] = supervisor

    with pytest.raises(ValidationError) as caught:
        log(trainee, **overrides)

    assert caught.value.message_dict == errors
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"date": date(2026, 6, 15)}, id="today"),
        pytest.param({"date": date(2026, 1, 5)}, id="first-day-of-enrollment"),
        pytest.param({"duration_minutes": 1}, id="1-min"),
        pytest.param({"duration_minutes": 720}, id="720-min"),
        pytest.param({"format": SessionFormat.GROUP, "group_size": 2}, id="group-of-two"),
    ],
)
def test_session_log_accepts_the_edges(trainee, overrides):
    session = log(trainee, **overrides)

    assert Session.objects.get().pk == session.pk


def test_today_is_the_trainees_own_date(trainee):
    # given a trainee in Auckland, where it is already Tuesday 16 June at 00:00
    trainee.user.time_zone = "Pacific/Auckland"
    trainee.user.save()

    session = log(trainee, date=date(2026, 6, 16))

    assert session.date == date(2026, 6, 16)


def test_only_the_trainee_may_log_their_sessions(trainee, other_trainee, supervisor):
    for actor in (other_trainee.user, supervisor):
        with pytest.raises(PermissionDenied) as caught:
            log(trainee, actor=actor)
        assert str(caught.value) == NOT_YOUR_SESSION

    assert Session.objects.count() == 0


def test_logging_creates_a_draft(trainee):
    session = log(trainee, notes="First intake.", provider_name="Clinic A")

    stored = Session.objects.get(pk=session.pk)
    assert (stored.trainee, stored.date, stored.duration_minutes, stored.category.key) == (
        trainee,
        SESSION_DAY,
        50,
        "client_individual",
    )
    assert (stored.status, stored.submitted_at, stored.verified_by, stored.verified_at) == (
        SessionStatus.DRAFT,
        None,
        None,
        None,
    )
    assert (stored.notes, stored.provider_name, stored.withdrawn_at) == (
        "First intake.",
        "Clinic A",
        None,
    )
    assert [h.history_change_reason for h in Session.history.filter(id=session.pk)] == ["logged"]


def test_logging_ones_own_session_finds_the_trainee_from_the_person(trainee, other_trainee):
    session = session_log_own(
        actor=trainee.user,
        date=SESSION_DAY,
        duration_minutes=45,
        category=category("client_individual"),
        submit=True,
    )

    stored = Session.objects.get(pk=session.pk)
    assert (stored.trainee, stored.duration_minutes, stored.status) == (
        trainee,
        45,
        SessionStatus.SUBMITTED,
    )
    assert [h.history_change_reason for h in Session.history.filter(id=session.pk)] == ["logged"]
    assert list(SnapshotRefreshRequest.objects.values_list("trainee_id", flat=True)) == [trainee.pk]


def test_logging_ones_own_session_refuses_someone_who_is_not_a_trainee(supervisor):
    with pytest.raises(Trainee.DoesNotExist):
        session_log_own(
            actor=supervisor,
            date=SESSION_DAY,
            duration_minutes=45,
            category=category("client_individual"),
        )

    assert Session.objects.count() == 0


def test_logging_ones_own_session_validates_like_any_other(trainee):
    with pytest.raises(ValidationError) as caught:
        session_log_own(
            actor=trainee.user,
            date=date(2025, 12, 1),
            duration_minutes=45,
            category=category("client_individual"),
        )

    assert caught.value.message_dict == {"date": [NO_ENROLLMENT_ON_DATE]}
    assert Session.objects.count() == 0


def test_logging_with_submit_sends_it_straight_for_countersigning(trainee):
    session = log(trainee, submit=True)

    session.refresh_from_db()
    assert (session.status, session.submitted_at) == (SessionStatus.SUBMITTED, NOW)


def test_submit_sends_a_draft_for_countersigning(trainee):
    session = log(trainee)

    session_submit(session=session, actor=trainee.user)

    session.refresh_from_db()
    assert (session.status, session.submitted_at) == (SessionStatus.SUBMITTED, NOW)


def test_assigned_supervisor_countersigns(submitted, supervisor):
    result = session_countersign(session=submitted, supervisor=supervisor)

    submitted.refresh_from_db()
    assert (submitted.status, submitted.verified_by, submitted.verified_at) == (
        SessionStatus.VERIFIED,
        supervisor,
        NOW,
    )
    assert result.status == SessionStatus.VERIFIED


def test_the_sessions_provider_may_countersign(trainee):
    therapist = UserFactory(email="therapist@example.org")
    session = log(trainee, category=category("personal_therapy"), provider=therapist, submit=True)

    session_countersign(session=session, supervisor=therapist)

    session.refresh_from_db()
    assert (session.status, session.verified_by) == (SessionStatus.VERIFIED, therapist)


@pytest.mark.parametrize("who", ["stranger", "other_director", "other_trainee", "trainee"])
def test_someone_who_did_not_supervise_cannot_countersign(request, submitted, who):
    user = UserFactory() if who == "stranger" else request.getfixturevalue(who)
    user = getattr(user, "user", user)  # trainees act through their user
    before, versions = row(submitted), history_count(submitted)

    with pytest.raises(PermissionDenied) as caught:
        session_countersign(session=submitted, supervisor=user)

    assert str(caught.value) == NOT_THEIR_SUPERVISOR
    assert row(submitted) == before
    assert history_count(submitted) == versions


def test_a_trainee_who_names_themselves_provider_cannot_countersign(trainee):
    # The provider may countersign; the trainee must never verify their own hours.
    session = log(trainee, provider=trainee.user, submit=True)
    before = row(session)

    with pytest.raises(PermissionDenied) as caught:
        session_countersign(session=session, supervisor=trainee.user)

    assert str(caught.value) == NOT_THEIR_SUPERVISOR
    assert row(session) == before


def test_a_supervisor_assignment_covers_its_dates_only(trainee, enrollment):
    # given a second supervisor who took over on 1 June
    successor = UserFactory(email="successor@example.org")
    SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=successor, starts_on=date(2026, 6, 1)
    )
    before_takeover = log(trainee, date=date(2026, 5, 31), submit=True)
    after_takeover = log(trainee, date=date(2026, 6, 1), submit=True)

    with pytest.raises(PermissionDenied):
        session_countersign(session=before_takeover, supervisor=successor)
    session_countersign(session=after_takeover, supervisor=successor)

    before_takeover.refresh_from_db()
    after_takeover.refresh_from_db()
    assert (before_takeover.status, after_takeover.status) == (
        SessionStatus.SUBMITTED,
        SessionStatus.VERIFIED,
    )


def test_a_supervisor_assigned_for_some_categories_countersigns_only_those(trainee, enrollment):
    group_supervisor = UserFactory(email="group.supervisor@example.org")
    assignment = SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=group_supervisor, starts_on=enrollment.start_date
    )
    assignment.categories.set([category("supervision_individual")])
    supervision = log(trainee, category=category("supervision_individual"), submit=True)
    client_work = log(trainee, submit=True)

    session_countersign(session=supervision, supervisor=group_supervisor)
    with pytest.raises(PermissionDenied):
        session_countersign(session=client_work, supervisor=group_supervisor)

    assert Session.objects.get(pk=client_work.pk).status == SessionStatus.SUBMITTED


@pytest.mark.parametrize("state", ["draft", "verified", "rejected"])
def test_only_submitted_sessions_can_be_countersigned(request, trainee, supervisor, state):
    session = log(trainee) if state == "draft" else request.getfixturevalue(state)
    before = row(session)

    with pytest.raises(ValidationError) as caught:
        session_countersign(session=session, supervisor=supervisor)

    assert caught.value.messages == [NOT_AWAITING]
    assert row(session) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_requires_a_reason(submitted, supervisor, reason):
    before = row(submitted)

    with pytest.raises(ValidationError) as caught:
        session_reject(session=submitted, supervisor=supervisor, reason=reason)

    assert caught.value.message_dict == {"reason": [REJECTION_REASON_REQUIRED]}
    assert row(submitted) == before


def test_reject_sends_the_session_back_with_the_reason(submitted, supervisor):
    session_reject(session=submitted, supervisor=supervisor, reason="  Wrong client code. ")

    submitted.refresh_from_db()
    assert (submitted.status, submitted.rejection_reason) == (
        SessionStatus.REJECTED,
        "Wrong client code.",
    )
    assert Session.history.filter(id=submitted.pk).first().history_change_reason == (
        "rejected: Wrong client code."
    )


def test_a_stranger_cannot_reject(submitted):
    before = row(submitted)

    with pytest.raises(PermissionDenied) as caught:
        session_reject(session=submitted, supervisor=UserFactory(), reason="No.")

    assert str(caught.value) == NOT_THEIR_SUPERVISOR
    assert row(submitted) == before


def test_a_rejected_session_is_corrected_then_submitted_again(rejected, trainee, supervisor):
    # when the trainee corrects it, it becomes a draft
    session_update(session=rejected, actor=trainee.user, duration_minutes=45)
    rejected.refresh_from_db()
    assert (rejected.status, rejected.duration_minutes) == (SessionStatus.DRAFT, 45)

    # and submitting again clears the old reason
    session_submit(session=rejected, actor=trainee.user)
    rejected.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason) == (SessionStatus.SUBMITTED, "")

    # so the supervisor can countersign it this time
    session_countersign(session=rejected, supervisor=supervisor)
    rejected.refresh_from_db()
    assert rejected.status == SessionStatus.VERIFIED


def test_a_rejected_session_may_be_resubmitted_unchanged(rejected, trainee):
    session_submit(session=rejected, actor=trainee.user)

    rejected.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason) == (SessionStatus.SUBMITTED, "")


def test_update_of_a_draft_is_validated_like_a_new_session(trainee):
    session = log(trainee)
    before = row(session)

    with pytest.raises(ValidationError) as caught:
        session_update(session=session, actor=trainee.user, duration_minutes=0)

    assert caught.value.message_dict == {"duration_minutes": [DURATION_RANGE]}
    assert row(session) == before


def test_update_refuses_fields_outside_the_editable_set(trainee):
    session = log(trainee)
    before = row(session)

    with pytest.raises(ValidationError) as caught:
        session_update(session=session, actor=trainee.user, status="verified", verified_by=None)

    assert caught.value.messages == ["These fields cannot be edited: status, verified_by."]
    assert row(session) == before


@pytest.mark.parametrize("state", ["submitted", "verified"])
def test_submitted_and_verified_sessions_are_not_editable(request, trainee, state):
    session = request.getfixturevalue(state)
    before = row(session)

    with pytest.raises(ValidationError) as caught:
        session_update(session=session, actor=trainee.user, duration_minutes=90)

    assert caught.value.messages == [NOT_EDITABLE]
    assert row(session) == before


@pytest.mark.parametrize("state", ["submitted", "verified"])
def test_only_drafts_and_rejected_sessions_can_be_submitted(request, trainee, state):
    session = request.getfixturevalue(state)
    before = row(session)

    with pytest.raises(ValidationError) as caught:
        session_submit(session=session, actor=trainee.user)

    assert caught.value.messages == [NOT_SUBMITTABLE]
    assert row(session) == before


def test_withdraw_keeps_the_row_and_excludes_the_session(verified, trainee, enrollment):
    session_withdraw(session=verified, actor=trainee.user, reason=" Logged twice. ")

    verified.refresh_from_db()
    assert (verified.withdrawn_at, verified.withdrawal_reason, verified.status) == (
        NOW,
        "Logged twice.",
        SessionStatus.VERIFIED,
    )
    assert list(Session.objects.all()) == [verified]
    assert list(Session.objects.live()) == []
    client_contact = enrollment_compliance(enrollment=enrollment).requirements[0]
    assert client_contact.credited == 0
    assert [(e.session_id, e.reason) for e in client_contact.excluded] == [
        (verified.pk, "withdrawn")
    ]


def test_restore_brings_the_session_back_with_its_status(verified, trainee, enrollment):
    session_withdraw(session=verified, actor=trainee.user)

    session_restore(session=verified, actor=trainee.user)

    verified.refresh_from_db()
    assert (verified.withdrawn_at, verified.withdrawal_reason, verified.status) == (
        None,
        "",
        SessionStatus.VERIFIED,
    )
    client_contact = enrollment_compliance(enrollment=enrollment).requirements[0]
    assert (client_contact.credited, client_contact.excluded) == (50, ())


def test_withdrawing_twice_is_refused(submitted, trainee):
    session_withdraw(session=submitted, actor=trainee.user)
    before = row(submitted)

    with pytest.raises(ValidationError) as caught:
        session_withdraw(session=submitted, actor=trainee.user)

    assert caught.value.messages == [ALREADY_WITHDRAWN]
    assert row(submitted) == before


def test_restoring_a_live_session_is_refused(submitted, trainee):
    before = row(submitted)

    with pytest.raises(ValidationError) as caught:
        session_restore(session=submitted, actor=trainee.user)

    assert caught.value.messages == [NOT_WITHDRAWN]
    assert row(submitted) == before


def test_a_withdrawn_session_cannot_be_edited_submitted_or_countersigned(trainee, supervisor):
    draft = log(trainee)
    submitted = log(trainee, submit=True)
    for session in (draft, submitted):
        session_withdraw(session=session, actor=trainee.user)
    calls = [
        lambda: session_update(session=draft, actor=trainee.user, duration_minutes=30),
        lambda: session_submit(session=draft, actor=trainee.user),
        lambda: session_countersign(session=submitted, supervisor=supervisor),
    ]
    before = [row(draft), row(submitted)]

    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.messages == [WITHDRAWN_SESSION]

    assert [row(draft), row(submitted)] == before


def test_a_withdrawn_session_cannot_be_rejected(submitted, trainee, supervisor):
    session_withdraw(session=submitted, actor=trainee.user)
    before = row(submitted)

    with pytest.raises(ValidationError) as caught:
        session_reject(session=submitted, supervisor=supervisor, reason="Duplicate.")

    assert caught.value.messages == [WITHDRAWN_SESSION]
    assert row(submitted) == before


def test_a_session_cannot_be_hard_deleted(submitted, trainee):
    deletions = [
        submitted.delete,
        Session.objects.filter(pk=submitted.pk).delete,
        Session.objects.all().delete,
        trainee.sessions.all().delete,
    ]

    for delete in deletions:
        with pytest.raises(PermissionError) as caught:
            delete()
        assert str(caught.value) == HARD_DELETE_FORBIDDEN

    assert list(Session.objects.all()) == [submitted]


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(lambda s, u: session_update(session=s, actor=u, notes="mine now"), id="edit"),
        pytest.param(lambda s, u: session_submit(session=s, actor=u), id="submit"),
        pytest.param(lambda s, u: session_withdraw(session=s, actor=u), id="withdraw"),
    ],
)
def test_another_trainee_cannot_touch_the_session(trainee, other_trainee, action):
    session = log(trainee)
    before, versions = row(session), history_count(session)

    with pytest.raises(PermissionDenied) as caught:
        action(session, other_trainee.user)

    assert str(caught.value) == NOT_YOUR_SESSION
    assert row(session) == before
    assert history_count(session) == versions


def test_another_trainee_cannot_restore_the_session(trainee, other_trainee):
    session = log(trainee)
    session_withdraw(session=session, actor=trainee.user)
    before = row(session)

    with pytest.raises(PermissionDenied) as caught:
        session_restore(session=session, actor=other_trainee.user)

    assert str(caught.value) == NOT_YOUR_SESSION
    assert row(session) == before


def test_each_service_leaves_one_history_entry_with_its_reason(trainee, supervisor):
    session = log(trainee)
    session_submit(session=session, actor=trainee.user)
    session_reject(session=session, supervisor=supervisor, reason="Fix the date.")
    session_update(session=session, actor=trainee.user, date=date(2026, 6, 2))
    session_submit(session=session, actor=trainee.user)
    session_countersign(session=session, supervisor=supervisor)
    session_withdraw(session=session, actor=trainee.user)
    session_restore(session=session, actor=trainee.user)

    reasons = Session.history.filter(id=session.pk).order_by("history_id")
    assert [h.history_change_reason for h in reasons] == [
        "logged",
        "submitted",
        "rejected: Fix the date.",
        "edited",
        "submitted",
        "countersigned",
        "withdrawn",
        "restored",
    ]
