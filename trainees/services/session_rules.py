"""The rules every logged session obeys, whichever door it comes in by: the log form, the
timesheet, recurring sessions, the API and the CSV import. One function, one set of messages.

Which enrollments cover a date is asked through `Coverage`, so the hot path (one session,
answered by one hand-written statement, trainees/sql.py) and the import (a hundred thousand
rows, answered from lookups loaded once) share the rule without sharing the query.
"""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError

from trainees.models import Session, SessionFormat
from trainees.models.session import MAX_SESSION_MINUTES

FUTURE_DATE = "A session cannot be dated after today."
DURATION_RANGE = f"Duration must be between 1 and {MAX_SESSION_MINUTES} minutes (12 hours)."
GROUP_SIZE_REQUIRED = "Group sessions need the number of participants (at least 2)."
GROUP_SIZE_ONLY_FOR_GROUPS = "Only group sessions have a group size."
ONE_PROVIDER = "Give either a provider with an account or a provider name, not both."
NO_ENROLLMENT_ON_DATE = "No enrollment of the trainee covers this date."
CATEGORY_NOT_IN_PROGRAM = "No program the trainee is enrolled in on this date uses this category."

# Related objects are loaded by the caller, so validating their existence needs no query.
RELATED_FIELDS = ["trainee", "category", "provider", "verified_by", "external_confirmation"]

# For a date and a category id: one answer per enrollment covering the date, whether its program
# uses the category (an empty list: no enrollment covers the date).
Coverage = Callable[[date, int | None], list[bool]]


def session_problems(session: Session, *, today: date, coverage: Coverage) -> dict[str, list[str]]:
    """What is wrong with the session, by field; empty when it may be stored."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if session.date and session.date > today:
        add("date", FUTURE_DATE)
    if session.duration_minutes is None or not 1 <= session.duration_minutes <= MAX_SESSION_MINUTES:
        add("duration_minutes", DURATION_RANGE)
    if session.format == SessionFormat.GROUP and (
        session.group_size is None or session.group_size < 2
    ):
        add("group_size", GROUP_SIZE_REQUIRED)
    if session.format != SessionFormat.GROUP and session.group_size is not None:
        add("group_size", GROUP_SIZE_ONLY_FOR_GROUPS)
    if session.provider_id is not None and session.provider_name:
        add("provider_name", ONE_PROVIDER)
    if session.date and "date" not in errors:
        covering = coverage(session.date, session.category_id)
        if not covering:
            add("date", NO_ENROLLMENT_ON_DATE)
        elif session.category_id is not None and not any(covering):
            add("category", CATEGORY_NOT_IN_PROGRAM)
    if errors:
        return errors
    # The table's check constraints are the rules tested above (and the database enforces them
    # on write); validating them again here would cost a savepoint and a query each.
    try:
        session.full_clean(exclude=RELATED_FIELDS, validate_constraints=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}
