"""Applying one counts entry's steps to its sessions, fed in chronological order.

Each step keeps its own running state (what it let through, per period for cap_per_period, over
the last N days for cap_rolling), so a session that crosses a limit is credited partly and later
ones in the same bucket get 0.

Rounding: group credit and scale can produce a fraction of a minute. Each such step floors per
session and carries the remainder to the entry's next session, chronologically, so what the step
lets through in total is exactly the floor of the exact total (3 sessions of 20 min / 3 credit
6, 7, 7: 6 2/3 floors to 6 and carries 2/3, and so on). No minute is created or lost to rounding
beyond that one final fraction.
"""

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol, assert_never

from programs.engine.eligibility import BoundFilter
from programs.engine.facts import EnrollmentFacts, SessionFact
from programs.engine.periods import period_bounds
from programs.engine.results import StepEffect
from programs.engine.rules import (
    Cap,
    CapPerPeriod,
    CapRolling,
    CapShare,
    GroupCredit,
    HourEquivalent,
    Multiply,
    OnlyIf,
    OnlyIfMet,
    Period,
    Scale,
    Step,
)

# Why a cap_share step is never run session by session (programs.engine.counting applies it).
CAP_SHARE_IS_FINAL = "cap_share runs after every other step, on the requirement's whole credit"


@dataclass(frozen=True, slots=True)
class Calendar:
    """What a step needs to find a session's period.

    One per evaluation (Context.calendar), remembering each (day, period)'s start: every rule
    asks again for the same few hundred days, and the engine benchmark spent a tenth of its time
    recomputing them.
    """

    week_start: int
    origin: date  # the enrollment start, for enrollment years
    _starts: dict[tuple[date, str], date] = field(default_factory=dict, compare=False, repr=False)

    def period_start(self, day: date, period: Period) -> date:
        key = (day, period)
        start = self._starts.get(key)
        if start is None:
            start = self._starts[key] = period_bounds(day, period, self.week_start, self.origin)[0]
        return start


# (period start, setting or None) -> whether a cadence's period is met (satisfied or exempt),
# and its note; built by programs.engine.cadence for `only_if_met` steps.
PeriodKey = tuple[date, str | None]


