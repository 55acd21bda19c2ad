"""Saving a tracked model with the reason its history row records.

django-simple-history reads the reason from an attribute set on the instance before `save()`;
setting it by hand everywhere meant untyped attribute writes and two different length limits.
This is the one way: the reason is cut to the history column's length, so a long free-text
reason (a rejection, a withdrawal) can never make the save fail.
"""

from typing import Any

from django.db import models

# django-simple-history's `history_change_reason` column.
CHANGE_REASON_LENGTH = 100


def change_reason(reason: str) -> str:
    """The reason as the history column keeps it."""
    return reason.strip()[:CHANGE_REASON_LENGTH]


def reason_set(instance: models.Model, reason: str, *, by: models.Model | None = None) -> None:
    """Record `reason` (and, when given, the person `by`) on the history row of the instance's
    next save. `by` names the person outside a web request (a shell, a task), where the history
    middleware has no request to take them from."""
    # simple-history's hooks are plain attributes read by its post_save handler.
    setattr(instance, "_change_reason", change_reason(reason))  # noqa: B010
    if by is not None:
        setattr(instance, "_history_user", by)  # noqa: B010


def save_with_reason(
    instance: models.Model, reason: str, *, by: models.Model | None = None, **save_kwargs: Any
) -> None:
    """Save the instance; its history row records `reason` (and `by`, see `reason_set`)."""
    reason_set(instance, reason, by=by)
    instance.save(**save_kwargs)
