"""Rules the engine applies, as parsed from a program document (docs/program-format.md).

Amounts are integers already in the rule's unit: minutes for `hours` rules, a count for
`sessions` rules. `parse_requirement_set` (programs.engine.parse) builds these from a document;
tests and the benchmark may also build them directly.
"""

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from programs.engine.amounts import RuleDefinitionError

__all__ = [
    "AverageRule",
    "CadenceExtra",
    "CadenceRule",
    "Cap",
    "CapPerPeriod",
    "CapRolling",
    "CapShare",
    "CountSource",
    "DateAnchor",
    "DistinctOf",
    "DistinctRule",
    "Duration",
    "ElapsedRule",
    "ElapsedSince",
    "GapRule",
    "GroupCredit",
    "HourEquivalent",
    "LeaveExemption",
    "Limit",
    "LookBack",
    "Multiply",
    "OnlyIf",
    "OnlyIfMet",
    "OwnCase",
    "Period",
    "RatioRule",
    "RequirementSetRules",
    "Rule",
    "RuleDefinitionError",
    "Scale",
    "SessionFilter",
    "ShareRule",
    "StatusThresholds",
    "Step",
    "SubPeriod",
    "TotalRule",
    "Unit",
]

# `enrollment_year`: consecutive 12-month periods counted from the enrollment's start date.
Period = Literal["week", "month", "enrollment_year"]
Unit = Literal["hours", "sessions"]
Limit = Literal["at_least", "at_most"]
DistinctOf = Literal["provider", "client", "setting", "day", "week", "month"]
ElapsedSince = Literal["start", "first_session", "milestone"]
# What a cadence's `min_sessions` may count distinct units of, within its period.
SubPeriod = Literal["day", "week", "month"]


@dataclass(frozen=True, slots=True)
class StatusThresholds:
    on_track_ratio: Fraction = Fraction(9, 10)
    at_risk_ratio: Fraction = Fraction(3, 4)
    grace_days: int = 28


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar length; months and years end on the same day of the month, clamped (31 Jan
    + 1 month = 28 or 29 Feb)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0


@dataclass(frozen=True, slots=True)
class LeaveExemption:
    """When leave exempts a cadence's period: leave covering at least `share` of its days (the
    default, half), or at least `days` of them; with `leaves_of_at_least`, only leaves at least
    that long count ("an extended leave of one month or more", 22 TAC §681.92(e))."""

    share: Fraction | None = Fraction(1, 2)
    days: int | None = None
    leaves_of_at_least: Duration | None = None

    def __post_init__(self) -> None:
        if (self.share is None) == (self.days is None):
            raise ValueError("a leave exemption needs exactly one of share, days")


# ---- filters: which sessions a requirement (or one counts entry) may credit at all ----


@dataclass(frozen=True, slots=True)
class DateAnchor:
    """A fixed date, or a milestone of the enrollment (EnrollmentFacts.milestones) by key."""

    milestone: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LookBack:
    """Sessions older than `duration` before the reference date do not count.

    The reference is the milestone's date when it has one (the application date), otherwise
    the as-of date: before applying, the look-back shows what would count if applying today.
    """

    duration: Duration
    from_milestone: str | None = None


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """A program file's `where`: each set condition must hold, else the session is excluded."""

    on_or_after: DateAnchor | None = None
    on_or_before: DateAnchor | None = None
    look_back: LookBack | None = None
    approved_provider: bool = False
    provider_kinds: frozenset[str] | None = None
    settings: frozenset[str] | None = None
    max_group_size: int | None = None
    min_session_minutes: int | None = None
    # Days of the week a session may fall on, as date.weekday() (0 = Monday): institutes that
    # count analytic sessions on separate weekdays, Monday to Friday; rules that leave out
    # weekends.
    weekdays: frozenset[int] | None = None


# ---- steps: per-session transformations of a counts entry, applied in the order written ----


@dataclass(frozen=True, slots=True)
class CadenceExtra:
    """In a period whose trigger minutes exceed `above_minutes`, this much more is required
    (a cadence's `extra`; an `only_if` step's tiers measure the entry's own minutes)."""

    above_minutes: int
    add_sessions: int | None = None
    add_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class CapPerPeriod:
    period: Period
    amount: int


@dataclass(frozen=True, slots=True)
class Cap:
    amount: int


@dataclass(frozen=True, slots=True)
class Multiply:
    factor: int
    input_cap: int | None = None


@dataclass(frozen=True, slots=True)
class Scale:
    """Multiply by a fraction ("2 h of group supervision = 1 unit" is 1/2)."""

    factor: Fraction


@dataclass(frozen=True, slots=True)
class GroupCredit:
    """Group time as the trainee's share: minutes / group size for groups larger than
    `divide_above`, minutes x `share_at_or_below` for groups of that size or smaller. Sessions
    without a group size are individual and pass unchanged."""

    divide_above: int
    share_at_or_below: Fraction


@dataclass(frozen=True, slots=True)
class HourEquivalent:
    """Each whole `minutes` of a session is one hour (60 minutes); a remainder of at least
    `round_up_from` minutes is one more hour, a smaller one counts nothing."""

    minutes: int
    round_up_from: int


