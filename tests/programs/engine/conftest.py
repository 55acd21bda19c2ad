"""Builders for engine tests: plain data in, no database.

Factories are fixtures returning callables so each test states only what matters to it.
"""

import itertools
from collections.abc import Callable, Iterable, Mapping
from datetime import date, time
from typing import Any

import pytest

from programs.engine import (
    EnrollmentFacts,
    Leave,
    RequirementResult,
    RequirementSetRules,
    SessionFact,
    evaluate,
    parse_requirement_set,
)

# A year-long enrollment starting on a Monday, looked at mid-way.
START = date(2025, 1, 6)
END = date(2026, 1, 4)
AS_OF = date(2025, 7, 1)


@pytest.fixture
def make_session() -> Callable[..., SessionFact]:
    ids = itertools.count(1)

    def make(
        day: date = date(2025, 3, 3),
        minutes: int = 60,
        category: str = "client_individual",
        status: str = "verified",
        start_time: time | None = None,
        **overrides: Any,
    ) -> SessionFact:
        return SessionFact(
            id=overrides.pop("id", next(ids)),
            date=day,
            start_time=start_time,
            minutes=minutes,
            category=category,
            status=status,
            **overrides,
        )

    return make


@pytest.fixture
def make_facts() -> Callable[..., EnrollmentFacts]:
    def make(
        sessions: Iterable[SessionFact] = (),
        leaves: Iterable[tuple[date, date]] = (),
        start: date = START,
        end: date = END,
        as_of: date = AS_OF,
        **extra: Any,
    ) -> EnrollmentFacts:
        """`extra`: milestones, approved_provider_ids, waivers."""
        return EnrollmentFacts(
            enrollment_id=1,
            start=start,
            end=end,
            as_of=as_of,
            leaves=tuple(Leave(start=first, end=last) for first, last in leaves),
            sessions=tuple(sessions),
            **extra,
        )

    return make


def program_document(
    *requirements: Mapping[str, Any],
    week_start: str = "monday",
    categories: Iterable[Mapping[str, Any]] = (),
    status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": 1,
        "institution": {"slug": "riverside", "name": "Riverside"},
        "program": {
            "slug": "riverside-mft",
            "name": "MFT",
            "time_zone": "America/Los_Angeles",
            "week_start": week_start,
        },
        "categories": list(categories),
        "requirements": list(requirements),
    }
    if status is not None:
        document["status"] = status
    return document


@pytest.fixture
def make_rules() -> Callable[..., RequirementSetRules]:
    """Rules parsed from requirement dicts written as in a program file."""

    def make(*requirements: Mapping[str, Any], **options: Any) -> RequirementSetRules:
        return parse_requirement_set(program_document(*requirements, **options))

    return make


@pytest.fixture
def run_requirement(
    make_facts: Callable[..., EnrollmentFacts], make_rules: Callable[..., RequirementSetRules]
) -> Callable[..., RequirementResult]:
    """Evaluate a single requirement; `rule_options` go to the document, the rest to the facts."""

    def run(
        requirement: Mapping[str, Any],
        sessions: Iterable[SessionFact] = (),
        rule_options: Mapping[str, Any] | None = None,
        **facts: Any,
    ) -> RequirementResult:
        rules = make_rules(requirement, **(rule_options or {}))
        [result] = evaluate(make_facts(sessions, **facts), rules).requirements
        return result

    return run


@pytest.fixture
def program_document_factory() -> Callable[..., dict[str, Any]]:
    return program_document
