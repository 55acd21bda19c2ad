"""`ratio` rules: cumulatively, one minute of `categories` for every `per` of `per_categories`.

Either side may be measured through `counts` entries, with their filters and steps, as a total's
are: group supervision weighted before the ratio.
"""

import dataclasses
import math
from fractions import Fraction

from programs.engine.context import Context
from programs.engine.counting import Credited, credit_counts
from programs.engine.results import Contribution, Exclusion, RequirementResult, Role
from programs.engine.rules import CountSource, RatioRule
from programs.engine.status import ratio_status


def evaluate_ratio(rule: RatioRule, context: Context) -> RequirementResult:
    if rule.counts or rule.per_counts:
        explanation, excluded = _with_steps(rule, context)
    else:
        split = context.split(
            rule.categories | rule.per_categories,
            verified_only=rule.verified_only,
            where=rule.where,
        )
        excluded = split.excluded
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
        excluded=excluded,
        explanation=explanation,
    )


def _with_steps(
    rule: RatioRule, context: Context
) -> tuple[tuple[Contribution, ...], tuple[Exclusion, ...]]:
    """Each side through its counts entries' filters and steps, listed chronologically."""
    sides: list[tuple[Role, Credited]] = []
    plan: tuple[tuple[Role, tuple[CountSource, ...], frozenset[str]], ...] = (
        ("numerator", rule.counts, rule.categories),
        ("denominator", rule.per_counts, rule.per_categories),
    )
    for role, counts, categories in plan:
        credited = credit_counts(
            counts or (CountSource(categories),),
            context,
            unit="hours",
            verified_only=rule.verified_only,
            where=rule.where,
        )
        sides.append((role, credited))
    position = {session.id: index for index, session in enumerate(context.ordered)}
    explanation = sorted(
        (dataclasses.replace(c, role=role) for role, side in sides for c in side.explanation),
        key=lambda c: position[c.session_id],
    )
    excluded = sorted(
        (e for _, side in sides for e in side.excluded), key=lambda e: position[e.session_id]
    )
    return tuple(explanation), tuple(excluded)


def _role(category: str, rule: RatioRule) -> Role:
    return "numerator" if category in rule.categories else "denominator"
