"""Confirmation by an e-mailed link: request, revoke, resend, confirm, decline, races."""

import hashlib
import re
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from confirmations.models import ExternalConfirmationItem, ExternalConfirmationRequest
from confirmations.services import mail
from confirmations.services import requests as ext
from programs.models import ActivityCategory
from tests.concurrency import race
from tests.factories import SessionFactory
from tests.snapshots import settle_snapshots
from trainees.models import ComplianceSnapshot, Session
from trainees.services import countersign
from trainees.services import sessions as session_services
from trainees.services.compliance import trainee_snapshots_refresh

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LINK = re.compile(r"http://127\.0\.0\.1:8000/confirm/([^/\s]+)/")


def _category(key: str) -> ActivityCategory:
    return ActivityCategory.objects.get(key=key)


@pytest.fixture
def client_sessions(trainee, frozen_today):
    sessions = [
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, day),
            start_time=None if day == 3 else time(10, 0),
            duration_minutes=50,
            category=_category("client_individual"),
            status="submitted",
            notes="private note never shown",
        )
        for day in (1, 3)
    ]
    trainee_snapshots_refresh(trainee_id=trainee.pk)
    return sessions


def _ask(trainee, sessions, django_capture_on_commit_callbacks, **overrides):
    arguments = {
        "trainee": trainee,
        "actor": trainee.user,
        "session_ids": [s.pk for s in sessions],
        "confirmer_name": "Ezra External",
        "confirmer_email": "Ezra@Example.com",
        "message": "For June, thank you.",
    }
    arguments.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return ext.external_confirmation_request(**arguments)


def _token(mailoutbox) -> str:
    match = LINK.search(mailoutbox[-1].body)
    assert match is not None, mailoutbox[-1].body
    return match.group(1)


def _unsent_request(trainee, sessions):
    """A request for the first session whose e-mail has not gone out: outside on-commit
    capture, the task that sends it never runs."""
    return ext.external_confirmation_request(
        trainee=trainee,
        actor=trainee.user,
        session_ids=[sessions[0].pk],
        confirmer_name="Ezra External",
        confirmer_email="ezra@example.com",
    )


@pytest.fixture
def asked(trainee, client_sessions, mailoutbox, django_capture_on_commit_callbacks):
    request = _ask(trainee, client_sessions, django_capture_on_commit_callbacks)
    return request, _token(mailoutbox)


def _statuses(sessions) -> list[tuple[str, int | None, int | None]]:
    rows = Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk")
    return [(s.status, s.verified_by_id, s.external_confirmation_id) for s in rows]


# --- asking ----------------------------------------------------------------------------------


def test_a_request_stores_the_sessions_fingerprints_and_emails_one_link(
    trainee, client_sessions, mailoutbox, django_capture_on_commit_callbacks
):
    request = _ask(trainee, client_sessions, django_capture_on_commit_callbacks)

    request.refresh_from_db()
    assert (request.trainee_id, request.category.key) == (trainee.pk, "client_individual")
    assert (request.confirmer_name, request.confirmer_email) == (
        "Ezra External",
        "ezra@example.com",
    )
    assert (request.created_at, request.expires_at, request.emailed_at) == (
        NOW,
        NOW + timedelta(days=14),
        NOW,
    )
    assert (request.used_at, request.revoked_at, request.outcome) == (None, None, "")
    assert request.state == "pending"
    items = list(ExternalConfirmationItem.objects.filter(request=request).order_by("session_id"))
    assert [(i.session_id, i.fingerprint) for i in items] == [
        (s.pk, ext.session_fingerprint(s)) for s in client_sessions
    ]
    assert list(request.history.values_list("history_change_reason", flat=True)) == ["requested"]
    # Only a digest of the link's random part is stored, and the link opens this request.
    assert len(mailoutbox) == 1
    token = _token(mailoutbox)
    nonce = signing.loads(token, salt=ext.SALT)["n"]
    assert len(nonce) >= 43  # 32 random bytes, URL-safe base64
    assert request.token_digest == hashlib.sha256(nonce.encode()).hexdigest()
    assert nonce not in str(list(ExternalConfirmationRequest.objects.values()))
    assert ext.external_confirmation_from_token(token=token).pk == request.pk


