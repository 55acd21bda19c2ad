"""Recurring sessions: patterns that propose a session each week, confirmed one click at a time.

A proposal is computed from the pattern and the occurrences already decided; it is never a
Session row, so the engine cannot credit it. Confirming logs the session through `session_log`
(all its validation) and records the occurrence under a unique key, so a double click confirms
a date once.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from programs.models import ActivityCategory
from trainees.models import RecurringOccurrence, RecurringSession, Session, SessionFormat, Trainee
from trainees.services.session_rules import DURATION_RANGE
from trainees.services.sessions import NOT_YOUR_SESSION, session_log

WEEKDAY_RANGE = "Choose a weekday."
NOT_A_PROPOSAL = "This date is not one of the pattern's proposals."
ALREADY_DECIDED = "This date has already been confirmed or skipped."
PROPOSAL_HORIZON_DAYS = 28


@dataclass(frozen=True, slots=True)
class Proposal:
    recurring: RecurringSession
    date: date


def recurring_create(
    *,
    trainee: Trainee,
    actor: User,
    category: ActivityCategory,
    weekday: int,
    duration_minutes: int,
    starts_on: date,
    start_time: time | None = None,
    format: str = SessionFormat.INDIVIDUAL,
    group_size: int | None = None,
    modality: str = "in_person",
    provider: User | None = None,
    provider_name: str = "",
    ends_on: date | None = None,
) -> RecurringSession:
    """Create a weekly pattern. Raises ValidationError, PermissionDenied for someone else."""
    if actor.pk != trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    errors: dict[str, list[str]] = {}
    if not 0 <= weekday <= 6:
        errors["weekday"] = [WEEKDAY_RANGE]
    if not 1 <= duration_minutes <= 720:
        errors["duration_minutes"] = [DURATION_RANGE]
    if errors:
        raise ValidationError(errors)
    pattern = RecurringSession(
        trainee=trainee,
        category=category,
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes,
        format=format,
        group_size=group_size,
        modality=modality,
        provider=provider,
        provider_name=provider_name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    pattern.full_clean()
    pattern.save()
    return pattern


def recurring_stop(*, recurring: RecurringSession, actor: User) -> RecurringSession:
    """Stop proposing. Idempotent. Sessions already confirmed stay."""
    if actor.pk != recurring.trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    RecurringSession.objects.filter(pk=recurring.pk, stopped_at__isnull=True).update(
        stopped_at=timezone.now()
    )
    recurring.refresh_from_db()
    return recurring


def _dates(pattern: RecurringSession, first: date, last: date) -> list[date]:
    start = max(first, pattern.starts_on)
    end = min(last, pattern.ends_on) if pattern.ends_on else last
    day = start + timedelta(days=(pattern.weekday - start.weekday()) % 7)
    dates = []
    while day <= end:
        dates.append(day)
        day += timedelta(days=7)
    return dates


def recurring_proposals(*, trainee: Trainee, today: date) -> list[Proposal]:
    """Undecided dates up to today from the trainee's active patterns (last four weeks). Two queries."""
    first = today - timedelta(days=PROPOSAL_HORIZON_DAYS)
    patterns = list(
        RecurringSession.objects.filter(trainee=trainee, stopped_at__isnull=True).select_related(
            "category", "provider"
        )
    )
    decided = set(
        RecurringOccurrence.objects.filter(
            recurring__in=[p.pk for p in patterns], date__gte=first
        ).values_list("recurring_id", "date")
    )
    proposals = [
        Proposal(recurring=p, date=day)
        for p in patterns
        for day in _dates(p, first, today)
        if (p.pk, day) not in decided
    ]
    return sorted(proposals, key=lambda proposal: (proposal.date, proposal.recurring.pk))


def _check_proposal(recurring: RecurringSession, day: date, actor: User, today: date) -> None:
    if actor.pk != recurring.trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    if recurring.stopped_at is not None or day not in _dates(
        recurring, today - timedelta(days=PROPOSAL_HORIZON_DAYS), today
    ):
        raise ValidationError(NOT_A_PROPOSAL)


def recurring_confirm(
    *, recurring: RecurringSession, date: date, actor: User, today: date, submit: bool = True
) -> Session:
    """Log the proposed session for `date` (submitted unless `submit=False`). Once per date.

    Raises ValidationError (not a proposal, already decided, or any session_log error).
    """
    _check_proposal(recurring, date, actor, today)
    try:
        with transaction.atomic():
            occurrence = RecurringOccurrence.objects.create(recurring=recurring, date=date)
            session = session_log(
                trainee=recurring.trainee,
                actor=actor,
                date=date,
                start_time=recurring.start_time,
                duration_minutes=recurring.duration_minutes,
                category=recurring.category,
                format=recurring.format,
                group_size=recurring.group_size,
                modality=recurring.modality,
                provider=recurring.provider,
                provider_name=recurring.provider_name,
                submit=submit,
            )
            occurrence.session = session
            occurrence.save(update_fields=["session"])
    except IntegrityError as error:
        raise ValidationError(ALREADY_DECIDED) from error
    return session


def recurring_skip(*, recurring: RecurringSession, date: date, actor: User, today: date) -> None:
    """Dismiss the proposal for `date` (it did not happen). Idempotent."""
    _check_proposal(recurring, date, actor, today)
    RecurringOccurrence.objects.get_or_create(
        recurring=recurring, date=date, defaults={"skipped": True}
    )
