"""Engine results as JSON-safe dicts (for ComplianceSnapshot.result) and back.

Dates become ISO strings and tuples lists; `result_from_dict(result_to_dict(r)) == r`.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from programs.engine.results import (
    Contribution,
    EnrollmentResult,
    Exclusion,
    Kind,
    PeriodResult,
    PeriodState,
    RequirementResult,
    ResultUnit,
    Role,
    Status,
    StepEffect,
)

JsonDict = dict[str, Any]


def result_to_dict(result: EnrollmentResult) -> JsonDict:
    return {
        "enrollment_id": result.enrollment_id,
        "as_of": result.as_of.isoformat(),
        "status": result.status,
        "requirements": [_requirement_to_dict(r) for r in result.requirements],
    }


def result_from_dict(data: Mapping[str, Any]) -> EnrollmentResult:
    """Re-hydrate a stored snapshot; raises ValueError/KeyError on a malformed one."""
    return EnrollmentResult(
        enrollment_id=int(data["enrollment_id"]),
        as_of=date.fromisoformat(data["as_of"]),
        status=_literal(data["status"], Status),
        requirements=tuple(_requirement_from_dict(r) for r in data["requirements"]),
    )


def _requirement_to_dict(result: RequirementResult) -> JsonDict:
    completion = result.projected_completion
    return {
        "key": result.key,
        "name": result.name,
        "kind": result.kind,
        "unit": result.unit,
        "required": result.required,
        "credited": result.credited,
        "capped_off": result.capped_off,
        "expected_by_now": result.expected_by_now,
        "status": result.status,
        "advisory": result.advisory,
        "projected_completion": completion.isoformat() if completion else None,
        "excluded": [
            {
                "session_id": e.session_id,
                "date": e.date.isoformat(),
                "category": e.category,
                "minutes": e.minutes,
                "reason": e.reason,
            }
            for e in result.excluded
        ],
        "explanation": [_contribution_to_dict(c) for c in result.explanation],
        "periods": [
            {
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "minutes": p.minutes,
                "sessions": p.sessions,
                "satisfied": p.satisfied,
                "exempt": p.exempt,
                "state": p.state,
            }
            for p in result.periods
        ],
        "periods_missed": result.periods_missed,
        "needed_this_period": result.needed_this_period,
    }


def _contribution_to_dict(contribution: Contribution) -> JsonDict:
    return {
        "session_id": contribution.session_id,
        "date": contribution.date.isoformat(),
        "category": contribution.category,
        "input": contribution.input,
        "credited": contribution.credited,
        "steps": [
            {"step": s.step, "before": s.before, "after": s.after, "capped_off": s.capped_off}
            for s in contribution.steps
        ],
        "role": contribution.role,
    }


def _requirement_from_dict(data: Mapping[str, Any]) -> RequirementResult:
    completion = data["projected_completion"]
    needed = data["needed_this_period"]
    return RequirementResult(
        key=str(data["key"]),
        name=str(data["name"]),
        kind=_literal(data["kind"], Kind),
        unit=_literal(data["unit"], ResultUnit),
        required=int(data["required"]),
        credited=int(data["credited"]),
        capped_off=int(data["capped_off"]),
        expected_by_now=int(data["expected_by_now"]),
        status=_literal(data["status"], Status),
        advisory=bool(data["advisory"]),
        projected_completion=None if completion is None else date.fromisoformat(completion),
        excluded=tuple(
            Exclusion(
                session_id=int(e["session_id"]),
                date=date.fromisoformat(e["date"]),
                category=str(e["category"]),
                minutes=int(e["minutes"]),
                reason=str(e["reason"]),
            )
            for e in data["excluded"]
        ),
        explanation=tuple(_contribution_from_dict(c) for c in data["explanation"]),
        periods=tuple(
            PeriodResult(
                start=date.fromisoformat(p["start"]),
                end=date.fromisoformat(p["end"]),
                minutes=int(p["minutes"]),
                sessions=int(p["sessions"]),
                satisfied=bool(p["satisfied"]),
                exempt=bool(p["exempt"]),
                state=_literal(p["state"], PeriodState),
            )
            for p in data["periods"]
        ),
        periods_missed=int(data["periods_missed"]),
        needed_this_period=None if needed is None else int(needed),
    )


def _contribution_from_dict(data: Mapping[str, Any]) -> Contribution:
    return Contribution(
        session_id=int(data["session_id"]),
        date=date.fromisoformat(data["date"]),
        category=str(data["category"]),
        input=int(data["input"]),
        credited=int(data["credited"]),
        steps=tuple(
            StepEffect(
                step=str(s["step"]),
                before=int(s["before"]),
                after=int(s["after"]),
                capped_off=int(s["capped_off"]),
            )
            for s in data["steps"]
        ),
        role=_literal(data["role"], Role),
    )


def _literal(value: object, literal: Any) -> Any:
    """`value` checked against a Literal alias such as Status; raises ValueError otherwise."""
    if value not in get_args(literal):
        raise ValueError(f"{value!r} is not one of {', '.join(get_args(literal))}")
    return value
