"""What the engine computes from: one enrollment's dates, leaves and logged sessions.

A selector builds these from the database; the engine never sees a model. Dates are local dates
in the program's time zone, already converted by the selector.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

SessionStatus = Literal["draft", "submitted", "verified", "rejected"]
SESSION_STATUSES: frozenset[str] = frozenset({"draft", "submitted", "verified", "rejected"})

# One pattern for a work setting's key everywhere: the session's `setting` (a Django SlugField,
# so its validator's pattern) and a program file's `where.settings` (program.schema.json's
# `$defs.setting`). A file naming `site-x` must reach the sessions logged at `site-x`.
SETTING_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")
SETTING_MAX_LENGTH = 64
BAD_SETTING = "session {id}: setting {setting!r} is not a setting key (letters, digits, - and _)"
BAD_OWN_CASE = "session {id}: own case minutes must be from 0 to its {minutes} minutes, got {own}"


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
    # Participants of the trainee's kind (supervisees in group supervision, members in group
    # therapy), the trainee included; None for an individual session.
    group_size: int | None = None
    provider_id: int | None = None
    # What the provider was when the session took place ("approved_consultant",
    # "consultant_in_training"): a provider's standing changes, a past session's does not.
    provider_kind: str | None = None
    client_id: int | None = None
    # The work setting (placement, agency) the session belongs to, by a stable key.
    setting: str | None = None
    # In a group session, the minutes spent on the trainee's own case (EMDRIA-style
    # consultation: presenting one's own case in a small group counts as individual
    # consultation); None when not recorded. Rules with `own_case` count the parts separately.
    own_case_minutes: int | None = None

    def __post_init__(self) -> None:
        # A zero-minute or unknown-status session would be credited or excluded silently wrong.
        if self.minutes <= 0:
            raise ValueError(f"session {self.id}: minutes must be positive, got {self.minutes}")
        if self.status not in SESSION_STATUSES:
            raise ValueError(f"session {self.id}: unknown status {self.status!r}")
        if self.group_size is not None and self.group_size < 1:
            raise ValueError(f"session {self.id}: group size must be positive")
        if self.setting is not None and not is_setting_key(self.setting):
            raise ValueError(BAD_SETTING.format(id=self.id, setting=self.setting))
        if self.own_case_minutes is not None and not 0 <= self.own_case_minutes <= self.minutes:
            raise ValueError(
                BAD_OWN_CASE.format(id=self.id, own=self.own_case_minutes, minutes=self.minutes)
            )


def is_setting_key(value: str) -> bool:
    return len(value) <= SETTING_MAX_LENGTH and SETTING_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Leave:
    """A leave of absence; both ends are inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"leave ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class Waiver:
    """A director's decision for one enrollment: requirement `requirement_key` is waived
    (`minimum` None) or its minimum replaced by `minimum`, in the result's unit (minutes for
    hours, sessions, periods, days or a count; see programs.engine.waivers)."""

    requirement_key: str
    reason: str
    minimum: int | None = None

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError(f"waiver of {self.requirement_key!r}: a reason is required")
        if self.minimum is not None and self.minimum < 0:
            raise ValueError(f"waiver of {self.requirement_key!r}: minimum must not be negative")


@dataclass(frozen=True, slots=True)
class EnrollmentFacts:
    """Everything the engine needs about one enrollment; `end` is inclusive.

    `milestones` are dated events rules may refer to by key ("degree_conferred",
    "application"); `approved_provider_ids` are providers the program has approved;
    `waivers` at most one per requirement.
    """

    enrollment_id: int
    start: date
    end: date
    as_of: date
    leaves: tuple[Leave, ...]
    sessions: tuple[SessionFact, ...]
    milestones: Mapping[str, date] = field(default_factory=dict)
    approved_provider_ids: frozenset[int] = frozenset()
    waivers: tuple[Waiver, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"enrollment {self.enrollment_id} ends ({self.end}) before it starts ({self.start})"
            )
        keys = [waiver.requirement_key for waiver in self.waivers]
        if len(keys) != len(set(keys)):
            raise ValueError(f"enrollment {self.enrollment_id}: two waivers for one requirement")


def chronological_key(session: SessionFact) -> tuple[date, bool, time, int]:
    """Sort key: date, then start time (sessions without one first), then the order logged (id)."""
    return (
        session.date,
        session.start_time is not None,
        session.start_time or time.min,
        session.id,
    )
