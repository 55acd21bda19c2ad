"""Engine results as JSON-safe dicts (for ComplianceSnapshot.result) and back.

Dates become ISO strings and tuples lists; `result_from_dict(result_to_dict(r)) == r`.
Fields added after the first snapshots were stored are read with their defaults when absent, so
an old snapshot still loads.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from programs.engine.results import (
    Contribution,
    EnrollmentResult,
    Exclusion,
    Kind,
    Limit,
    PeriodResult,
    PeriodState,
    RequirementResult,
    ResultUnit,
    Role,
    Status,
    StepEffect,
    WaiverNote,
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
        "excluded": [_exclusion_to_dict(e) for e in result.excluded],
        "explanation": [_contribution_to_dict(c) for c in result.explanation],
        "periods": [_period_to_dict(p) for p in result.periods],
        "periods_missed": result.periods_missed,
        "needed_this_period": result.needed_this_period,
        "limit": result.limit,
        "waiver": None
        if result.waiver is None
        else {
            "reason": result.waiver.reason,
            "original_required": result.waiver.original_required,
            "waived": result.waiver.waived,
        },
    }


def _period_to_dict(period: PeriodResult) -> JsonDict:
    out: JsonDict = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "minutes": period.minutes,
        "sessions": period.sessions,
        "satisfied": period.satisfied,
        "exempt": period.exempt,
        "state": period.state,
        "required_minutes": period.required_minutes,
        "required_sessions": period.required_sessions,
        "trigger_minutes": period.trigger_minutes,
        "days": period.days,
    }
    # Fields added with issue 18 are written only when set, so snapshots of rules that do not
    # use them stay as they were.
    if period.note:
        out["note"] = period.note
    if period.setting is not None:
        out["setting"] = period.setting
    if period.required_days is not None:
        out["required_days"] = period.required_days
    return out


def _exclusion_to_dict(exclusion: Exclusion) -> JsonDict:
    out: JsonDict = {
        "session_id": exclusion.session_id,
        "date": exclusion.date.isoformat(),
        "category": exclusion.category,
        "minutes": exclusion.minutes,
        "reason": exclusion.reason,
    }
    if exclusion.part:
        out["part"] = exclusion.part
    return out


def _contribution_to_dict(contribution: Contribution) -> JsonDict:
    out: JsonDict = {
        "session_id": contribution.session_id,
        "date": contribution.date.isoformat(),
        "category": contribution.category,
        "input": contribution.input,
        "credited": contribution.credited,
        "steps": [
            {
                "step": s.step,
                "before": s.before,
                "after": s.after,
                "capped_off": s.capped_off,
                "note": s.note,
            }
            for s in contribution.steps
        ],
        "role": contribution.role,
    }
    if contribution.part:
        out["part"] = contribution.part
    if contribution.note:
        out["note"] = contribution.note
    return out


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
                part=str(e.get("part", "")),
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
                required_minutes=_optional_int(p.get("required_minutes")),
                required_sessions=_optional_int(p.get("required_sessions")),
                trigger_minutes=_optional_int(p.get("trigger_minutes")),
                days=_optional_int(p.get("days")),
                note=str(p.get("note", "")),
                setting=None if p.get("setting") is None else str(p["setting"]),
                required_days=_optional_int(p.get("required_days")),
            )
            for p in data["periods"]
        ),
        periods_missed=int(data["periods_missed"]),
        needed_this_period=_optional_int(needed),
        limit=_literal(data.get("limit", "at_least"), Limit),
        waiver=_waiver_from_dict(data.get("waiver")),
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _waiver_from_dict(data: Mapping[str, Any] | None) -> WaiverNote | None:
    if data is None:
        return None
    return WaiverNote(
        reason=str(data["reason"]),
        original_required=int(data["original_required"]),
        waived=bool(data["waived"]),
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
                note=str(s.get("note", "")),
            )
            for s in data["steps"]
        ),
        role=_literal(data["role"], Role),
        part=str(data.get("part", "")),
        note=str(data.get("note", "")),
    )


def _literal(value: object, literal: Any) -> Any:
    """`value` checked against a Literal alias such as Status; raises ValueError otherwise."""
    if value not in get_args(literal):
        raise ValueError(f"{value!r} is not one of {', '.join(get_args(literal))}")
    return value
