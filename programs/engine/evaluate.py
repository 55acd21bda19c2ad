"""The engine's entry point: one enrollment's facts and rules in, its compliance out.

Pure: no database, no clock. The caller passes `as_of`, so the same facts always give the same
result and a stored snapshot can be recomputed and compared.
"""

from typing import assert_never

from programs.engine.cadence import evaluate_cadence
from programs.engine.context import Context
from programs.engine.facts import EnrollmentFacts
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
from programs.engine.rules import CadenceRule, RatioRule, RequirementSetRules, Rule, TotalRule
from programs.engine.status import overall_status
from programs.engine.total import evaluate_total

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
    """Compliance of one enrollment as of `facts.as_of`; requirements keep the rules' order."""
    context = Context.build(facts, rules)
    requirements = tuple(_evaluate_rule(rule, context) for rule in rules.rules)
    return EnrollmentResult(
        enrollment_id=facts.enrollment_id,
        as_of=facts.as_of,
        status=overall_status(requirements),
        requirements=requirements,
    )


def _evaluate_rule(rule: Rule, context: Context) -> RequirementResult:
    if isinstance(rule, TotalRule):
        return evaluate_total(rule, context)
    if isinstance(rule, CadenceRule):
        return evaluate_cadence(rule, context)
    if isinstance(rule, RatioRule):
        return evaluate_ratio(rule, context)
    assert_never(rule)