def test_sending_the_email_twice_sends_it_once(asked, mailoutbox):
    request, token = asked

    assert mail.request_email_send(request_id=request.pk) is False

    assert len(mailoutbox) == 1
    assert ext.external_confirmation_from_token(token=token).pk == request.pk


def test_a_refused_email_releases_the_link_and_a_retry_sends_a_new_one(
    trainee, client_sessions, mailoutbox, monkeypatch
):
    request = _unsent_request(trainee, client_sessions)

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(mail.EmailMultiAlternatives, "send", refuse)
        with pytest.raises(mail.TemporaryFailure):
            mail.request_email_send(request_id=request.pk)
    request.refresh_from_db()
    assert (request.emailed_at, request.token_digest) == (None, None)

    assert mail.request_email_send(request_id=request.pk) is True
    assert len(mailoutbox) == 1


def test_a_failed_send_never_forgets_a_newer_link(trainee, client_sessions, mailoutbox):
    """A slow send that fails after "send again" issued (and mailed) a newer link must release
    only its own link: the newer one keeps working."""
    request = _unsent_request(trainee, client_sessions)
    slow = ext.external_confirmation_link_issue(request_id=request.pk)
    assert slow is not None
    ext.ExternalConfirmationRequest.objects.filter(pk=request.pk).update(
        emailed_at=None, token_digest=None
    )  # what "send again" does
    newer = ext.external_confirmation_link_issue(request_id=request.pk)
    assert newer is not None

    ext.external_confirmation_link_release(link=slow)

    request.refresh_from_db()
    assert request.token_digest == newer.digest
    assert request.emailed_at is not None


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("nothing", ValidationError, ext.NOTHING_CHOSEN),
        ("draft", ValidationError, ext.NOT_AWAITING),
        ("withdrawn", ValidationError, ext.NOT_AWAITING),
        ("verified", ValidationError, ext.NOT_AWAITING),
        ("two_categories", ValidationError, ext.ONE_CATEGORY),
        ("own_email", ValidationError, ext.OWN_EMAIL),
        ("someone_elses", PermissionDenied, ext.NOT_YOUR_SESSION),
        ("bad_email", ValidationError, "Enter a valid email address."),
        ("no_name", ValidationError, "This field cannot be blank."),
        ("long_message", ValidationError, ext.MESSAGE_TOO_LONG),
    ],
)
def test_a_request_is_refused_with_a_clear_error_and_nothing_is_stored(
    trainee, other_trainee, supervisor, client_sessions, mailoutbox, case, error, message
):
    first = client_sessions[0]
    session_ids = [first.pk]
    overrides: dict[str, object] = {}
    if case == "nothing":
        session_ids = []
    elif case == "draft":
        Session.objects.filter(pk=first.pk).update(status="draft")
    elif case == "withdrawn":
        Session.objects.filter(pk=first.pk).update(withdrawn_at=NOW)
    elif case == "verified":
        countersign.session_countersign(session=first, supervisor=supervisor)
    elif case == "two_categories":
        therapy = SessionFactory(
            trainee=trainee, category=_category("personal_therapy"), status="submitted"
        )
        session_ids = [first.pk, therapy.pk]
    elif case == "own_email":
        overrides["confirmer_email"] = "TRAINEE@example.org"
    elif case == "someone_elses":
        session_ids = [SessionFactory(trainee=other_trainee, status="submitted").pk]
    elif case == "bad_email":
        overrides["confirmer_email"] = "not-an-address"
    elif case == "no_name":
        overrides["confirmer_name"] = "  "
    elif case == "long_message":
        overrides["message"] = "x" * 2001

    with pytest.raises(error) as raised:
        ext.external_confirmation_request(
            trainee=trainee,
            actor=trainee.user,
            session_ids=session_ids,
            confirmer_name=str(overrides.get("confirmer_name", "Ezra External")),
            confirmer_email=str(overrides.get("confirmer_email", "ezra@example.com")),
            message=str(overrides.get("message", "")),
        )

    messages = (
        raised.value.messages if isinstance(raised.value, ValidationError) else [str(raised.value)]
    )
    assert message in messages
    assert ExternalConfirmationRequest.objects.count() == 0
    assert ExternalConfirmationItem.objects.count() == 0
    assert mailoutbox == []


