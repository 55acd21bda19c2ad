"""What the engine returns: per-requirement figures with a session-by-session explanation.

Every logged session of a category a requirement references appears in that requirement's
result exactly once: in `explanation` (credited, possibly partly or not at all after caps) or in
`excluded` with a reason. Nothing is dropped silently.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

Status = Literal["met", "on_track", "at_risk", "behind", "not_started"]
Kind = Literal["total", "cadence", "ratio"]
ResultUnit = Literal["minutes", "sessions", "periods"]
Role = Literal["credit", "numerator", "denominator", "period"]
PeriodState = Literal["elapsed", "current", "future"]


@dataclass(frozen=True, slots=True)
class StepEffect:
    """One step applied to one session.

    `step` is "cap_per_period:week", "cap_per_period:month", "cap" or "multiply". `capped_off` is
    what the step removed, in the units entering the step: `before - after` for caps; for
    multiply, the input beyond `input_cap` (the factor's gain is not a removal).
    """

    step: str
    before: int
    after: int
    capped_off: int = 0


@dataclass(frozen=True, slots=True)
class Contribution:
    """A session that passed every exclusion.

    `input` is minutes, or 1 for a `sessions` total. `credited` is what reached the requirement:
    after steps for a total; the session's minutes for a ratio side; for a cadence, its minutes
    when it falls in a required period, else 0 (edge and exempt periods require nothing).
    """

    session_id: int
    date: date
    category: str
    input: int
    credited: int
    steps: tuple[StepEffect, ...] = ()
    role: Role = "credit"


@dataclass(frozen=True, slots=True)
class Exclusion:
    session_id: int
    date: date
    category: str
    minutes: int
    reason: str


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One week or month lying entirely inside the enrollment (cadence rules only)."""

    start: date
    end: date
    minutes: int
    sessions: int
    satisfied: bool
    exempt: bool
    state: PeriodState


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One requirement's standing.

    Units: "minutes" for hour totals and ratios, "sessions" for session totals, "periods" for
    cadences. `capped_off` is what steps removed (see StepEffect), not the multiplier's gain, so
    with a multiplier `credited + capped_off` differs from the minutes logged.
    """

    key: str
    name: str
    kind: Kind
    unit: ResultUnit
    required: int
    credited: int
    capped_off: int
    expected_by_now: int
    status: Status
    advisory: bool
    projected_completion: date | None
    excluded: tuple[Exclusion, ...]
    explanation: tuple[Contribution, ...]
    periods: tuple[PeriodResult, ...] = ()
    periods_missed: int = 0
    needed_this_period: int | None = None


@dataclass(frozen=True, slots=True)
class EnrollmentResult:
    enrollment_id: int
    as_of: date
    status: Status
    requirements: tuple[RequirementResult, ...]
