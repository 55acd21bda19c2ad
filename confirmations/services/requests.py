"""Countersigning without an account: a signed, expiring, single-use link sent by e-mail.

A trainee asks someone who has no account (an external supervisor, their own therapist) to
confirm some submitted sessions of one category. The link carries `signing.dumps({"i": id,
"n": nonce})`: the signature rejects forged or altered links before any database work, and only
a SHA-256 digest of the nonce is stored. The nonce is made when the e-mail is sent, not when the
request is created, so the raw value never sits in the database or in a broker message.

Lock order, the same as trainees.services.sessions: the trainee row, then the request, then the
sessions in id order. A confirmation racing a supervisor's countersignature or the trainee's
withdrawal therefore waits, then re-reads and refuses if anything it was about to confirm moved.
Confirmation is all or nothing: a session that is no longer awaiting verification, or whose
shown details (date, time, minutes, category, format, modality) changed, refuses the whole
request, so nobody ever confirms something other than what they were shown.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from confirmations.models import (
    ConfirmationOutcome,
    ConfirmationState,
    ExternalConfirmationItem,
    ExternalConfirmationRequest,
)
from core.history import save_with_reason
from core.publish import publish_on_commit
from trainees import events
from trainees.models import Session, SessionStatus, Trainee
from trainees.services.compliance import trainee_snapshots_mark_stale
from trainees.services.locks import trainees_lock

REQUEST_EMAIL_TASK = "confirmations.tasks.external_confirmation_email_send"
DECLINED_EMAIL_TASK = "confirmations.tasks.external_confirmation_declined_notify"

SALT = "countersign.external-confirmation.v1"
DEFAULT_LIFETIME_DAYS = 14
MESSAGE_LENGTH = 2000

NOTHING_CHOSEN = "Choose at least one session."
NOT_YOUR_SESSION = "This session is not yours."
NOT_AWAITING = "Only submitted sessions that are not withdrawn can be confirmed by e-mail."
ONE_CATEGORY = "Choose sessions of one category; send one request per category."
ALREADY_REQUESTED = "A session you chose is already waiting for a confirmation by e-mail."
OWN_EMAIL = "Ask someone else: you cannot confirm your own sessions."
MESSAGE_TOO_LONG = f"Keep the message to at most {MESSAGE_LENGTH} characters."
NOT_PENDING = "Only a request that is still waiting can be cancelled."
NOT_THEIR_REQUEST = "This request is not yours."
NAME_REQUIRED = "Type your full name."
ATTEST_REQUIRED = "Tick the box to confirm the sessions as listed."
DECLINE_REASON_REQUIRED = "Say briefly what is not accurate."
LINK_INVALID = "This link is not valid. Use the link from the e-mail exactly as it was sent."
LINK_EXPIRED = "This link has expired. Ask the trainee to send a new request."
LINK_REVOKED = "The trainee cancelled this request; there is nothing to confirm."
LINK_CONFIRMED = "These sessions have already been confirmed. Thank you."
LINK_DECLINED = "This request was already answered as not accurate."
SESSIONS_CHANGED = (
    "The trainee changed, withdrew or had verified some of these sessions after sending this "
    "link, so nothing was confirmed. Ask them to send a new request."
)


class LinkNotFound(Exception):
    """Unknown or tampered link: the page is a 404."""


class LinkGone(Exception):
    """A real link that can no longer be used (expired, used, revoked): the page is a 410."""

    def __init__(self, message: str, state: str) -> None:
        super().__init__(message)
        self.message = message
        self.state = state


def lifetime() -> timedelta:
    days = int(getattr(settings, "EXTERNAL_CONFIRMATION_DAYS", DEFAULT_LIFETIME_DAYS))
    return timedelta(days=days)


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def session_fingerprint(session: Session) -> str:
    """A digest of exactly what the confirmer is shown of a session."""
    parts = (
        session.trainee_id,
        session.date.isoformat(),
        session.start_time.strftime("%H:%M") if session.start_time else "",
        session.duration_minutes,
        session.category_id,
        session.format,
        session.group_size or "",
        session.modality,
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _open_items_of(session_ids: list[int]) -> list[int]:
    """Sessions among these already covered by a request that can still be answered."""
    return list(
        ExternalConfirmationItem.objects.filter(
            session_id__in=session_ids,
            request__used_at__isnull=True,
            request__revoked_at__isnull=True,
            request__expires_at__gt=timezone.now(),
        ).values_list("session_id", flat=True)
    )


def external_confirmation_request(
    *,
    trainee: Trainee,
    actor: User,
    session_ids: list[int],
    confirmer_name: str,
    confirmer_email: str,
    message: str = "",
) -> ExternalConfirmationRequest:
    """Ask someone without an account to confirm submitted sessions of one category; the e-mail
    goes out after commit. Not idempotent (each call is a new request). Raises PermissionDenied
    for someone else's sessions, ValidationError with field messages otherwise."""
    if actor.pk != trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    ids = sorted(set(session_ids))
    if not ids:
        raise ValidationError({"sessions": [NOTHING_CHOSEN]})
    email = confirmer_email.strip().lower()
    if email and email == trainee.user.email.lower():
        raise ValidationError({"confirmer_email": [OWN_EMAIL]})
    if len(message.strip()) > MESSAGE_LENGTH:
        raise ValidationError({"message": [MESSAGE_TOO_LONG]})
    with transaction.atomic():
        trainees_lock(trainee.pk)
        sessions = list(
            Session.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        )
        if len(sessions) != len(ids) or any(s.trainee_id != trainee.pk for s in sessions):
            raise PermissionDenied(NOT_YOUR_SESSION)
        if any(s.status != SessionStatus.SUBMITTED or s.is_withdrawn for s in sessions):
            raise ValidationError({"sessions": [NOT_AWAITING]})
        if len({s.category_id for s in sessions}) != 1:
            raise ValidationError({"sessions": [ONE_CATEGORY]})
        if _open_items_of(ids):
            raise ValidationError({"sessions": [ALREADY_REQUESTED]})
        now = timezone.now()
        request = ExternalConfirmationRequest(
            trainee=trainee,
            category_id=sessions[0].category_id,
            confirmer_name=confirmer_name.strip(),
            confirmer_email=email,
            message=message.strip(),
            created_at=now,
            expires_at=now + lifetime(),
        )
        request.full_clean()
        save_with_reason(request, "requested")
        ExternalConfirmationItem.objects.bulk_create(
            ExternalConfirmationItem(
                request=request, session=session, fingerprint=session_fingerprint(session)
            )
            for session in sessions
        )
        request_id = request.pk
        # A lost message leaves the request "not sent yet": the sweep (or the trainee's "Send
        # again") sends it.
        publish_on_commit(REQUEST_EMAIL_TASK, (request_id,), what="confirmations")
    return request


