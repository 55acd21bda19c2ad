"""Writes to logged sessions: log, edit, submit, countersign, reject, withdraw, restore.

Every service locks the trainee row first. Sessions of one trainee feed all their enrollments'
snapshots; serialising a trainee's writes keeps the pending-refresh request (see
`trainee_snapshots_mark_stale`) exact: no change can slip between a worker's read and its clear.
"""

from datetime import date, time
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_with_reason
from core.timezones import today_in
from programs.models import ActivityCategory
from trainees.models import (
    Session,
    SessionStatus,
    Trainee,
)
from trainees.services.compliance import trainee_snapshots_mark_stale
from trainees.services.locks import trainees_lock
from trainees.services.session_rules import session_problems
from trainees.sql import covering_enrollments_use, trainee_of_user_locked

NOT_EDITABLE = "Only draft or rejected sessions can be edited; ask for a correction instead."
NOT_SUBMITTABLE = "Only draft or rejected sessions can be submitted."
NOT_YOUR_SESSION = "This session is not yours."
ALREADY_WITHDRAWN = "This session is already withdrawn."
NOT_WITHDRAWN = "This session is not withdrawn."
WITHDRAWN_SESSION = "This session is withdrawn; restore it first."

EDITABLE_FIELDS = frozenset(
    {
        "date",
        "start_time",
        "duration_minutes",
        "category",
        "format",
        "group_size",
        "modality",
        "provider",
        "provider_name",
        "notes",
    }
)


def _trainee_today(trainee: Trainee) -> date:
    return today_in(trainee.user.time_zone)


def _validate(session: Session, trainee: Trainee) -> None:
    def coverage(on: date, category_id: int | None) -> list[bool]:
        return covering_enrollments_use(trainee_id=trainee.pk, on=on, category_id=category_id)

    errors = session_problems(session, today=_trainee_today(trainee), coverage=coverage)
    if errors:
        raise ValidationError(errors)


class LoggedSession(TypedDict, total=False):
    """What a trainee logs: `date`, `duration_minutes` and `category`, and any of the rest (the
    model's defaults otherwise). `submit` sends it for countersigning right away."""

    date: Required[date]
    duration_minutes: Required[int]
    category: Required[ActivityCategory]
    start_time: time | None
    format: str
    group_size: int | None
    modality: str
    provider: User | None
    provider_name: str
    notes: str
    submit: bool


def session_log(*, trainee: Trainee, actor: User, **fields: Unpack[LoggedSession]) -> Session:
    """Log a session as a draft (or submitted). Not idempotent: callers dedupe (idempotency keys).

    Raises ValidationError with field messages, PermissionDenied if `actor` is not the trainee.
    """
    if actor.pk != trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    with transaction.atomic():
        trainees_lock(trainee.pk)
        return _log_locked(trainee, fields)


def session_log_own(*, actor: User, **fields: Unpack[LoggedSession]) -> Session:
    """`session_log` for the signed-in person's own session, as the API logs it: finding their
    trainee record and locking it is one query instead of two (logging is the hottest write).

    Raises Trainee.DoesNotExist for someone who is not a trainee, besides `session_log`'s errors.
    """
    with transaction.atomic():
        return _log_locked(_lock_trainee_of(actor), fields)


def _lock_trainee_of(user: User) -> Trainee:
    trainee = trainee_of_user_locked(user.pk)
    if trainee is None:
        raise Trainee.DoesNotExist
    trainee.user = user
    return trainee


def _log_locked(trainee: Trainee, fields: LoggedSession) -> Session:
    values = dict(fields)
    submit = values.pop("submit", False)
    session = Session(trainee=trainee, **values)
    if submit:
        session.status = SessionStatus.SUBMITTED
        session.submitted_at = timezone.now()
    _validate(session, trainee)
    _save(session, "logged")
    return session


def _save(session: Session, reason: str) -> None:
    """Save with the reason recorded in the session's history, and have the trainee's snapshots
    recomputed once this commits (the trainee's own pages settle it on read if no worker has)."""
    save_with_reason(session, reason)
    trainee_snapshots_mark_stale(trainee_id=session.trainee_id)


def _own_locked(session: Session, actor: User) -> Session:
    """The session locked for a change by its trainee; anyone else is refused."""
    current = _locked(session)
    if actor.pk != current.trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    return current


def _locked(session: Session) -> Session:
    trainees_lock(session.trainee_id)
    return Session.objects.select_for_update().select_related("trainee__user").get(pk=session.pk)


def session_update(*, session: Session, actor: User, **changes: Any) -> Session:
    """Edit a draft or rejected session (an edit of a rejected one returns it to draft)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = _own_locked(session, actor)
        if current.is_withdrawn:
            raise ValidationError(WITHDRAWN_SESSION)
        if current.status not in (SessionStatus.DRAFT, SessionStatus.REJECTED):
            raise ValidationError(NOT_EDITABLE)
        for field, value in changes.items():
            setattr(current, field, value)
        current.status = SessionStatus.DRAFT
        _validate(current, current.trainee)
        _save(current, "edited")
    return current


def session_submit(*, session: Session, actor: User) -> Session:
    """Send a draft (or corrected rejected) session for countersigning."""
    with transaction.atomic():
        current = _own_locked(session, actor)
        if current.is_withdrawn:
            raise ValidationError(WITHDRAWN_SESSION)
        if current.status not in (SessionStatus.DRAFT, SessionStatus.REJECTED):
            raise ValidationError(NOT_SUBMITTABLE)
        _validate(current, current.trainee)
        current.status = SessionStatus.SUBMITTED
        current.submitted_at = timezone.now()
        current.rejection_reason = ""
        _save(current, "submitted")
    return current


def session_withdraw(*, session: Session, actor: User, reason: str = "") -> Session:
    """Withdraw a session: kept, excluded from every computation, restorable."""
    with transaction.atomic():
        current = _own_locked(session, actor)
        if current.is_withdrawn:
            raise ValidationError(ALREADY_WITHDRAWN)
        current.withdrawn_at = timezone.now()
        current.withdrawal_reason = reason.strip()[:255]
        _save(current, "withdrawn")
    return current


def session_restore(*, session: Session, actor: User) -> Session:
    """Undo a withdrawal; the session returns with the status it had."""
    with transaction.atomic():
        current = _own_locked(session, actor)
        if not current.is_withdrawn:
            raise ValidationError(NOT_WITHDRAWN)
        current.withdrawn_at = None
        current.withdrawal_reason = ""
        _save(current, "restored")
    return current
