"""Countersigning and rejecting submitted sessions, and reopening a verified one.

One path for every door (the queue, the API, a single session or a whole week): a single
session is a batch of one. A supervisor clears a queue: one session, a chosen few, or a whole
week. The batch is all or nothing, so a page that says "12 verified" never means "9 verified and 3 silently skipped".
Sessions are grouped by trainee and each trainee row is locked once, in id order, so two
supervisors verifying overlapping batches cannot deadlock; snapshots are marked for refresh once
per trainee rather than once per session.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.history import save_with_reason
from trainees import events
from trainees.models import Session, SessionStatus, SupervisorAssignment
from trainees.services.compliance import trainee_snapshots_mark_stale
from trainees.services.locks import trainees_lock
from trainees.services.session_rules import RELATED_FIELDS
from trainees.services.sessions import WITHDRAWN_SESSION

NOT_AWAITING = "Only submitted sessions can be countersigned or rejected."
REJECTION_REASON_REQUIRED = "A reason is required to reject a session."
NOT_THEIR_SUPERVISOR = "You do not supervise this session."
NOTHING_CHOSEN = "Choose at least one session."
NOT_VERIFIED = "Only a verified session can be reopened."
REOPEN_REASON_REQUIRED = "A reason is required to reopen a verified session."


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    sessions: int
    trainees: int


def supervisor_may_countersign(*, supervisor: User, session: Session) -> bool:
    """The provider of the session, or a supervisor assigned to the trainee on that date for it."""
    # Never the trainee: naming oneself as provider must not let anyone verify their own hours.
    if supervisor.pk == session.trainee.user_id:
        return False
    if session.provider_id == supervisor.pk:
        return True
    assignments = SupervisorAssignment.objects.filter(
        supervisor=supervisor,
        enrollment__trainee_id=session.trainee_id,
        starts_on__lte=session.date,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=session.date))
    return assignments.filter(
        Q(categories__isnull=True) | Q(categories=session.category_id)
    ).exists()


def _locked_batch(session_ids: list[int], supervisor: User) -> list[Session]:
    ids = sorted(set(session_ids))
    if not ids:
        raise ValidationError(NOTHING_CHOSEN)
    trainee_ids = sorted(
        set(Session.objects.filter(pk__in=ids).values_list("trainee_id", flat=True))
    )
    # Trainee rows first, then the sessions, as every session service does.
    trainees_lock(*trainee_ids)
    sessions = list(
        Session.objects.select_for_update(of=("self",))
        .select_related("trainee")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(sessions) != len(ids):
        # An id the caller cannot see is treated exactly like one they may not sign.
        raise PermissionDenied(NOT_THEIR_SUPERVISOR)
    for session in sessions:
        if not supervisor_may_countersign(supervisor=supervisor, session=session):
            raise PermissionDenied(NOT_THEIR_SUPERVISOR)
        if session.is_withdrawn:
            raise ValidationError(WITHDRAWN_SESSION)
        if session.status != SessionStatus.SUBMITTED:
            raise ValidationError(NOT_AWAITING)
    return sessions


def _refresh(sessions: list[Session]) -> int:
    trainee_ids = sorted({s.trainee_id for s in sessions})
    for trainee_id in trainee_ids:
        trainee_snapshots_mark_stale(trainee_id=trainee_id)
    return len(trainee_ids)


def sessions_countersign(*, session_ids: list[int], supervisor: User) -> BatchOutcome:
    """Verify every listed submitted session, or none. Not idempotent (a second call finds them
    verified and raises ValidationError); raises PermissionDenied if any is not theirs to sign."""
    with transaction.atomic():
        sessions = _locked_batch(session_ids, supervisor)
        now = timezone.now()
        for session in sessions:
            session.status = SessionStatus.VERIFIED
            session.verified_by = supervisor
            session.verified_at = now
            save_with_reason(session, "countersigned")
        trainees = _refresh(sessions)
        events.sessions_verified(sessions=sessions)
    return BatchOutcome(sessions=len(sessions), trainees=trainees)


def sessions_reject(*, session_ids: list[int], supervisor: User, reason: str) -> BatchOutcome:
    """Send every listed submitted session back with one reason (required), or none."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [REJECTION_REASON_REQUIRED]})
    with transaction.atomic():
        sessions = _locked_batch(session_ids, supervisor)
        for session in sessions:
            session.status = SessionStatus.REJECTED
            session.rejection_reason = reason
            save_with_reason(session, f"rejected: {reason}")
        trainees = _refresh(sessions)
    return BatchOutcome(sessions=len(sessions), trainees=trainees)


def session_countersign(*, session: Session, supervisor: User) -> Session:
    """Verify one submitted session: a batch of one (`sessions_countersign`)."""
    sessions_countersign(session_ids=[session.pk], supervisor=supervisor)
    return Session.objects.select_related(*RELATED_FIELDS).get(pk=session.pk)


def session_reject(*, session: Session, supervisor: User, reason: str) -> Session:
    """Send one submitted session back with a reason: a batch of one (`sessions_reject`)."""
    sessions_reject(session_ids=[session.pk], supervisor=supervisor, reason=reason)
    return Session.objects.select_related(*RELATED_FIELDS).get(pk=session.pk)


def session_reopen(*, session: Session, supervisor: User, reason: str) -> Session:
    """Unlock a verified session back to "submitted" (credit is withdrawn until it is verified
    again). A recorded act: the history row says who, when and why. Raises ValidationError
    without a reason or for a session that is not verified; PermissionDenied for someone who
    could not have countersigned it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [REOPEN_REASON_REQUIRED]})
    with transaction.atomic():
        trainees_lock(session.trainee_id)
        current = (
            Session.objects.select_for_update(of=("self",))
            .select_related("trainee")
            .get(pk=session.pk)
        )
        if not supervisor_may_countersign(supervisor=supervisor, session=current):
            raise PermissionDenied(NOT_THEIR_SUPERVISOR)
        if current.status != SessionStatus.VERIFIED or current.is_withdrawn:
            raise ValidationError(NOT_VERIFIED)
        current.status = SessionStatus.SUBMITTED
        current.verified_by = None
        current.verified_at = None
        current.external_confirmation = None
        save_with_reason(current, f"reopened: {reason}")
        trainee_snapshots_mark_stale(trainee_id=current.trainee_id)
    return current
