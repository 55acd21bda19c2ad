"""What the engine returns: per-requirement figures with a session-by-session explanation.

Every logged session of a category a requirement references appears in that requirement's
result exactly once: in `explanation` (credited, possibly partly or not at all after caps) or in
`excluded` with a reason; a session a rule counts in two parts (`own_case`), once per part.
Nothing is dropped silently.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

Status = Literal["met", "on_track", "at_risk", "behind", "not_started"]
Kind = Literal["total", "cadence", "ratio", "average", "share", "distinct", "gap", "elapsed"]
ResultUnit = Literal["minutes", "sessions", "periods", "count", "days"]
# credit: counted by a total; numerator/denominator: the two sides of a ratio; period: a
# cadence's or average's own sessions; trigger: a triggered cadence's trigger sessions;
# condition: sessions an `only_if` step looks at; part/rest: a share's sub-category and the rest
# of its total; occurrence: a distinct count's or gap rule's sessions.
Role = Literal[
    "credit",
    "numerator",
    "denominator",
    "period",
    "trigger",
    "condition",
    "part",
    "rest",
    "occurrence",
]
PeriodState = Literal["elapsed", "current", "future"]
# at_least: `required` is a minimum; at_most: `required` is a maximum `credited` must not exceed.
Limit = Literal["at_least", "at_most"]


@dataclass(frozen=True, slots=True)
class StepEffect:
    """One step applied to one session.

    `step` names the step ("cap_per_period:week", "cap", "multiply", "scale", "group_credit",
    "hour_equivalent", "cap_rolling:7d", "only_if:month"). `capped_off` is what the step removed,
    in the units entering the step: `before - after` for caps and `only_if`; for multiply, the
    input beyond `input_cap`. Conversions (the factor of multiply or scale, group credit, hour
    equivalents) remove nothing: what they change is a unit, not an amount lost. `note` says why,
    in words ("group of 6: divided by 6", "no supervision_individual in week of 2025-03-03").
    """

    step: str
    before: int
    after: int
    capped_off: int = 0
    note: str = ""


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
    # A session counted in two parts (a rule's `own_case`): "own_case" or "group"; each part is
    # listed once, with `note` saying how the session was divided.
    part: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Exclusion:
    session_id: int
    date: date
    category: str
    minutes: int
    reason: str
    part: str = ""


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One period lying entirely inside the enrollment (cadence and average rules), or one gap
    between sessions (gap rules).

    `exempt`: exempt by the leave policy (by default, at least half on leave) and not met
    anyway, or (triggered cadence) not triggered, or (average) no active day at all."""

    start: date
    end: date
    minutes: int
    sessions: int
    satisfied: bool
    exempt: bool
    state: PeriodState
    # What this period needed when it differs between periods (triggered cadence, averages).
    required_minutes: int | None = None
    required_sessions: int | None = None
    # Minutes of a triggered cadence's trigger categories in this period.
    trigger_minutes: int | None = None
    # Gap rules: the period is the gap between two sessions, `days` long (leave not counted).
    # Free-day averages: the free days found in the block.
    days: int | None = None
    # Why the period is judged as it is, in words, where a rule's semantics need saying: leave
    # that does or does not exempt it, distinct weeks, free days ("16 of 31 days on leave:
    # not exempt, only leaves of at least 1 month count").
    note: str = ""
    # Cadences counted per work setting: the setting this period's figures are for.
    setting: str | None = None
    # Free-day averages: the free days the block needed.
    required_days: int | None = None


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """A waiver applied to this result: `waived` (status met whatever was credited) or the
    minimum adjusted from `original_required` to the result's `required`."""

    reason: str
    original_required: int
    waived: bool


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One requirement's standing.

    Units: "minutes" for hour totals, ratios, shares and averages' minutes, "sessions" for
    session totals, "periods" for cadences and averages, "count" for distinct counts, "days" for
    gaps and elapsed durations. `capped_off` is what steps removed (see StepEffect), not the
    multiplier's gain, so with a multiplier `credited + capped_off` differs from the minutes
    logged. With `limit` "at_most", `required` is the most allowed (share, distinct, gap).
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
    limit: Limit = "at_least"
    waiver: "WaiverNote | None" = None


@dataclass(frozen=True, slots=True)
class EnrollmentResult:
    enrollment_id: int
    as_of: date
    status: Status
    requirements: tuple[RequirementResult, ...]
