"""`distinct` rules: how many different providers, clients, settings, days, weeks or months.

At least N over the enrollment (paced like a total), or at most N: overall, or within each
`per_period` ("no more than two supervisors at one time", read as within one month). Each
session's contribution is 1 when it brings a value not seen before (in its period), else 0; a
session without the value (no provider recorded) brings nothing.
"""

from collections.abc import Hashable
from datetime import date

from programs.engine.cadence import period_state
from programs.engine.context import Context
from programs.engine.counting import contribution
from programs.engine.facts import SessionFact
from programs.engine.periods import period_bounds
from programs.engine.results import Contribution, PeriodResult, RequirementResult
from programs.engine.rules import DistinctRule
from programs.engine.status import total_status
from programs.engine.total import expected_by_now


def distinct_value(rule: DistinctRule, session: SessionFact, context: Context) -> Hashable:
    of = rule.of
    if of == "provider":
        return session.provider_id
    if of == "client":
        return session.client_id
    if of == "setting":
        return session.setting
    if of == "day":
        return session.date
    if of == "week":
        return period_bounds(session.date, "week", context.week_start)[0]
    return session.date.replace(day=1)


def evaluate_distinct(rule: DistinctRule, context: Context) -> RequirementResult:
    split = context.split(rule.categories, verified_only=rule.verified_only, where=rule.where)
    seen: dict[date | None, set[Hashable]] = {}
    minutes: dict[date | None, int] = {}
    bounds: dict[date | None, tuple[date, date]] = {}
    explanation: list[Contribution] = []
    for session in split.eligible:
        bucket: date | None = None
        if rule.per_period is not None:
            start, end = period_bounds(
                session.date, rule.per_period, context.week_start, context.facts.start
            )
            bucket = start
            bounds[start] = (start, end)
        values = seen.setdefault(bucket, set())
        minutes[bucket] = minutes.get(bucket, 0) + session.minutes
        value = distinct_value(rule, session, context)
        new = value is not None and value not in values
        if new:
            values.add(value)
        explanation.append(contribution(session, 1, 1 if new else 0, role="occurrence"))
    counts = {bucket: len(values) for bucket, values in seen.items()}
    credited = max(counts.values(), default=0)
    periods: tuple[PeriodResult, ...] = ()
    if rule.per_period is not None:
        periods = tuple(
            PeriodResult(
                start=start,
                end=end,
                minutes=minutes[start],
                sessions=counts[start],
                satisfied=counts[start] <= rule.count,
                exempt=False,
                state=period_state((start, end), context.facts.as_of),
            )
            for start, end in sorted(bounds.values())
        )
    if rule.limit == "at_least":
        expected = expected_by_now(rule.count, context)
        status = total_status(
            credited=credited,
            required=rule.count,
            expected_by_now=expected,
            days_since_start=context.days_since_start,
            ended=context.ended,
            thresholds=context.thresholds,
        )
    else:
        expected = rule.count
        # One more supervisor than allowed is not "nearly right": any excess is a breach.
        status = "met" if credited <= rule.count else "behind"
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="distinct",
        unit="count",
        required=rule.count,
        credited=credited,
        capped_off=0,
        expected_by_now=expected,
        status=status,
        advisory=rule.advisory,
        projected_completion=None,
        excluded=split.excluded,
        explanation=tuple(explanation),
        periods=periods,
        periods_missed=sum(1 for p in periods if not p.satisfied),
        limit=rule.limit,
    )
