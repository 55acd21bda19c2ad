"""What the engine computes from: one enrollment's dates, leaves and logged sessions.

A selector builds these from the database; the engine never sees a model. Dates are local dates
in the program's time zone, already converted by the selector.
"""

from dataclasses import dataclass
from datetime import date, time
from typing import Literal

SessionStatus = Literal["draft", "submitted", "verified", "rejected"]
SESSION_STATUSES: frozenset[str] = frozenset({"draft", "submitted", "verified", "rejected"})


@dataclass(frozen=True, slots=True)
class SessionFact:
    """One logged session. `status` is a plain str so a model's CharField passes straight in."""

    id: int
    date: date
    start_time: time | None
    minutes: int
    category: str
    status: str
    withdrawn: bool = False
    group_size: int | None = None
    provider_id: int | None = None

    def __post_init__(self) -> None:
        # A zero-minute or unknown-status session would be credited or excluded silently wrong.
        if self.minutes <= 0:
            raise ValueError(f"session {self.id}: minutes must be positive, got {self.minutes}")
        if self.status not in SESSION_STATUSES:
            raise ValueError(f"session {self.id}: unknown status {self.status!r}")


@dataclass(frozen=True, slots=True)
class Leave:
    """A leave of absence; both ends are inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"leave ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class EnrollmentFacts:
    """Everything the engine needs about one enrollment; `end` is inclusive."""

    enrollment_id: int
    start: date
    end: date
    as_of: date
    leaves: tuple[Leave, ...]
    sessions: tuple[SessionFact, ...]

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"enrollment {self.enrollment_id} ends ({self.end}) before it starts ({self.start})"
            )


def chronological_key(session: SessionFact) -> tuple[date, bool, time, int]:
    """Sort key: date, then start time (sessions without one first), then the order logged (id)."""
    return (
        session.date,
        session.start_time is not None,
        session.start_time or time.min,
        session.id,
    )