def test_a_session_already_waiting_on_a_request_cannot_be_asked_again(
    asked, trainee, client_sessions
):
    with pytest.raises(ValidationError) as raised:
        ext.external_confirmation_request(
            trainee=trainee,
            actor=trainee.user,
            session_ids=[client_sessions[1].pk],
            confirmer_name="Someone Else",
            confirmer_email="else@example.com",
        )

    assert raised.value.messages == [ext.ALREADY_REQUESTED]
    assert ExternalConfirmationRequest.objects.count() == 1


def test_only_the_trainee_may_ask(trainee, supervisor, client_sessions):
    with pytest.raises(PermissionDenied):
        ext.external_confirmation_request(
            trainee=trainee,
            actor=supervisor,
            session_ids=[client_sessions[0].pk],
            confirmer_name="Ezra External",
            confirmer_email="ezra@example.com",
        )
    assert ExternalConfirmationRequest.objects.count() == 0


# --- revoking and resending -------------------------------------------------------------------


def test_revoking_stops_the_link_and_is_recorded(asked, trainee, client_sessions):
    request, token = asked

    ext.external_confirmation_revoke(request=request, actor=trainee.user)

    request.refresh_from_db()
    assert (request.revoked_at, request.state) == (NOW, "revoked")
    assert list(
        request.history.order_by("history_id").values_list("history_change_reason", flat=True)
    ) == [
        "requested",
        "cancelled by the trainee",
    ]
    with pytest.raises(ext.LinkGone) as gone:
        ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)
    assert gone.value.message == ext.LINK_REVOKED
    with pytest.raises(ValidationError) as again:
        ext.external_confirmation_revoke(request=request, actor=trainee.user)
    assert again.value.messages == [ext.NOT_PENDING]
    assert _statuses(client_sessions) == [("submitted", None, None)] * 2


def test_someone_else_cannot_revoke(asked, other_trainee):
    request, _ = asked
    with pytest.raises(PermissionDenied):
        ext.external_confirmation_revoke(request=request, actor=other_trainee.user)
    request.refresh_from_db()
    assert request.revoked_at is None


def test_sending_again_replaces_the_link(
    asked, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    request, old_token = asked

    with django_capture_on_commit_callbacks(execute=True):
        ext.external_confirmation_resend(request=request, actor=trainee.user)

    assert len(mailoutbox) == 2
    new_token = _token(mailoutbox)
    assert new_token != old_token
    with pytest.raises(ext.LinkNotFound):
        ext.external_confirmation_from_token(token=old_token)
    assert ext.external_confirmation_from_token(token=new_token).pk == request.pk


# --- confirming -------------------------------------------------------------------------------


def test_confirming_verifies_every_session_and_records_who_and_when(
    asked, trainee, enrollment, client_sessions
):
    request, token = asked
    before = ComplianceSnapshot.objects.get(enrollment=enrollment).result
    assert [r["credited"] for r in before["requirements"] if r["key"] == "client_contact"] == [0]

    ext.external_confirmation_confirm(
        token=token,
        confirmed_name="  Ezra   Q. External ",
        attested=True,
        ip_address="203.0.113.9",
        user_agent="Mozilla/5.0 (Phone)",
    )

    request.refresh_from_db()
    assert (request.used_at, request.outcome, request.confirmed_name) == (
        NOW,
        "confirmed",
        "Ezra Q. External",
    )
    assert (request.confirmer_ip, request.confirmer_user_agent) == (
        "203.0.113.9",
        "Mozilla/5.0 (Phone)",
    )
    assert request.state == "confirmed"
    assert _statuses(client_sessions) == [("verified", None, request.pk)] * 2
    assert list(
        Session.objects.filter(pk__in=[s.pk for s in client_sessions]).values_list(
            "verified_at", flat=True
        )
    ) == [NOW, NOW]
    for session in client_sessions:
        latest = session.history.order_by("-history_id").first()
        assert (latest.status, latest.history_change_reason) == (
            "verified",
            f"confirmed by e-mail link (request {request.pk})",
        )
    assert list(
        request.history.order_by("history_id").values_list("history_change_reason", flat=True)
    ) == [
        "requested",
        "confirmed",
    ]
    settle_snapshots()
    after = ComplianceSnapshot.objects.get(enrollment=enrollment).result
    assert [r["credited"] for r in after["requirements"] if r["key"] == "client_contact"] == [100]


def test_a_link_confirms_once(asked):
    _, token = asked
    ext.external_confirmation_confirm(token=token, confirmed_name="Ezra External", attested=True)

    with pytest.raises(ext.LinkGone) as gone:
        ext.external_confirmation_confirm(
            token=token, confirmed_name="Ezra External", attested=True
        )

    assert (gone.value.message, gone.value.state) == (ext.LINK_CONFIRMED, "confirmed")


def test_a_name_and_the_box_are_required_and_nothing_changes_without_them(asked, client_sessions):
    request, token = asked

    with pytest.raises(ValidationError) as raised:
        ext.external_confirmation_confirm(token=token, confirmed_name="   ", attested=False)

    assert raised.value.message_dict == {
        "confirmed_name": [ext.NAME_REQUIRED],
        "attest": [ext.ATTEST_REQUIRED],
    }
    request.refresh_from_db()
    assert request.state == "pending"
    assert _statuses(client_sessions) == [("submitted", None, None)] * 2


def test_the_link_expires_after_the_configured_days(asked, client_sessions, settings):
    request, token = asked

    with time_machine.travel(NOW + timedelta(days=14, seconds=-1), tick=False):
        assert ext.external_confirmation_from_token(token=token).pk == request.pk
    with (
        time_machine.travel(NOW + timedelta(days=14), tick=False),
        pytest.raises(ext.LinkGone) as gone,
    ):
        ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)

    assert (gone.value.message, gone.value.state) == (ext.LINK_EXPIRED, "expired")
    assert _statuses(client_sessions) == [("submitted", None, None)] * 2


