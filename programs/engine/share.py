"""`share` rules: a sub-category's credited minutes inside a total, against a fraction of that
total's credited minutes (`of: actual`) or of its minimum (`of: required`).

The same data can pass one and fail the other: with 100 h of supervision required, 60 h credited
of which 40 h individual, "at least half individual" holds of the actual 60 h (30 h) and fails
of the required 100 h (50 h).
"""

import dataclasses
import math

from programs.engine.context import Context
from programs.engine.results import RequirementResult
from programs.engine.rules import ShareRule, TotalRule
from programs.engine.status import at_most_status, ratio_status, total_status
from programs.engine.total import expected_by_now


def evaluate_share(
    rule: ShareRule, context: Context, total: TotalRule, base: RequirementResult
) -> RequirementResult:
    """`base` is the result of `total`, the requirement the share refers to."""
    credited_sources = [c for c in base.explanation if c.role == "credit"]
    part = sum(c.credited for c in credited_sources if c.category in rule.categories)
    whole = base.credited if rule.of == "actual" else base.required
    exact = rule.fraction * whole
    if rule.limit == "at_most":
        required = math.floor(exact)
        expected = required
        status = at_most_status(credited=part, limit=required, thresholds=context.thresholds)
    elif rule.of == "actual":
        required = math.ceil(exact)
        expected = required
        # Like a ratio: it holds now or falls short by some fraction; there is no pace.
        status = ratio_status(credited=part, required=required, thresholds=context.thresholds)
    else:
        required = math.ceil(exact)
        expected = expected_by_now(required, context)
        status = total_status(
            credited=part,
            required=required,
            expected_by_now=expected,
            days_since_start=context.days_since_start,
            ended=context.ended,
            thresholds=context.thresholds,
        )
    explanation = tuple(
        dataclasses.replace(c, role="part" if c.category in rule.categories else "rest")
        for c in credited_sources
    )
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="share",
        unit=base.unit,
        required=required,
        credited=part,
        capped_off=sum(e.capped_off for c in explanation if c.role == "part" for e in c.steps),
        expected_by_now=expected,
        status=status,
        advisory=rule.advisory,
        projected_completion=None,
        excluded=tuple(e for e in base.excluded if e.category in total.categories),
        explanation=explanation,
        limit=rule.limit,
    )
