"""`ratio` rules: cumulatively, one minute of `categories` for every `per` of `per_categories`."""

import math
from fractions import Fraction

from programs.engine.context import Context
from programs.engine.results import Contribution, RequirementResult, Role
from programs.engine.rules import RatioRule
from programs.engine.status import ratio_status


def evaluate_ratio(rule: RatioRule, context: Context) -> RequirementResult:
    split = context.split(
        rule.categories | rule.per_categories, verified_only=rule.verified_only, where=rule.where
    )
    explanation = tuple(
        Contribution(
            session_id=session.id,
            date=session.date,
            category=session.category,
            input=session.minutes,
            credited=session.minutes,
            role=_role(session.category, rule),
        )
        for session in split.eligible
    )
    credited = sum(c.credited for c in explanation if c.role == "numerator")
    denominator = sum(c.credited for c in explanation if c.role == "denominator")
    # Exact: 501 client minutes at per 5 need 101 supervision minutes, not 100.2.
    required = math.ceil(Fraction(denominator) / rule.per)
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="ratio",
        unit="minutes",
        required=required,
        credited=credited,
        capped_off=0,
        expected_by_now=required,
        status=ratio_status(credited=credited, required=required, thresholds=context.thresholds),
        advisory=rule.advisory,
        projected_completion=None,  # a ratio is never finished while client hours keep coming
        excluded=split.excluded,
        explanation=explanation,
    )


def _role(category: str, rule: RatioRule) -> Role:
    return "numerator" if category in rule.categories else "denominator"