@dataclass(frozen=True, slots=True)
class CapRolling:
    """At most `amount` in any `days` consecutive days; earlier minutes are kept."""

    days: int
    amount: int


@dataclass(frozen=True, slots=True)
class OnlyIf:
    """Conditional credit: a session counts only if its period also holds at least
    `min_minutes` and/or `min_sessions` of `categories` (in its work setting, if
    `same_setting`).

    With `counts`, the condition is measured as a count is: each session through its entry's
    `where` and steps (group supervision at half, groups of at most six), and `categories` is
    their union. `extra` raises the minimum in a period whose own minutes exceed a threshold:
    the raw minutes of `extra_of` (default: the categories the entry credits) in that period
    (and setting): Oregon's 2 h of supervision in a month of up to 45 h of client contact, 3 h
    above (OAR 833-050-0081(4)).
    """

    period: Period
    categories: frozenset[str]
    min_minutes: int | None = None
    min_sessions: int | None = None
    same_setting: bool = False
    counts: "tuple[CountSource, ...]" = ()
    extra: tuple[CadenceExtra, ...] = ()
    extra_of: frozenset[str] | None = None

    @property
    def listed_categories(self) -> frozenset[str]:
        """Categories the condition reads: listed in the explanation if not credited."""
        return self.categories | (self.extra_of or frozenset())


@dataclass(frozen=True, slots=True)
class OnlyIfMet:
    """Conditional credit on another requirement's result for the period: a session counts
    only if the period of cadence `requirement` holding it (in its setting, for a cadence
    counted per setting) is satisfied or exempt; a period that cadence does not judge (part of
    a period at the enrollment's edges) withholds nothing."""

    requirement: str


@dataclass(frozen=True, slots=True)
class CapShare:
    """Credit for `categories` of at most `fraction` of what the requirement credits of `of`
    (default: all it credits), the capped categories included: "no more than 50% of the total
    hours of supervision may be received in group supervision" (22 TAC §681.92(e)). Applied
    after every other step; the earliest minutes are kept, the later ones beyond the share are
    not credited."""

    categories: frozenset[str]
    fraction: Fraction
    of: frozenset[str] | None = None


Step = (
    CapPerPeriod
    | Cap
    | Multiply
    | Scale
    | GroupCredit
    | HourEquivalent
    | CapRolling
    | OnlyIf
    | OnlyIfMet
    | CapShare
)


@dataclass(frozen=True, slots=True)
class CountSource:
    """One `counts` entry. A session goes to the first entry listing its category whose
    `where` it passes, so entries with a filter may share categories with later ones."""

    categories: frozenset[str]
    steps: tuple[Step, ...] = ()
    where: SessionFilter | None = None

    @property
    def condition_categories(self) -> frozenset[str]:
        return condition_categories(self.steps)


def condition_categories(steps: "tuple[Step, ...]") -> frozenset[str]:
    """Categories `only_if` steps read (conditions and tiers), credited or not."""
    return frozenset().union(*(s.listed_categories for s in steps if isinstance(s, OnlyIf)))


@dataclass(frozen=True, slots=True)
class OwnCase:
    """One session, two formats: in a group session of `categories` (at most `max_group_size`
    participants, when given), the minutes on the trainee's own case count as `as_category`,
    up to `max_minutes` a session, and the rest of the meeting as the session's own category.
    EMDRIA-style consultation: at most 30 minutes of individual consultation a session, in a
    group of no more than four."""

    categories: frozenset[str]
    as_category: str
    max_minutes: int
    max_group_size: int | None = None


# ---- rule kinds ----


@dataclass(frozen=True, slots=True)
class TotalRule:
    key: str
    name: str
    unit: Unit
    minimum: int
    counts: tuple[CountSource, ...]
    verified_only: bool = True
    advisory: bool = False
    where: SessionFilter | None = None
    # Run after each entry's own steps, on every entry's sessions together, chronologically
    # ("no more than 40 hours in any seven days" across all kinds of experience).
    steps: tuple[Step, ...] = ()
    own_case: OwnCase | None = None

    @property
    def categories(self) -> frozenset[str]:
        """Categories credited (conditions of `only_if` steps are not, unless also credited)."""
        return frozenset().union(*(source.categories for source in self.counts))

    @property
    def condition_categories(self) -> frozenset[str]:
        entries = frozenset().union(*(source.condition_categories for source in self.counts))
        return entries | condition_categories(self.steps)