def _locked_own_request(
    request: ExternalConfirmationRequest, actor: User
) -> ExternalConfirmationRequest:
    trainees_lock(request.trainee_id)
    current = (
        ExternalConfirmationRequest.objects.select_for_update(of=("self",))
        .select_related("trainee")
        .get(pk=request.pk)
    )
    if current.trainee.user_id != actor.pk:
        raise PermissionDenied(NOT_THEIR_REQUEST)
    return current


def external_confirmation_revoke(
    *, request: ExternalConfirmationRequest, actor: User
) -> ExternalConfirmationRequest:
    """Cancel a waiting request: its link stops working. Recorded in the request's history.
    Raises ValidationError if it is no longer waiting, PermissionDenied for someone else's."""
    with transaction.atomic():
        current = _locked_own_request(request, actor)
        if current.state != ConfirmationState.PENDING:
            raise ValidationError(NOT_PENDING)
        current.revoked_at = timezone.now()
        save_with_reason(current, "cancelled by the trainee")
    return current


def external_confirmation_resend(
    *, request: ExternalConfirmationRequest, actor: User
) -> ExternalConfirmationRequest:
    """Send the e-mail of a waiting request again, with a new link (the old one stops working).
    For a message that was lost or deleted. Raises like `external_confirmation_revoke`."""
    with transaction.atomic():
        current = _locked_own_request(request, actor)
        if current.state != ConfirmationState.PENDING:
            raise ValidationError(NOT_PENDING)
        current.emailed_at = None
        current.token_digest = None
        save_with_reason(current, "sent again")
        request_id = current.pk
        # A lost message leaves the request "not sent yet": the sweep (or the trainee's "Send
        # again") sends it.
        publish_on_commit(REQUEST_EMAIL_TASK, (request_id,), what="confirmations")
    return current


@dataclass(frozen=True, slots=True)
class IssuedLink:
    request: ExternalConfirmationRequest
    token: str
    digest: str


def external_confirmation_link_issue(*, request_id: int) -> IssuedLink | None:
    """Make the link for a waiting request that has not been e-mailed yet, and mark it e-mailed.
    Idempotent: the conditional UPDATE lets exactly one caller win; the others get None."""
    nonce = secrets.token_urlsafe(32)
    digest = _digest(nonce)
    now = timezone.now()
    claimed = ExternalConfirmationRequest.objects.filter(
        pk=request_id,
        emailed_at__isnull=True,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(token_digest=digest, emailed_at=now)
    if claimed != 1:
        return None
    request = ExternalConfirmationRequest.objects.select_related("trainee__user", "category").get(
        pk=request_id
    )
    token = signing.dumps({"i": request_id, "n": nonce}, salt=SALT, compress=True)
    return IssuedLink(request=request, token=token, digest=digest)


def external_confirmation_link_release(*, link: IssuedLink) -> None:
    """The e-mail with this link could not be sent: forget the link so a retry makes (and sends)
    a new one. Only this link: if "send again" has issued a newer one meanwhile, that one was
    (or is being) sent and must keep working."""
    ExternalConfirmationRequest.objects.filter(
        pk=link.request.pk, used_at__isnull=True, token_digest=link.digest
    ).update(token_digest=None, emailed_at=None)


def _request_id_from(token: str) -> tuple[int, str]:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise LinkNotFound(LINK_INVALID) from error
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("i"), int)
        or not isinstance(payload.get("n"), str)
    ):
        raise LinkNotFound(LINK_INVALID)
    return payload["i"], _digest(payload["n"])


