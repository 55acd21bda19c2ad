"""`total` rules: at least a minimum of hours or sessions, after each counts entry's steps."""

from datetime import date
from typing import assert_never

from programs.engine.context import Context
from programs.engine.facts import SessionFact
from programs.engine.periods import add_active_days, period_bounds
from programs.engine.results import Contribution, RequirementResult, StepEffect
from programs.engine.rules import Cap, CapPerPeriod, Multiply, Step, TotalRule, Unit
from programs.engine.status import total_status


class StepRunner:
    """Applies one counts entry's steps to its sessions, fed in chronological order.

    Each step keeps running totals of what it let through (per period for cap_per_period), so a
    session that crosses a limit is credited partly and every later one in the bucket gets 0.
    """

    def __init__(self, steps: tuple[Step, ...], week_start: int) -> None:
        self._steps = steps
        self._week_start = week_start
        self._used: list[dict[date | None, int]] = [{} for _ in steps]

    def run(self, day: date, value: int) -> tuple[int, tuple[StepEffect, ...]]:
        effects: list[StepEffect] = []
        for step, used in zip(self._steps, self._used, strict=True):
            bucket, limit, label, factor = self._describe(step, day)
            passed = value if limit is None else min(value, max(0, limit - used.get(bucket, 0)))
            used[bucket] = used.get(bucket, 0) + passed
            after = passed * factor
            effects.append(
                StepEffect(step=label, before=value, after=after, capped_off=value - passed)
            )
            value = after
        return value, tuple(effects)

    def _describe(self, step: Step, day: date) -> tuple[date | None, int | None, str, int]:
        """(bucket, limit on what passes, label, factor) for one step."""
        if isinstance(step, CapPerPeriod):
            start, _ = period_bounds(day, step.period, self._week_start)
            return start, step.amount, f"cap_per_period:{step.period}", 1
        if isinstance(step, Cap):
            return None, step.amount, "cap", 1
        if isinstance(step, Multiply):
            # input_cap limits what enters the multiplier, before the factor applies.
            return None, step.input_cap, "multiply", step.factor
        assert_never(step)


def evaluate_total(rule: TotalRule, context: Context) -> RequirementResult:
    split = context.split(rule.categories, verified_only=rule.verified_only)
    # One runner per counts entry, reached through its categories (the parser keeps them
    # disjoint), so each entry's caps see only its own sessions.
    runners: dict[str, StepRunner] = {}
    for source in rule.counts:
        runners.update(
            dict.fromkeys(source.categories, StepRunner(source.steps, context.week_start))
        )
    explanation = tuple(
        _contribution(session, rule.unit, runners[session.category]) for session in split.eligible
    )
    credited = sum(contribution.credited for contribution in explanation)
    expected = expected_by_now(rule.minimum, context)
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="total",
        unit="minutes" if rule.unit == "hours" else "sessions",
        required=rule.minimum,
        credited=credited,
        capped_off=sum(effect.capped_off for c in explanation for effect in c.steps),
        expected_by_now=expected,
        status=total_status(
            credited=credited,
            required=rule.minimum,
            expected_by_now=expected,
            days_since_start=(context.facts.as_of - context.facts.start).days,
            ended=context.ended,
            thresholds=context.thresholds,
        ),
        advisory=rule.advisory,
        projected_completion=_projected_completion(rule.minimum, explanation, context),
        excluded=split.excluded,
        explanation=explanation,
    )


def _contribution(session: SessionFact, unit: Unit, runner: StepRunner) -> Contribution:
    value = session.minutes if unit == "hours" else 1
    credited, effects = runner.run(session.date, value)
    return Contribution(
        session_id=session.id,
        date=session.date,
        category=session.category,
        input=value,
        credited=credited,
        steps=effects,
    )


def expected_by_now(minimum: int, context: Context) -> int:
    """minimum x active days elapsed / active days in the enrollment, rounded down."""
    active_total = context.active_total
    if active_total == 0:  # the whole enrollment is leave: nothing left to pace against
        return minimum
    return minimum * context.active_elapsed // active_total


def _projected_completion(
    minimum: int, explanation: tuple[Contribution, ...], context: Context
) -> date | None:
    """When the minimum was reached, or will be at the pace so far (active days only)."""
    running = 0
    for contribution in explanation:
        running += contribution.credited
        if running >= minimum:
            return contribution.date
    elapsed = context.active_elapsed
    if running == 0 or elapsed == 0:
        return None
    # remaining / (running / elapsed) active days, rounded up to a whole day.
    days_needed = -(-(minimum - running) * elapsed // running)
    return add_active_days(context.facts.as_of, days_needed, context.leaves)
