"""Waivers: a director waives one requirement for one enrollment, or changes its minimum.

The result keeps what was computed and says what the waiver changed (RequirementResult.waiver):
a waived requirement is `met` whatever was credited; an adjusted one is computed again with the
new minimum, in the result's unit:

| kind | the adjusted minimum is |
|---|---|
| total | minutes (unit hours) or sessions |
| cadence | periods that must be satisfied (as `min_periods`; misses no longer counted) |
| distinct (at_least) | the count |
| elapsed | days |

Other kinds (ratios, shares, maxima, gaps, averages) can be waived but not adjusted.
"""

import dataclasses

from programs.engine.facts import Waiver
from programs.engine.results import RequirementResult, WaiverNote
from programs.engine.rules import CadenceRule, DistinctRule, Duration, ElapsedRule, Rule, TotalRule

NOT_ADJUSTABLE = "requirement {key!r} ({kind}) can be waived but its minimum cannot be adjusted"


def waiver_problem(rule: Rule, waiver: Waiver) -> str | None:
    """Why `waiver` cannot apply to `rule`, or None; a service checks this before storing one."""
    if waiver.minimum is None:
        return None
    if isinstance(rule, TotalRule | CadenceRule | ElapsedRule):
        return None
    if isinstance(rule, DistinctRule) and rule.limit == "at_least":
        return None
    kind = type(rule).__name__.removesuffix("Rule").lower()
    return NOT_ADJUSTABLE.format(key=rule.key, kind=kind)


def adjusted_rule(rule: Rule, minimum: int) -> Rule:
    """`rule` with its minimum replaced; raises ValueError when it has none to replace."""
    if isinstance(rule, TotalRule):
        return dataclasses.replace(rule, minimum=minimum)
    if isinstance(rule, CadenceRule):
        return dataclasses.replace(rule, min_periods=minimum, allowed_misses=0)
    if isinstance(rule, DistinctRule) and rule.limit == "at_least":
        return dataclasses.replace(rule, count=minimum)
    if isinstance(rule, ElapsedRule):
        return dataclasses.replace(rule, duration=Duration(days=minimum))
    raise ValueError(waiver_problem(rule, Waiver(rule.key, "-", minimum)))


def waived(result: RequirementResult, waiver: Waiver) -> RequirementResult:
    return dataclasses.replace(
        result,
        status="met",
        waiver=WaiverNote(reason=waiver.reason, original_required=result.required, waived=True),
    )


def adjusted(
    result: RequirementResult, original: RequirementResult, waiver: Waiver
) -> RequirementResult:
    return dataclasses.replace(
        result,
        waiver=WaiverNote(reason=waiver.reason, original_required=original.required, waived=False),
    )
