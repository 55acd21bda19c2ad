"""`total` rules: at least a minimum of hours or sessions, after each counts entry's steps."""

from collections.abc import Mapping
from datetime import date

from programs.engine.context import Context
from programs.engine.counting import credit_counts
from programs.engine.periods import add_active_days
from programs.engine.results import Contribution, RequirementResult
from programs.engine.rules import TotalRule
from programs.engine.status import total_status
from programs.engine.steps import PeriodVerdicts


def evaluate_total(
    rule: TotalRule,
    context: Context,
    verdicts: Mapping[str, PeriodVerdicts] | None = None,
) -> RequirementResult:
    # Each counts entry has its own steps, so each entry's caps see only its own sessions.
    counted = credit_counts(
        rule.counts,
        context,
        unit=rule.unit,
        verified_only=rule.verified_only,
        where=rule.where,
        listed=(("condition", rule.condition_categories),),
        shared_steps=rule.steps,
        verdicts=verdicts,
        own_case=rule.own_case,
    )
    explanation = counted.explanation
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
            days_since_start=context.days_since_start,
            ended=context.ended,
            thresholds=context.thresholds,
        ),
        advisory=rule.advisory,
        projected_completion=_projected_completion(rule.minimum, explanation, context),
        excluded=counted.excluded,
        explanation=explanation,
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
