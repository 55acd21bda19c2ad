"""The engine's entry point: one enrollment's facts and rules in, its compliance out.

Pure: no database, no clock. The caller passes `as_of`, so the same facts always give the same
result and a stored snapshot can be recomputed and compared.
"""

from collections.abc import Mapping
from typing import assert_never

from programs.engine.average import evaluate_average
from programs.engine.cadence import evaluate_cadence, period_verdicts
from programs.engine.context import Context
from programs.engine.distinct import evaluate_distinct
from programs.engine.elapsed import evaluate_elapsed
from programs.engine.facts import EnrollmentFacts
from programs.engine.gap import evaluate_gap
from programs.engine.order import dependency_order, period_references
from programs.engine.ratio import evaluate_ratio
from programs.engine.results import (
    Contribution,
    EnrollmentResult,
    Exclusion,
    PeriodResult,
    RequirementResult,
    Status,
    StepEffect,
)
from programs.engine.rules import (
    AverageRule,
    CadenceRule,
    DistinctRule,
    ElapsedRule,
    GapRule,
    RatioRule,
    RequirementSetRules,
    Rule,
    ShareRule,
    TotalRule,
)
from programs.engine.share import evaluate_share
from programs.engine.status import overall_status
from programs.engine.steps import PeriodVerdicts
from programs.engine.total import evaluate_total
from programs.engine.waivers import adjusted, adjusted_rule, waived

__all__ = [
    "Contribution",
    "EnrollmentResult",
    "Exclusion",
    "PeriodResult",
    "RequirementResult",
    "Status",
    "StepEffect",
    "evaluate",
]


def evaluate(facts: EnrollmentFacts, rules: RequirementSetRules) -> EnrollmentResult:
    """Compliance of one enrollment as of `facts.as_of`; requirements keep the rules' order.

    Raises ValueError for a waiver that adjusts a minimum the requirement does not have (see
    programs.engine.waivers.waiver_problem); waivers of keys not in `rules` are ignored, since
    an enrollment moved to a new requirement-set version may carry some for retired rules.
    """
    context = Context.build(facts, rules)
    waivers = {waiver.requirement_key: waiver for waiver in facts.waivers}
    results: dict[str, RequirementResult] = {}
    rules_by_key = {rule.key: rule for rule in rules.rules}
    referenced = {key for rule in rules.rules for key in period_references(rule)}
    verdicts: dict[str, PeriodVerdicts] = {}
    for rule in dependency_order(rules.rules):
        waiver = waivers.get(rule.key)
        original = _evaluate_rule(rule, context, results, rules_by_key, verdicts)
        result = original
        if waiver is not None and waiver.minimum is None:
            result = waived(original, waiver)
        elif waiver is not None and waiver.minimum is not None:
            changed = adjusted_rule(rule, waiver.minimum)
            result = adjusted(
                _evaluate_rule(changed, context, results, rules_by_key, verdicts),
                original,
                waiver,
            )
        results[rule.key] = result
        if rule.key in referenced and isinstance(rule, CadenceRule):
            # What the periods were, waiver or not: a waiver of weekly supervision does not
            # say the supervision took place.
            verdicts[rule.key] = period_verdicts(rule, original)
    requirements = tuple(results[rule.key] for rule in rules.rules)
    return EnrollmentResult(
        enrollment_id=facts.enrollment_id,
        as_of=facts.as_of,
        status=overall_status(requirements),
        requirements=requirements,
    )


def _evaluate_rule(
    rule: Rule,
    context: Context,
    results: Mapping[str, RequirementResult],
    rules: Mapping[str, Rule],
    verdicts: Mapping[str, PeriodVerdicts],
) -> RequirementResult:
    if isinstance(rule, TotalRule):
        return evaluate_total(rule, context, verdicts)
    if isinstance(rule, CadenceRule):
        return evaluate_cadence(rule, context, verdicts)
    if isinstance(rule, RatioRule):
        return evaluate_ratio(rule, context)
    if isinstance(rule, AverageRule):
        return evaluate_average(rule, context)
    if isinstance(rule, ShareRule):
        total = rules[rule.requirement]
        if not isinstance(total, TotalRule):
            raise ValueError(f"share {rule.key!r} refers to {rule.requirement!r}, not a total")
        return evaluate_share(rule, context, total, results[rule.requirement])
    if isinstance(rule, DistinctRule):
        return evaluate_distinct(rule, context)
    if isinstance(rule, GapRule):
        return evaluate_gap(rule, context)
    if isinstance(rule, ElapsedRule):
        return evaluate_elapsed(rule, context)
    assert_never(rule)