GONE_MESSAGES = {
    ConfirmationState.EXPIRED: LINK_EXPIRED,
    ConfirmationState.REVOKED: LINK_REVOKED,
    ConfirmationState.CONFIRMED: LINK_CONFIRMED,
    ConfirmationState.DECLINED: LINK_DECLINED,
}


def _usable(request: ExternalConfirmationRequest | None) -> ExternalConfirmationRequest:
    if request is None:
        raise LinkNotFound(LINK_INVALID)
    state = request.state
    if state != ConfirmationState.PENDING:
        raise LinkGone(GONE_MESSAGES[ConfirmationState(state)], state)
    return request


def external_confirmation_from_token(*, token: str) -> ExternalConfirmationRequest:
    """The waiting request a link names. Raises LinkNotFound (forged, altered, unknown, replaced
    by a newer link) or LinkGone (expired, cancelled, already answered)."""
    request_id, digest = _request_id_from(token)
    return _usable(
        ExternalConfirmationRequest.objects.select_related("trainee__user", "category")
        .filter(pk=request_id, token_digest=digest)
        .first()
    )


def _locked_for_answer(token: str) -> ExternalConfirmationRequest:
    request_id, digest = _request_id_from(token)
    trainee_id = (
        ExternalConfirmationRequest.objects.filter(pk=request_id, token_digest=digest)
        .values_list("trainee_id", flat=True)
        .first()
    )
    if trainee_id is None:
        raise LinkNotFound(LINK_INVALID)
    trainees_lock(trainee_id)
    # Re-read under the lock: a concurrent answer, cancellation or resend may have just landed.
    return _usable(
        ExternalConfirmationRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, token_digest=digest)
        .first()
    )


def _client(ip_address: str | None, user_agent: str) -> dict[str, object]:
    return {"confirmer_ip": ip_address or None, "confirmer_user_agent": user_agent[:255]}


def external_confirmation_confirm(
    *,
    token: str,
    confirmed_name: str,
    attested: bool,
    ip_address: str | None = None,
    user_agent: str = "",
) -> ExternalConfirmationRequest:
    """Verify every session of the request, or none, and use up the link. Single use.

    Raises LinkNotFound / LinkGone for a link that cannot be used, ValidationError for a missing
    name or box, or when a session changed since the link was sent (SESSIONS_CHANGED).
    """
    name = " ".join(confirmed_name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["confirmed_name"] = [NAME_REQUIRED]
    if not attested:
        errors["attest"] = [ATTEST_REQUIRED]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = _locked_for_answer(token)
        items = {item.session_id: item.fingerprint for item in request.items.all()}
        sessions = list(
            Session.objects.select_for_update(of=("self",)).filter(pk__in=items).order_by("pk")
        )
        if len(sessions) != len(items) or any(
            s.status != SessionStatus.SUBMITTED
            or s.is_withdrawn
            or session_fingerprint(s) != items[s.pk]
            for s in sessions
        ):
            raise ValidationError(SESSIONS_CHANGED)
        now = timezone.now()
        for session in sessions:
            session.status = SessionStatus.VERIFIED
            session.verified_by = None
            session.verified_at = now
            session.external_confirmation = request
            save_with_reason(session, f"confirmed by e-mail link (request {request.pk})")
        request.used_at = now
        request.outcome = ConfirmationOutcome.CONFIRMED
        request.confirmed_name = name[:200]
        for field, value in _client(ip_address, user_agent).items():
            setattr(request, field, value)
        request.full_clean()
        save_with_reason(request, "confirmed")
        trainee_snapshots_mark_stale(trainee_id=request.trainee_id)
        events.sessions_verified(sessions=sessions)
    return request


def external_confirmation_decline(
    *,
    token: str,
    reason: str,
    confirmed_name: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> ExternalConfirmationRequest:
    """Answer "not accurate": the link is used up, the sessions stay as they were, the trainee is
    told by e-mail after commit. Raises LinkNotFound / LinkGone, or ValidationError without a
    reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"decline_reason": [DECLINE_REASON_REQUIRED]})
    with transaction.atomic():
        request = _locked_for_answer(token)
        request.used_at = timezone.now()
        request.outcome = ConfirmationOutcome.DECLINED
        request.decline_reason = reason[:2000]
        request.confirmed_name = " ".join(confirmed_name.split())[:200]
        for field, value in _client(ip_address, user_agent).items():
            setattr(request, field, value)
        request.full_clean()
        # Not the reason itself: it is the confirmer's free text, which erasure must be able to
        # remove from the one column (and its history) that holds it.
        save_with_reason(request, "declined")
        request_id = request.pk
        # The trainee also sees the answer and its reason on their requests page.
        publish_on_commit(DECLINED_EMAIL_TASK, (request_id,), what="confirmations")
    return request
