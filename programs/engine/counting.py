"""Crediting sessions through `counts` entries: routing each to its entry, then its steps.

A session goes to the first entry that lists its category and whose `where` it passes. A session
no entry takes is excluded with the reason of the first entry that lists its category, so an
entry for approved consultants followed by one for consultants in training credits each
session once, under its own caps.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from programs.engine.context import Context
from programs.engine.eligibility import BoundFilter
from programs.engine.facts import SessionFact
from programs.engine.results import Contribution, Exclusion, Role
from programs.engine.rules import CountSource, SessionFilter, Step, Unit
from programs.engine.steps import StepRunner


class CountsRouter:
    """Finds each session's counts entry; `reason` is the exclusion when there is none."""

    def __init__(self, counts: Sequence[CountSource], context: Context) -> None:
        self._counts = tuple(counts)
        self._filters = tuple(
            None if source.where is None else BoundFilter.bind(source.where, context.facts)
            for source in counts
        )

    def entry(self, session: SessionFact) -> int | None:
        for index, source in enumerate(self._counts):
            if session.category not in source.categories:
                continue
            bound = self._filters[index]
            if bound is None or bound.reason(session) is None:
                return index
        return None

    def reason(self, session: SessionFact) -> str | None:
        if self.entry(session) is not None:
            return None
        for index, source in enumerate(self._counts):
            bound = self._filters[index]
            if session.category in source.categories and bound is not None:
                return bound.reason(session)
        return None  # not a counted category (a condition): nothing to route


@dataclass(frozen=True, slots=True)
class Credited:
    explanation: tuple[Contribution, ...]
    excluded: tuple[Exclusion, ...]


def credit_counts(
    counts: Sequence[CountSource],
    context: Context,
    *,
    unit: Unit,
    verified_only: bool,
    where: SessionFilter | None,
    extra_categories: frozenset[str] = frozenset(),
    extra_role: Role = "condition",
    shared_steps: Sequence[Step] = (),
) -> Credited:
    """Every session of the counted categories in chronological order, with its steps: its
    entry's, then `shared_steps` (one runner for all entries).

    Sessions of `extra_categories` that are not counted are listed with `extra_role`, credited
    0. `only_if` steps look at the eligible sessions of their categories, counted or not (a
    counted one must also have passed the filters).
    """
    router = CountsRouter(counts, context)
    counted = frozenset().union(*(source.categories for source in counts))
    listed_only = extra_categories - counted
    split = context.split(
        counted | listed_only,
        verified_only=verified_only,
        where=where,
        unfiltered=listed_only,
        last_check=router.reason,
    )
    conditions = tuple(s for s in split.eligible if s.category in extra_categories)
    runners = [StepRunner(source.steps, context.calendar, conditions) for source in counts]
    shared = StepRunner(shared_steps, context.calendar, conditions)
    explanation: list[Contribution] = []
    for session in split.eligible:
        if session.category in listed_only:
            explanation.append(contribution(session, session.minutes, 0, role=extra_role))
            continue
        index = router.entry(session)
        assert index is not None  # the split excluded every session without an entry
        value = session.minutes if unit == "hours" else 1
        credited, effects = runners[index].run(session, value)
        if shared_steps:
            credited, more = shared.run(session, credited)
            effects += more
        explanation.append(
            Contribution(
                session_id=session.id,
                date=session.date,
                category=session.category,
                input=value,
                credited=credited,
                steps=effects,
            )
        )
    return Credited(explanation=tuple(explanation), excluded=split.excluded)


def contribution(session: SessionFact, value: int, credited: int, *, role: Role) -> Contribution:
    return Contribution(
        session_id=session.id,
        date=session.date,
        category=session.category,
        input=value,
        credited=credited,
        role=role,
    )
