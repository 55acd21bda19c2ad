"""The compliance engine: pure functions from an enrollment's facts and rules to its standing.

No Django here. A selector builds EnrollmentFacts, `parse_requirement_set` turns a program
document into rules, `evaluate` computes, and `result_to_dict` makes the stored snapshot.
"""

from programs.engine.evaluate import evaluate
from programs.engine.facts import EnrollmentFacts, Leave, SessionFact, SessionStatus
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
    CadenceRule,
    Cap,
    CapPerPeriod,
    CountSource,
    Multiply,
    RatioRule,
    RequirementSetRules,
    Rule,
    RuleDefinitionError,
    StatusThresholds,
    Step,
    TotalRule,
    parse_requirement_set,
)
from programs.engine.serialize import result_from_dict, result_to_dict

__all__ = [
    "CadenceRule",
    "Cap",
    "CapPerPeriod",
    "Contribution",
    "CountSource",
    "EnrollmentFacts",
    "EnrollmentResult",
    "Exclusion",
    "Leave",
    "Multiply",
    "PeriodResult",
    "RatioRule",
    "RequirementResult",
    "RequirementSetRules",
    "Rule",
    "RuleDefinitionError",
    "SessionFact",
    "SessionStatus",
    "Status",
    "StatusThresholds",
    "Step",
    "StepEffect",
    "TotalRule",
    "evaluate",
    "parse_requirement_set",
    "result_from_dict",
    "result_to_dict",
]
