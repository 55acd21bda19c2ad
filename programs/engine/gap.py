"""`gap` rules: no more than `max_days` days without a session ("at least every two weeks").

Gaps run from the enrollment start to the first session, between sessions on different dates,
and from the last session to the as-of date (or the end): that open gap counts as soon as it is
too long, since no later session can shorten it. A gap is measured in days after the earlier
date up to and including the later one, leave days not counted: sessions 14 days apart are a
gap of 14, so "every two weeks" is `max_days: 14`.
"""

from datetime import date, timedelta

from programs.engine.context import Context
from programs.engine.counting import contribution
from programs.engine.periods import active_days
from programs.engine.results import PeriodResult, PeriodState, RequirementResult
from programs.engine.rules import GapRule
from programs.engine.status import gap_status


def evaluate_gap(rule: GapRule, context: Context) -> RequirementResult:
    facts = context.facts
    split = context.split(rule.categories, verified_only=rule.verified_only, where=rule.where)
    periods: list[PeriodResult] = []
    previous = facts.start
    by_date: dict[date, tuple[int, int]] = {}
    for session in split.eligible:
        minutes, count = by_date.get(session.date, (0, 0))
        by_date[session.date] = (minutes + session.minutes, count + 1)
    for day, (minutes, count) in by_date.items():
        days = active_days(previous + timedelta(days=1), day, context.leaves)
        if day > previous:
            periods.append(_gap((previous, day), days, rule, (minutes, count), "elapsed"))
        previous = max(previous, day)
    _, through = context.last_day
    open_gap = 0
    if through > previous:
        open_gap = active_days(previous + timedelta(days=1), through, context.leaves)
        state: PeriodState = "elapsed" if context.ended else "current"
        periods.append(_gap((previous, through), open_gap, rule, (0, 0), state))
    violations = sum(1 for period in periods if not period.satisfied)
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="gap",
        unit="days",
        required=rule.max_days,
        credited=max((period.days or 0 for period in periods), default=0),
        capped_off=0,
        expected_by_now=rule.max_days,
        status=gap_status(
            violations=violations,
            allowed_misses=rule.allowed_misses,
            open_gap=open_gap,
            max_days=rule.max_days,
            ended=context.ended,
            sessions=len(split.eligible),
            days_since_start=context.days_since_start,
            thresholds=context.thresholds,
        ),
        advisory=rule.advisory,
        projected_completion=None,
        excluded=split.excluded,
        explanation=tuple(
            contribution(s, s.minutes, s.minutes, role="occurrence") for s in split.eligible
        ),
        periods=tuple(periods),
        periods_missed=violations,
        # Days left before the open gap becomes too long.
        needed_this_period=None if context.ended else max(0, rule.max_days - open_gap),
        limit="at_most",
    )


def _gap(
    bounds: tuple[date, date],
    days: int,
    rule: GapRule,
    closing: tuple[int, int],
    state: PeriodState,
) -> PeriodResult:
    """One gap; `closing` is the minutes and sessions on the date that ends it."""
    return PeriodResult(
        start=bounds[0],
        end=bounds[1],
        minutes=closing[0],
        sessions=closing[1],
        satisfied=days <= rule.max_days,
        exempt=False,
        state=state,
        days=days,
    )
