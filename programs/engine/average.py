"""`average` rules: per block of N weeks, at least (or at most) so many hours per active week.

Blocks start on the first week start on or after the enrollment start and tile it (blocks of N
days start on the enrollment start itself); only blocks lying entirely inside the enrollment are
judged. Leave is taken out of the denominator: a 4-week block with 7 leave days needs 3 weeks'
worth, and sessions on leave are excluded anyway.

Free days: a block may instead need so many days free of the categories per seven active days
(ACGME, "one day in seven free ... when averaged over four weeks", vacation taken out of the
block first): 28 days with 7 on leave leave 21 active days, so 3 free days are needed. A free
day is an active day with no eligible session of the categories; days after the as-of date are
not counted yet.
"""

import math
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction

from programs.engine.cadence import period_state
from programs.engine.context import Context
from programs.engine.counting import contribution
from programs.engine.facts import SessionFact
from programs.engine.periods import DateRange, active_days, period_bounds
from programs.engine.results import PeriodResult, RequirementResult
from programs.engine.rules import AverageRule
from programs.engine.status import cadence_status


def blocks_within(context: Context, days: int, *, week_aligned: bool) -> tuple[DateRange, ...]:
    facts = context.facts
    start = facts.start
    if week_aligned:
        start = period_bounds(facts.start, "week", context.week_start)[0]
        if start < facts.start:
            start += timedelta(days=7)
    length = timedelta(days=days)
    blocks: list[DateRange] = []
    while start + length - timedelta(days=1) <= facts.end:
        blocks.append((start, start + length - timedelta(days=1)))
        start += length
    return tuple(blocks)


def evaluate_average(rule: AverageRule, context: Context) -> RequirementResult:
    split = context.split(rule.categories, verified_only=rule.verified_only, where=rule.where)
    length = rule.block_days or 7 * rule.block_weeks
    blocks = blocks_within(context, length, week_aligned=rule.block_days is None)
    by_block: dict[int, list[SessionFact]] = {}
    for session in split.eligible:
        index = _block_index(session.date, blocks, length)
        if index is not None:
            by_block.setdefault(index, []).append(session)
    periods = tuple(
        _block_result(rule, bounds, by_block.get(index, ()), context)
        for index, bounds in enumerate(blocks)
    )
    judged = [p for p in periods if not p.exempt]
    elapsed = [p for p in judged if p.state == "elapsed"]
    current = next((p for p in judged if p.state == "current"), None)
    misses = sum(1 for p in elapsed if not p.satisfied)
    credited = sum(1 for p in elapsed if p.satisfied)
    if current is not None:
        if rule.limit == "at_least" and current.satisfied:
            credited += 1
        # Over a maximum already: later sessions cannot bring the block back under it.
        if rule.limit == "at_most" and not current.satisfied:
            misses += 1

    def counts(day: date) -> bool:
        index = _block_index(day, blocks, length)
        return index is not None and not periods[index].exempt

    explanation = tuple(
        contribution(s, s.minutes, s.minutes if counts(s.date) else 0, role="period")
        for s in split.eligible
    )
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="average",
        unit="periods",
        required=max(0, len(judged) - rule.allowed_misses),
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
        projected_completion=judged[-1].end if judged and misses <= rule.allowed_misses else None,
        excluded=split.excluded,
        explanation=explanation,
        periods=periods,
        periods_missed=misses,
        # At least: minutes (free days) still needed this block; at most: minutes still allowed.
        needed_this_period=_still_needed(current),
        limit=rule.limit,
    )


def _still_needed(current: PeriodResult | None) -> int | None:
    if current is None:
        return None
    if current.required_days is not None:
        return max(0, current.required_days - (current.days or 0))
    if current.required_minutes is None:
        return None
    return max(0, current.required_minutes - current.minutes)


def _block_index(day: date, blocks: Sequence[DateRange], length: int) -> int | None:
    if not blocks or day < blocks[0][0]:
        return None
    index = (day - blocks[0][0]).days // length
    return index if index < len(blocks) else None


def _block_result(
    rule: AverageRule, bounds: DateRange, sessions: Sequence[SessionFact], context: Context
) -> PeriodResult:
    active = active_days(bounds[0], bounds[1], context.leaves)
    if rule.free_days_per_week is not None:
        return _free_days_result(rule.free_days_per_week, bounds, sessions, active, context)
    # Minutes are whole, so comparing with the ceiling (at least) or the floor (at most) of the
    # exact target is the same as comparing with the target itself.
    target = Fraction(rule.minutes_per_week * active, 7)
    minutes = sum(session.minutes for session in sessions)
    if rule.limit == "at_least":
        required = math.ceil(target)
        satisfied = minutes >= required
    else:
        required = math.floor(target)
        satisfied = minutes <= required
    return PeriodResult(
        start=bounds[0],
        end=bounds[1],
        minutes=minutes,
        sessions=len(sessions),
        satisfied=satisfied,
        exempt=active == 0,
        state=period_state(bounds, context.facts.as_of),
        required_minutes=required,
    )


def _free_days_result(
    per_week: Fraction,
    bounds: DateRange,
    sessions: Sequence[SessionFact],
    active: int,
    context: Context,
) -> PeriodResult:
    """A block needing `per_week` free days per seven active days."""
    start, end = bounds
    busy = {session.date for session in sessions}
    through = min(end, context.facts.as_of)
    free = 0
    if through >= start:
        seen = active_days(start, through, context.leaves)
        free = seen - len({day for day in busy if day <= through})
    required = math.ceil(per_week * active / 7)
    on_leave = (end - start).days + 1 - active
    note = (
        f"{free} free of {active} active days ({on_leave} on leave): {required} needed, "
        f"{per_week} in 7"
    )
    return PeriodResult(
        start=start,
        end=end,
        minutes=sum(session.minutes for session in sessions),
        sessions=len(sessions),
        satisfied=free >= required,
        exempt=active == 0,
        state=period_state(bounds, context.facts.as_of),
        days=free,
        required_days=required,
        note=note,
    )