@dataclass(frozen=True, slots=True)
class PeriodVerdicts:
    """A cadence's judged periods: met or not, and what was found against what was needed."""

    requirement: str
    period: Period
    per_setting: bool
    met: Mapping[PeriodKey, bool]
    found: Mapping[PeriodKey, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StepInputs:
    """What steps that look beyond the session in hand need.

    `seen`: the requirement's eligible sessions, credited or only listed, chronologically (an
    `only_if` reads its condition and its tiers there); `facts` binds a condition's filters;
    `verdicts` are the periods of requirements evaluated earlier, by key. `cache` keeps a
    condition's totals once per requirement, however many entries share the step.
    """

    calendar: Calendar
    seen: tuple[SessionFact, ...] = ()
    facts: EnrollmentFacts | None = None
    verdicts: Mapping[str, PeriodVerdicts] = field(default_factory=dict)
    cache: dict[object, object] = field(default_factory=dict)
    # False when `seen` holds sessions divided into own-case parts, which share their session's
    # id: `cache` must then be this requirement's own.
    shareable: bool = True
    # `seen` narrowed to some categories, once per requirement however many entries ask.
    narrowed: dict[frozenset[str], tuple[SessionFact, ...]] = field(default_factory=dict)

    def of(self, categories: frozenset[str]) -> tuple[SessionFact, ...]:
        found = self.narrowed.get(categories)
        if found is None:
            found = self.narrowed[categories] = tuple(
                s for s in self.seen if s.category in categories
            )
        return found

    def key(self, sessions: tuple[SessionFact, ...]) -> object:
        """What totals over `sessions` depend on besides the step, the calendar and the facts:
        their ids (each the enrollment's own session, whatever requirement sees it); with
        own-case parts the cache is this requirement's own and the sessions are `seen`'s."""
        if self.shareable:
            return tuple(s.id for s in sessions)
        return "this requirement"


class _Applier(Protocol):
    def apply(self, session: SessionFact, value: int) -> StepEffect: ...


class StepRunner:
    """The steps of one counts entry, each with its own state. `own` are the categories the
    entry credits (what an `only_if` tier measures unless it says otherwise)."""

    def __init__(
        self,
        steps: Iterable[Step],
        inputs: StepInputs,
        own: frozenset[str] = frozenset(),
    ) -> None:
        self._appliers = tuple(_applier(step, inputs, own) for step in steps)

    def run(self, session: SessionFact, value: int) -> tuple[int, tuple[StepEffect, ...]]:
        effects: list[StepEffect] = []
        for applier in self._appliers:
            effect = applier.apply(session, value)
            effects.append(effect)
            value = effect.after
        return value, tuple(effects)


def _applier(step: Step, inputs: StepInputs, own: frozenset[str]) -> _Applier:
    calendar = inputs.calendar
    if isinstance(step, CapPerPeriod):
        return _CapPerPeriod(step, calendar)
    if isinstance(step, Cap):
        return _Cap(step)
    if isinstance(step, Multiply):
        return _Multiply(step)
    if isinstance(step, Scale):
        return _Scale(step)
    if isinstance(step, GroupCredit):
        return _GroupCredit(step)
    if isinstance(step, HourEquivalent):
        return _HourEquivalent(step)
    if isinstance(step, CapRolling):
        return _CapRolling(step)
    if isinstance(step, OnlyIf):
        return _OnlyIf(step, inputs, own)
    if isinstance(step, OnlyIfMet):
        return _OnlyIfMet(inputs.verdicts[step.requirement], calendar)
    if isinstance(step, CapShare):
        raise ValueError(CAP_SHARE_IS_FINAL)
    assert_never(step)


def _capped(label: str, value: int, passed: int) -> StepEffect:
    return StepEffect(step=label, before=value, after=passed, capped_off=value - passed)


class _CapPerPeriod:
    def __init__(self, step: CapPerPeriod, calendar: Calendar) -> None:
        self._step = step
        self._calendar = calendar
        self._used: dict[date, int] = {}

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        bucket = self._calendar.period_start(session.date, self._step.period)
        used = self._used.get(bucket, 0)
        passed = min(value, max(0, self._step.amount - used))
        self._used[bucket] = used + passed
        return _capped(f"cap_per_period:{self._step.period}", value, passed)


class _Cap:
    def __init__(self, step: Cap) -> None:
        self._amount = step.amount
        self._used = 0

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        passed = min(value, max(0, self._amount - self._used))
        self._used += passed
        return _capped("cap", value, passed)


class _Multiply:
    def __init__(self, step: Multiply) -> None:
        self._step = step
        self._used = 0

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        # input_cap limits what enters the multiplier, before the factor applies.
        limit = self._step.input_cap
        passed = value if limit is None else min(value, max(0, limit - self._used))
        self._used += passed
        return StepEffect(
            step="multiply",
            before=value,
            after=passed * self._step.factor,
            capped_off=value - passed,
        )


class _Carry:
    """Floor per session, carrying the remainder to the next (see the module docstring)."""

    def __init__(self) -> None:
        self._remainder = Fraction(0)

    def whole(self, exact: Fraction) -> int:
        total = self._remainder + exact
        whole = total.numerator // total.denominator
        self._remainder = total - whole
        return whole


class _Scale:
    def __init__(self, step: Scale) -> None:
        self._factor = step.factor
        self._carry = _Carry()

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        after = self._carry.whole(value * self._factor)
        return StepEffect(step="scale", before=value, after=after, note=f"x {self._factor}")


class _GroupCredit:
    def __init__(self, step: GroupCredit) -> None:
        self._step = step
        self._carry = _Carry()

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        size = session.group_size
        if size is None or size == 1:
            return StepEffect(step="group_credit", before=value, after=value, note="individual")
        if size > self._step.divide_above:
            share, note = Fraction(1, size), f"group of {size}: divided by {size}"
        else:
            share = self._step.share_at_or_below
            note = f"group of {size}: x {share}"
        after = self._carry.whole(value * share)
        return StepEffect(step="group_credit", before=value, after=after, note=note)


class _HourEquivalent:
    def __init__(self, step: HourEquivalent) -> None:
        self._step = step

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        hours, rest = divmod(value, self._step.minutes)
        if rest and rest >= self._step.round_up_from:
            hours += 1
        return StepEffect(
            step="hour_equivalent",
            before=value,
            after=hours * 60,
            note=f"{hours} h of {self._step.minutes} min",
        )


class _CapRolling:
    """At most `amount` in the `days` days ending on each session's date.

    Chronological and greedy: earlier minutes are kept and the session that would cross the
    limit is cut. Any window of `days` days is then within the limit, because when its last
    session was credited, every earlier session of the window was inside that session's own
    window.
    """

    def __init__(self, step: CapRolling) -> None:
        self._step = step
        self._window: deque[tuple[date, int]] = deque()
        self._in_window = 0

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        first_day = session.date - timedelta(days=self._step.days - 1)
        while self._window and self._window[0][0] < first_day:
            self._in_window -= self._window.popleft()[1]
        passed = min(value, max(0, self._step.amount - self._in_window))
        if passed:
            self._window.append((session.date, passed))
            self._in_window += passed
        return _capped(f"cap_rolling:{self._step.days}d", value, passed)


class _OnlyIf:
    def __init__(self, step: OnlyIf, inputs: StepInputs, own: frozenset[str]) -> None:
        self._step = step
        self._calendar = inputs.calendar
        # Entries and requirements sharing one condition (a YAML anchor) on the same sessions
        # share its totals: weighing every condition session again for each of them made the
        # BBS preset a third slower in the engine benchmark.
        relevant = inputs.of(step.categories)
        key = ("only_if", step, inputs.key(relevant))
        found = inputs.cache.get(key)
        if found is None:
            found = _condition_totals(step, relevant, inputs)
            inputs.cache[key] = found
        self._found: Mapping[PeriodKey, tuple[int, int]] = found  # type: ignore[assignment]
        self._own: Mapping[PeriodKey, int] = {}
        self._measured = step.extra_of or own
        if step.extra:
            measured = inputs.of(self._measured)
            tier_key = ("only_if_tiers", step.period, step.same_setting, inputs.key(measured))
            tiers = inputs.cache.get(tier_key)
            if tiers is None:
                tiers = _own_minutes(step, measured, inputs.calendar)
                inputs.cache[tier_key] = tiers
            self._own = tiers  # type: ignore[assignment]

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        step = self._step
        start = self._calendar.period_start(session.date, step.period)
        setting = session.setting if step.same_setting else None
        minutes, count = self._found.get((start, setting), (0, 0))
        min_minutes, min_sessions, tier = step.min_minutes, step.min_sessions, ""
        if step.extra:
            own = self._own.get((start, setting), 0)
            for extra in step.extra:
                if own > extra.above_minutes:
                    if extra.add_minutes is not None:
                        min_minutes = (min_minutes or 0) + extra.add_minutes
                    if extra.add_sessions is not None:
                        min_sessions = (min_sessions or 0) + extra.add_sessions
            tier = str(own)  # spelt out below, only for a session the condition withholds
        met = (min_minutes is None or minutes >= min_minutes) and (
            min_sessions is None or count >= min_sessions
        )
        label = f"only_if:{step.period}"
        if met:
            return StepEffect(step=label, before=value, after=value)
        where = f" in setting {setting}" if step.same_setting and setting is not None else ""
        weighted = " after their steps" if step.counts else ""
        if tier:
            tier = f", with {tier} min of {', '.join(sorted(self._measured))} in the {step.period}"
            needed = " and ".join(
                text
                for text in (
                    None if min_minutes is None else f"{min_minutes} min",
                    None if min_sessions is None else f"{min_sessions} sessions",
                )
                if text
            )
            tier = f"; {needed} needed{tier}"
        note = (
            f"{step.period} of {start.isoformat()}{where}: condition not met "
            f"({minutes} min, {count} sessions of {', '.join(sorted(step.categories))}"
            f"{weighted}{tier})"
        )
        return StepEffect(step=label, before=value, after=0, capped_off=value, note=note)


def _condition_totals(
    step: OnlyIf, relevant: tuple[SessionFact, ...], inputs: StepInputs
) -> Mapping[PeriodKey, tuple[int, int]]:
    """(period start, setting or None) -> (minutes, sessions) of the condition's categories;
    with `counts`, each session through its entry's filter and steps first."""
    totals: dict[PeriodKey, tuple[int, int]] = {}
    calendar = inputs.calendar
    route = _ConditionRouter(step, inputs) if step.counts else None
    for session in relevant:
        minutes = session.minutes
        if route is not None:
            weighted = route.minutes(session)
            if weighted is None:
                continue
            minutes = weighted
        key = (
            calendar.period_start(session.date, step.period),
            session.setting if step.same_setting else None,
        )
        found, count = totals.get(key, (0, 0))
        totals[key] = (found + minutes, count + 1 if minutes > 0 else count)
    return totals


class _ConditionRouter:
    """A condition's own `counts`: the first entry listing a session's category whose `where`
    it passes, then that entry's steps (each entry with its own state)."""

    def __init__(self, step: OnlyIf, inputs: StepInputs) -> None:
        self._entries = step.counts
        facts = inputs.facts
        self._filters = tuple(
            None if entry.where is None or facts is None else BoundFilter.bind(entry.where, facts)
            for entry in step.counts
        )
        plain = StepInputs(calendar=inputs.calendar, facts=facts)
        self._runners = tuple(StepRunner(entry.steps, plain) for entry in step.counts)

    def minutes(self, session: SessionFact) -> int | None:
        for index, entry in enumerate(self._entries):
            if session.category not in entry.categories:
                continue
            bound = self._filters[index]
            if bound is None or bound.reason(session) is None:
                return self._runners[index].run(session, session.minutes)[0]
        return None


def _own_minutes(
    step: OnlyIf, measured: tuple[SessionFact, ...], calendar: Calendar
) -> Mapping[PeriodKey, int]:
    """(period start, setting or None) -> minutes logged of `measured`, for an only_if's tiers."""
    totals: dict[PeriodKey, int] = {}
    for session in measured:
        key = (
            calendar.period_start(session.date, step.period),
            session.setting if step.same_setting else None,
        )
        totals[key] = totals.get(key, 0) + session.minutes
    return totals


class _OnlyIfMet:
    def __init__(self, verdicts: PeriodVerdicts, calendar: Calendar) -> None:
        self._verdicts = verdicts
        self._calendar = calendar

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        verdicts = self._verdicts
        start = self._calendar.period_start(session.date, verdicts.period)
        setting = session.setting if verdicts.per_setting else None
        label = f"only_if_met:{verdicts.requirement}"
        # A period the cadence does not judge (at the enrollment's edges) withholds nothing.
        if verdicts.met.get((start, setting), True):
            return StepEffect(step=label, before=value, after=value)
        where = f" in setting {setting}" if verdicts.per_setting and setting is not None else ""
        found = verdicts.found.get((start, setting), "")
        note = (
            f"{verdicts.requirement} not met in the {verdicts.period} of {start.isoformat()}"
            f"{where}{f' ({found})' if found else ''}"
        )
        return StepEffect(step=label, before=value, after=0, capped_off=value, note=note)