@dataclass(frozen=True, slots=True)
class CadenceRule:
    """Enough in every period. With `counts`, each session's minutes are those after its entry's
    steps; `categories` is then the union of the entries' categories.

    `min_periods` (N of M) replaces `allowed_misses`. `trigger_categories` feed
    `required_above_minutes` (a period is required only above it) and `extra`.
    """

    key: str
    name: str
    categories: frozenset[str]
    period: Period
    min_sessions: int | None = None
    min_minutes: int | None = None
    allowed_misses: int = 0
    verified_only: bool = True
    advisory: bool = False
    counts: tuple[CountSource, ...] = ()
    distinct_days: bool = False
    min_periods: int | None = None
    trigger_categories: frozenset[str] = frozenset()
    required_above_minutes: int | None = None
    extra: tuple[CadenceExtra, ...] = ()
    where: SessionFilter | None = None
    # `min_sessions` counts distinct weeks (or months) with a session instead of sessions:
    # "at least two supervision meetings per month, in different weeks" (OAR 833-050-0081(2)).
    # `distinct_days` is the same for days, kept as it was written before this existed.
    distinct: SubPeriod | None = None
    # None: the program file's default (RequirementSetRules.leave_exemption).
    leave_exemption: LeaveExemption | None = None
    # Each (period, work setting) is judged on its own: "one unit of supervision in each week
    # for which experience is claimed, in each setting" (California BBS). A period with nothing
    # in any setting is judged once, with no setting.
    per_setting: bool = False
    own_case: OwnCase | None = None

    @property
    def distinct_unit(self) -> SubPeriod | None:
        return "day" if self.distinct_days else self.distinct

    @property
    def condition_categories(self) -> frozenset[str]:
        return frozenset().union(*(source.condition_categories for source in self.counts))


@dataclass(frozen=True, slots=True)
class AverageRule:
    """Per block of `block_weeks` weeks, at least (or at most) so many minutes per active week;
    leave days are taken out of the block's length.

    `block_days`: blocks of that many days from the enrollment start instead (`block_weeks` is
    then 0). `free_days_per_week`: the block needs at least that many days free of the
    categories per seven active days instead of minutes ("one day in seven free of clinical work
    and required education, when averaged over four weeks", ACGME Common Program Requirements
    VI.F), leave days taken out of the block first; `minutes_per_week` is then 0.
    """

    key: str
    name: str
    categories: frozenset[str]
    block_weeks: int
    minutes_per_week: int
    limit: Limit = "at_least"
    allowed_misses: int = 0
    verified_only: bool = True
    advisory: bool = False
    where: SessionFilter | None = None
    block_days: int | None = None
    free_days_per_week: Fraction | None = None


@dataclass(frozen=True, slots=True)
class RatioRule:
    """minutes(categories) >= minutes(per_categories) / per; `per` may be a decimal in the file."""

    key: str
    name: str
    categories: frozenset[str]
    per_categories: frozenset[str]
    per: Fraction
    verified_only: bool = True
    advisory: bool = False
    where: SessionFilter | None = None
    # Either side may be measured after steps, as a total's counts are (group supervision
    # weighted before the ratio); `categories` / `per_categories` are then their categories.
    counts: tuple[CountSource, ...] = ()
    per_counts: tuple[CountSource, ...] = ()


@dataclass(frozen=True, slots=True)
class ShareRule:
    """The credited minutes of `categories` inside total `requirement`, against `fraction` of
    that requirement's credited total (`of: actual`) or of its minimum (`of: required`)."""

    key: str
    name: str
    requirement: str
    categories: frozenset[str]
    fraction: Fraction
    limit: Limit
    of: Literal["actual", "required"]
    advisory: bool = False


@dataclass(frozen=True, slots=True)
class DistinctRule:
    """How many different providers, clients, settings, days, weeks or months the sessions
    have: at least `count` overall, or at most `count` (overall, or in each `per_period`)."""

    key: str
    name: str
    categories: frozenset[str]
    of: DistinctOf
    count: int
    limit: Limit = "at_least"
    per_period: Period | None = None
    verified_only: bool = True
    advisory: bool = False
    where: SessionFilter | None = None


@dataclass(frozen=True, slots=True)
class GapRule:
    """No more than `max_days` days (leave days not counted) without a session, from the
    enrollment start to the as-of date; `allowed_misses` longer gaps are tolerated."""

    key: str
    name: str
    categories: frozenset[str]
    max_days: int
    allowed_misses: int = 0
    verified_only: bool = True
    advisory: bool = False
    where: SessionFilter | None = None


@dataclass(frozen=True, slots=True)
class ElapsedRule:
    """At least `duration` must have passed since the start, the first session of
    `categories`, or a milestone; leave days do not count unless `count_leave`."""

    key: str
    name: str
    duration: Duration
    since: ElapsedSince = "start"
    milestone: str | None = None
    categories: frozenset[str] = frozenset()
    count_leave: bool = False
    verified_only: bool = True
    advisory: bool = False


Rule = (
    TotalRule
    | CadenceRule
    | AverageRule
    | RatioRule
    | ShareRule
    | DistinctRule
    | GapRule
    | ElapsedRule
)


@dataclass(frozen=True, slots=True)
class RequirementSetRules:
    week_start: int  # 0 = Monday .. 6 = Sunday, as date.weekday()
    self_reported_categories: frozenset[str]
    thresholds: StatusThresholds
    rules: tuple[Rule, ...]
    # The program file's `leave_exemption`; a cadence may state its own.
    leave_exemption: LeaveExemption = LeaveExemption()