def test_the_lifetime_is_a_setting(trainee, client_sessions, settings):
    settings.EXTERNAL_CONFIRMATION_DAYS = 3

    request = _unsent_request(trainee, client_sessions)

    assert request.expires_at == NOW + timedelta(days=3)


def test_tampered_and_foreign_tokens_are_unknown(asked, client_sessions):
    request, token = asked
    forged_nonce = signing.dumps({"i": request.pk, "n": "guess"}, salt=ext.SALT, compress=True)
    other_salt = signing.dumps({"i": request.pk, "n": "guess"}, salt="countersign.invitation")
    not_a_dict = signing.dumps([request.pk], salt=ext.SALT)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for bad in (altered, forged_nonce, other_salt, not_a_dict, "nonsense", ""):
        with pytest.raises(ext.LinkNotFound):
            ext.external_confirmation_confirm(token=bad, confirmed_name="Ezra", attested=True)

    assert _statuses(client_sessions) == [("submitted", None, None)] * 2


def test_a_session_changed_after_the_link_was_sent_refuses_the_whole_confirmation(
    asked, trainee, supervisor, client_sessions
):
    request, token = asked
    changed, untouched = client_sessions
    # The only way a submitted session changes: sent back, corrected, submitted again.
    countersign.session_reject(session=changed, supervisor=supervisor, reason="Check time")
    session_services.session_update(session=changed, actor=trainee.user, duration_minutes=45)
    session_services.session_submit(session=changed, actor=trainee.user)

    with pytest.raises(ValidationError) as raised:
        ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)

    assert raised.value.messages == [ext.SESSIONS_CHANGED]
    assert _statuses([changed, untouched]) == [("submitted", None, None)] * 2
    request.refresh_from_db()
    assert (request.used_at, request.state) == (None, "pending")


@pytest.mark.parametrize("change", ["withdrawn", "countersigned"])
def test_a_session_withdrawn_or_countersigned_meanwhile_refuses_the_confirmation(
    asked, trainee, supervisor, client_sessions, change
):
    _, token = asked
    first, second = client_sessions
    if change == "withdrawn":
        session_services.session_withdraw(session=first, actor=trainee.user)
    else:
        countersign.session_countersign(session=first, supervisor=supervisor)

    with pytest.raises(ValidationError) as raised:
        ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)

    assert raised.value.messages == [ext.SESSIONS_CHANGED]
    assert Session.objects.get(pk=second.pk).status == "submitted"
    assert Session.objects.filter(external_confirmation__isnull=False).count() == 0


# --- declining --------------------------------------------------------------------------------


