"""`cadence` rules: enough sessions and/or minutes in every week or month, with allowed misses."""

from collections.abc import Sequence
from datetime import date

from programs.engine.context import Context
from programs.engine.facts import SessionFact
from programs.engine.periods import DateRange, is_exempt, periods_within
from programs.engine.results import Contribution, PeriodResult, PeriodState, RequirementResult
from programs.engine.rules import CadenceRule
from programs.engine.status import cadence_status


def evaluate_cadence(rule: CadenceRule, context: Context) -> RequirementResult:
    facts = context.facts
    split = context.split(rule.categories, verified_only=rule.verified_only)
    periods = tuple(
        _period_result(rule, bounds, split.eligible, context)
        for bounds in periods_within(facts.start, facts.end, rule.period, context.week_start)
    )
    required_periods = [period for period in periods if not period.exempt]
    elapsed = [period for period in required_periods if period.state == "elapsed"]
    current = next((period for period in required_periods if period.state == "current"), None)
    misses = sum(1 for period in elapsed if not period.satisfied)
    credited = sum(1 for period in elapsed if period.satisfied)
    if current is not None and current.satisfied:
        credited += 1
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="cadence",
        unit="periods",
        required=max(0, len(required_periods) - rule.allowed_misses),
        credited=credited,
        capped_off=0,
        expected_by_now=max(0, len(elapsed) - rule.allowed_misses),
        status=cadence_status(
            misses=misses,
            allowed_misses=rule.allowed_misses,
            ended=context.ended,
            elapsed_required=len(elapsed),
            credited=credited,
        ),
        advisory=rule.advisory,
        # Within the allowance the rule is done when its last required period is.
        projected_completion=(
            required_periods[-1].end if required_periods and misses <= rule.allowed_misses else None
        ),
        excluded=split.excluded,
        explanation=_explanation(split.eligible, required_periods),
        periods=periods,
        periods_missed=misses,
        needed_this_period=None if current is None else _still_needed(rule, current),
    )


def _period_result(
    rule: CadenceRule, bounds: DateRange, eligible: Sequence[SessionFact], context: Context
) -> PeriodResult:
    start, end = bounds
    inside = [session for session in eligible if start <= session.date <= end]
    minutes = sum(session.minutes for session in inside)
    return PeriodResult(
        start=start,
        end=end,
        minutes=minutes,
        sessions=len(inside),
        satisfied=(rule.min_sessions is None or len(inside) >= rule.min_sessions)
        and (rule.min_minutes is None or minutes >= rule.min_minutes),
        exempt=is_exempt(bounds, context.leaves),
        state=_state(bounds, context.facts.as_of),
    )


def _state(bounds: DateRange, as_of: date) -> PeriodState:
    start, end = bounds
    if end < as_of:
        return "elapsed"
    if start <= as_of:
        return "current"
    return "future"


def _explanation(
    eligible: Sequence[SessionFact], required_periods: Sequence[PeriodResult]
) -> tuple[Contribution, ...]:
    def counts(day: date) -> bool:
        return any(period.start <= day <= period.end for period in required_periods)

    return tuple(
        Contribution(
            session_id=session.id,
            date=session.date,
            category=session.category,
            input=session.minutes,
            credited=session.minutes if counts(session.date) else 0,
            role="period",
        )
        for session in eligible
    )


def _still_needed(rule: CadenceRule, current: PeriodResult) -> int:
    """Minutes still needed this period, or sessions when the rule only sets min_sessions."""
    if rule.min_minutes is not None:
        return max(0, rule.min_minutes - current.minutes)
    return max(0, (rule.min_sessions or 0) - current.sessions)
