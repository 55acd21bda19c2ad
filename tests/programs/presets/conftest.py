"""Helpers for preset tests: read a preset, log sessions, evaluate, summarise.

Scenarios are hand-computed: each test states the sessions and the figures they must give.
"""

import itertools
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from programs.definitions.program_file import ProgramDocument, parse_program_text
from programs.engine import EnrollmentFacts, EnrollmentResult, Leave, SessionFact, evaluate
from programs.vocabulary import BUILTIN_CATEGORIES

PRESETS = Path(__file__).resolve().parents[3] / "programs" / "presets"
VOCABULARY = {key: name for key, name, _ in BUILTIN_CATEGORIES}


def read_preset(name: str) -> ProgramDocument:
    path = PRESETS / f"{name}.yaml"
    return parse_program_text(path.read_text(), source=str(path), vocabulary=VOCABULARY)


class Log:
    """Builds verified sessions with increasing ids."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def __call__(self, day: date, minutes: int, category: str, **fields: Any) -> SessionFact:
        fields.setdefault("status", "verified")
        return SessionFact(
            id=next(self._ids),
            date=day,
            start_time=None,
            minutes=minutes,
            category=category,
            **fields,
        )

    def every(
        self, first: date, count: int, minutes: int, category: str, *, days: int = 7, **fields: Any
    ) -> list[SessionFact]:
        """`count` sessions, `days` apart, from `first`."""
        return [
            self(first + timedelta(days=days * n), minutes, category, **fields)
            for n in range(count)
        ]


@pytest.fixture
def log() -> Log:
    return Log()


def run(
    name: str,
    sessions: Iterable[SessionFact],
    *,
    start: date,
    end: date,
    as_of: date,
    leaves: Iterable[tuple[date, date]] = (),
    **extra: Any,
) -> EnrollmentResult:
    facts = EnrollmentFacts(
        enrollment_id=1,
        start=start,
        end=end,
        as_of=as_of,
        leaves=tuple(Leave(first, last) for first, last in leaves),
        sessions=tuple(sessions),
        **extra,
    )
    return evaluate(facts, read_preset(name).rules)


def summary(result: EnrollmentResult) -> dict[str, tuple[str, int, int]]:
    """key -> (status, credited, required)."""
    return {r.key: (r.status, r.credited, r.required) for r in result.requirements}