def test_declining_uses_the_link_keeps_the_sessions_and_tells_the_trainee(
    asked, client_sessions, mailoutbox, django_capture_on_commit_callbacks
):
    request, token = asked

    with django_capture_on_commit_callbacks(execute=True):
        ext.external_confirmation_decline(
            token=token,
            reason="The 3 June session was 30 minutes.",
            confirmed_name="Ezra External",
            ip_address="203.0.113.9",
        )

    request.refresh_from_db()
    assert (request.used_at, request.outcome, request.decline_reason, request.state) == (
        NOW,
        "declined",
        "The 3 June session was 30 minutes.",
        "declined",
    )
    assert request.trainee_notified_at == NOW
    assert _statuses(client_sessions) == [("submitted", None, None)] * 2
    notice = mailoutbox[-1]
    assert notice.to == ["trainee@example.org"]
    assert notice.subject == (
        "Ezra External did not confirm your Direct client contact: individual sessions"
    )
    assert notice.body == (
        "Hello Tess,\n\n"
        "Ezra External did not confirm your direct client contact: individual sessions and said "
        "what is not accurate:\n\n"
        '"The 3 June session was 30 minutes."\n\n'
        "- Mon 01 Jun 2026 at 10:00, 50 min, Direct client contact: individual, Individual, in person\n"
        "- Wed 03 Jun 2026, 50 min, Direct client contact: individual, Individual, in person\n\n"
        "The sessions are unchanged and still wait for verification. Correct them, then ask "
        "again: http://127.0.0.1:8000/confirmations/\n"
    )
    # A redelivered task tells nobody twice; the link is used up.
    assert mail.declined_email_send(request_id=request.pk) is False
    assert len(mailoutbox) == 2
    with pytest.raises(ext.LinkGone) as gone:
        ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)
    assert gone.value.message == ext.LINK_DECLINED


def test_declining_needs_a_reason(asked):
    request, token = asked
    with pytest.raises(ValidationError) as raised:
        ext.external_confirmation_decline(token=token, reason="  ")
    assert raised.value.message_dict == {"decline_reason": [ext.DECLINE_REASON_REQUIRED]}
    request.refresh_from_db()
    assert request.state == "pending"


# --- the database's own rules -----------------------------------------------------------------


def test_the_database_refuses_a_verified_session_without_any_verifier(trainee):
    session = SessionFactory(trainee=trainee, status="submitted")
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(status="verified", verified_at=NOW)


def test_the_database_refuses_a_request_both_used_and_revoked(asked):
    request, _ = asked
    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalConfirmationRequest.objects.filter(pk=request.pk).update(
            used_at=NOW, outcome="confirmed", confirmed_name="Ezra", revoked_at=NOW
        )


def test_a_reopened_external_confirmation_can_be_countersigned_by_a_supervisor(
    asked, supervisor, client_sessions
):
    from trainees.services.countersign import session_reopen

    _, token = asked
    ext.external_confirmation_confirm(token=token, confirmed_name="Ezra", attested=True)
    first = client_sessions[0]

    session_reopen(session=first, supervisor=supervisor, reason="Wrong supervisor")
    countersign.session_countersign(session=first, supervisor=supervisor)

    first.refresh_from_db()
    assert (first.status, first.verified_by_id) == ("verified", supervisor.pk)


# --- races (PostgreSQL row locks) -------------------------------------------------------------


