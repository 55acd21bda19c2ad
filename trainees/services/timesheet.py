"""The weekly timesheet: set the draft minutes of many (category, day) cells at once.

Each cell's input is the minutes of its single draft session: a new value logs a draft, a changed
one edits it, zero withdraws it. Submitted, verified and rejected sessions are never touched here.
All cells go through the session services and succeed or fail together.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from programs.models import ActivityCategory
from trainees.models import Session, SessionStatus, Trainee
from trainees.services.sessions import session_log, session_update, session_withdraw

SEVERAL_DRAFTS = "This cell has several drafts; edit them in the session list."


@dataclass(frozen=True, slots=True)
class CellChange:
    category_id: int
    date: date
    minutes: int


@dataclass(frozen=True, slots=True)
class TimesheetOutcome:
    logged: int
    updated: int
    withdrawn: int


def timesheet_save(*, trainee: Trainee, actor: User, changes: list[CellChange]) -> TimesheetOutcome:
    """Apply cell changes through the session services, all or nothing.

    Raises ValidationError whose message dict is keyed "<category_id>:<iso date>".
    """
    dates = {c.date for c in changes}
    drafts: dict[tuple[int, date], list[Session]] = {}
    for session in Session.objects.filter(
        trainee=trainee, date__in=dates, status=SessionStatus.DRAFT, withdrawn_at__isnull=True
    ):
        drafts.setdefault((session.category_id, session.date), []).append(session)
    categories = ActivityCategory.objects.in_bulk({c.category_id for c in changes})
    errors: dict[str, list[str]] = {}
    logged = updated = withdrawn = 0
    with transaction.atomic():
        for change in changes:
            key = f"{change.category_id}:{change.date.isoformat()}"
            existing = drafts.get((change.category_id, change.date), [])
            try:
                if len(existing) > 1:
                    raise ValidationError(SEVERAL_DRAFTS)
                if not existing and change.minutes > 0:
                    session_log(
                        trainee=trainee,
                        actor=actor,
                        date=change.date,
                        duration_minutes=change.minutes,
                        category=categories[change.category_id],
                    )
                    logged += 1
                elif existing and change.minutes == 0:
                    session_withdraw(session=existing[0], actor=actor, reason="timesheet")
                    withdrawn += 1
                elif existing and existing[0].duration_minutes != change.minutes:
                    session_update(
                        session=existing[0], actor=actor, duration_minutes=change.minutes
                    )
                    updated += 1
            except ValidationError as error:
                errors[key] = error.messages
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return TimesheetOutcome(logged=logged, updated=updated, withdrawn=withdrawn)
