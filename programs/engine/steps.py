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
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol, assert_never

from programs.engine.facts import SessionFact
from programs.engine.periods import period_bounds
from programs.engine.results import StepEffect
from programs.engine.rules import (
    Cap,
    CapPerPeriod,
    CapRolling,
    GroupCredit,
    HourEquivalent,
    Multiply,
    OnlyIf,
    Period,
    Scale,
    Step,
)


@dataclass(frozen=True, slots=True)
class Calendar:
    """What a step needs to find a session's period."""

    week_start: int
    origin: date  # the enrollment start, for enrollment years

    def period_start(self, day: date, period: Period) -> date:
        return period_bounds(day, period, self.week_start, self.origin)[0]


class _Applier(Protocol):
    def apply(self, session: SessionFact, value: int) -> StepEffect: ...


class StepRunner:
    """The steps of one counts entry, each with its own state."""

    def __init__(
        self,
        steps: Iterable[Step],
        calendar: Calendar,
        conditions: Iterable[SessionFact] = (),
    ) -> None:
        condition_sessions = tuple(conditions)
        self._appliers = tuple(_applier(step, calendar, condition_sessions) for step in steps)

    def run(self, session: SessionFact, value: int) -> tuple[int, tuple[StepEffect, ...]]:
        effects: list[StepEffect] = []
        for applier in self._appliers:
            effect = applier.apply(session, value)
            effects.append(effect)
            value = effect.after
        return value, tuple(effects)


def _applier(step: Step, calendar: Calendar, conditions: tuple[SessionFact, ...]) -> _Applier:
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
        return _OnlyIf(step, calendar, conditions)
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
    def __init__(
        self, step: OnlyIf, calendar: Calendar, conditions: tuple[SessionFact, ...]
    ) -> None:
        self._step = step
        self._calendar = calendar
        self._found = _condition_totals(step, calendar, conditions)

    def apply(self, session: SessionFact, value: int) -> StepEffect:
        step = self._step
        start = self._calendar.period_start(session.date, step.period)
        setting = session.setting if step.same_setting else None
        minutes, count = self._found.get((start, setting), (0, 0))
        met = (step.min_minutes is None or minutes >= step.min_minutes) and (
            step.min_sessions is None or count >= step.min_sessions
        )
        label = f"only_if:{step.period}"
        if met:
            return StepEffect(step=label, before=value, after=value)
        where = f" in setting {setting}" if step.same_setting and setting is not None else ""
        note = (
            f"{step.period} of {start.isoformat()}{where}: condition not met "
            f"({minutes} min, {count} sessions of {', '.join(sorted(step.categories))})"
        )
        return StepEffect(step=label, before=value, after=0, capped_off=value, note=note)


def _condition_totals(
    step: OnlyIf, calendar: Calendar, conditions: tuple[SessionFact, ...]
) -> Mapping[tuple[date, str | None], tuple[int, int]]:
    """(period start, setting or None) -> (minutes, sessions) of the condition's categories."""
    totals: dict[tuple[date, str | None], tuple[int, int]] = {}
    for session in conditions:
        if session.category not in step.categories:
            continue
        key = (
            calendar.period_start(session.date, step.period),
            session.setting if step.same_setting else None,
        )
        minutes, count = totals.get(key, (0, 0))
        totals[key] = (minutes + session.minutes, count + 1)
    return totals