@pytest.fixture
def racing(trainee, enrollment, frozen_today, mailoutbox, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL (CI runs this on PostgreSQL)")
    sessions = [
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, day),
            category=_category("client_individual"),
            status="submitted",
        )
        for day in (1, 3)
    ]
    request = ext.external_confirmation_request(
        trainee=trainee,
        actor=trainee.user,
        session_ids=[s.pk for s in sessions],
        confirmer_name="Ezra External",
        confirmer_email="ezra@example.com",
    )
    # Outside a test transaction the e-mail goes out on commit, i.e. at once (eager Celery).
    token = _token(mailoutbox)
    original = ext.trainee_snapshots_mark_stale

    def slow(**kwargs):
        # Hold the winner's transaction open so the other really waits on its locks.
        clock.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(ext, "trainee_snapshots_mark_stale", slow)
    return request, token, sessions


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_one_wins(racing):
    request, token, sessions = racing

    outcomes = race(
        lambda: ext.external_confirmation_confirm(token=token, confirmed_name="A", attested=True),
        lambda: ext.external_confirmation_confirm(token=token, confirmed_name="B", attested=True),
    )

    failures = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(failures) == 1
    assert isinstance(failures[0], ext.LinkGone)
    assert failures[0].message == ext.LINK_CONFIRMED
    request.refresh_from_db()
    assert request.confirmed_name in {"A", "B"}
    for session in sessions:
        statuses = list(
            Session.history.filter(id=session.pk)
            .order_by("history_id")
            .values_list("status", flat=True)
        )
        assert statuses == ["submitted", "verified"]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_racing_a_countersignature_leaves_one_verification(
    racing, supervisor, monkeypatch
):
    request, token, sessions = racing
    hook = "trainee_snapshots_mark_stale"
    original = getattr(session_services, hook)

    def slow(**kwargs):
        clock.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(session_services, hook, slow)

    outcomes = race(
        lambda: ext.external_confirmation_confirm(token=token, confirmed_name="A", attested=True),
        lambda: countersign.session_countersign(session=sessions[0], supervisor=supervisor),
    )

    failures = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(failures) == 1
    first = Session.objects.get(pk=sessions[0].pk)
    second = Session.objects.get(pk=sessions[1].pk)
    assert first.status == "verified"
    if isinstance(outcomes["first"], Exception):
        # The supervisor won: nothing of the request was verified.
        assert outcomes["first"].messages == [ext.SESSIONS_CHANGED]
        assert (first.verified_by_id, first.external_confirmation_id) == (supervisor.pk, None)
        assert second.status == "submitted"
    else:
        assert outcomes["second"].messages == [countersign.NOT_AWAITING]
        assert (first.verified_by_id, first.external_confirmation_id) == (None, request.pk)
        assert second.external_confirmation_id == request.pk


# --- erasure ----------------------------------------------------------------------------------


def test_erasing_the_trainee_removes_the_confirmers_details_but_keeps_the_verification(
    asked, trainee, client_sessions
):
    from data_rights.services.erasure import trainee_erase

    request, token = asked
    ext.external_confirmation_confirm(
        token=token, confirmed_name="Ezra External", attested=True, ip_address="203.0.113.9"
    )

    trainee_erase(trainee=trainee)

    request.refresh_from_db()
    assert (request.confirmer_name, request.confirmer_email, request.confirmed_name) == (
        "erased",
        "erased@invalid",
        "erased",
    )
    assert (request.message, request.confirmer_ip, request.outcome) == ("", None, "confirmed")
    history = list(request.history.values_list("confirmer_name", "confirmer_email", "message"))
    assert "Ezra" not in str(history) and "ezra@example.com" not in str(history)
    assert _statuses(client_sessions) == [("verified", None, request.pk)] * 2


def test_erasing_the_trainee_removes_a_decliners_words_everywhere(asked, trainee):
    from data_rights.services.erasure import trainee_erase

    request, token = asked
    ext.external_confirmation_decline(
        token=token, reason="Sessions with my patient Ms X never happened", confirmed_name="Ezra"
    )

    trainee_erase(trainee=trainee)

    history = list(
        request.history.values_list("decline_reason", "confirmed_name", "history_change_reason")
    )
    assert "Ms X" not in str(history) and "Ezra" not in str(history)
    assert [row[2] for row in history] == ["declined", "requested"]


def test_the_sweep_sends_what_a_lost_task_never_sent_once(
    trainee, client_sessions, mailoutbox, frozen_today
):
    # The request is committed but its e-mail task never ran (no on-commit callbacks here: as
    # if Redis had lost the message).
    request = _unsent_request(trainee, client_sessions)
    assert mailoutbox == []

    assert mail.external_confirmations_sweep() == 0  # within the grace period: the task may run
    frozen_today.shift(timedelta(minutes=3))
    assert mail.external_confirmations_sweep() == 1
    assert mail.external_confirmations_sweep() == 0

    assert [m.to for m in mailoutbox] == [["ezra@example.com"]]
    token = LINK.search(mailoutbox[0].body).group(1)
    ext.external_confirmation_decline(token=token, reason="Not 50 minutes", confirmed_name="Ezra")
    frozen_today.shift(timedelta(minutes=3))

    assert mail.external_confirmations_sweep() == 1
    assert mail.external_confirmations_sweep() == 0
    assert [m.to for m in mailoutbox] == [["ezra@example.com"], ["trainee@example.org"]]
    request.refresh_from_db()
    assert request.trainee_notified_at is not None
