"""Crediting sessions through `counts` entries: routing each to its entry, then its steps.

A session goes to the first entry that lists its category and whose `where` it passes. A session
no entry takes is excluded with the reason of the first entry that lists its category, so an
entry for approved consultants followed by one for consultants in training credits each
session once, under its own caps.
"""

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from programs.engine.context import Context
from programs.engine.eligibility import BoundFilter
from programs.engine.facts import SessionFact
from programs.engine.results import Contribution, Exclusion, Role, StepEffect
from programs.engine.rules import CapShare, CountSource, OwnCase, SessionFilter, Step, Unit
from programs.engine.steps import PeriodVerdicts, StepInputs, StepRunner


class CountsRouter:
    """Finds each session's counts entry; `reason` is the exclusion when there is none."""

    def __init__(self, counts: Sequence[CountSource], context: Context) -> None:
        self._counts = tuple(counts)
        self._filters = tuple(
            None if source.where is None else BoundFilter.bind(source.where, context.facts)
            for source in counts
        )
        # reason() finds the entry while splitting; entry() is asked again when crediting.
        self._found: dict[int, int | None] = {}

    def entry(self, session: SessionFact) -> int | None:
        key = id(session)
        if key in self._found:
            return self._found[key]
        found = None
        for index, source in enumerate(self._counts):
            if session.category not in source.categories:
                continue
            bound = self._filters[index]
            if bound is None or bound.reason(session) is None:
                found = index
                break
        self._found[key] = found
        return found

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
    listed: Sequence[tuple[Role, frozenset[str]]] = (),
    shared_steps: Sequence[Step] = (),
    verdicts: Mapping[str, PeriodVerdicts] | None = None,
    own_case: OwnCase | None = None,
) -> Credited:
    """Every session of the counted categories in chronological order, with its steps: its
    entry's, then `shared_steps` (one runner for all entries), then a `cap_share` on the
    whole credit.

    Sessions of `listed` categories that are not counted are listed with that role (the first
    that names them: triggers, conditions), credited 0. `only_if` steps look at the eligible
    sessions of their categories, counted or not (a counted one must also have passed the
    filters); `only_if_met` steps at `verdicts`. With `own_case`, a group session with minutes on
    the trainee's own case is counted as two parts (see OwnCase), each listed once.
    """
    router = CountsRouter(counts, context)
    counted = frozenset().union(*(source.categories for source in counts))
    roles: dict[str, Role] = {}
    for role, categories in listed:
        for category in categories - counted:
            roles.setdefault(category, role)
    listed_only = frozenset(roles)
    parts: Mapping[SessionFact, tuple[str, str]] = {}
    ordered = None
    if own_case is not None:
        ordered, parts = own_case_parts(own_case, context.ordered)
    split = context.split(
        counted | listed_only,
        verified_only=verified_only,
        where=where,
        unfiltered=listed_only,
        last_check=router.reason,
        ordered=ordered,
    )
    inputs = StepInputs(
        calendar=context.calendar,
        seen=split.eligible,
        facts=context.facts,
        verdicts={} if verdicts is None else verdicts,
        # Own-case parts share their session's id, so their totals stay with this requirement.
        cache=context.memo if not parts else {},
        shareable=not parts,
    )
    runners = [StepRunner(source.steps, inputs, source.categories) for source in counts]
    finals = [step for step in shared_steps if isinstance(step, CapShare)]
    streamed = [step for step in shared_steps if not isinstance(step, CapShare)]
    shared = StepRunner(streamed, inputs, counted)
    explanation: list[Contribution] = []
    for session in split.eligible:
        if session.category in listed_only:
            explanation.append(
                contribution(session, session.minutes, 0, role=roles[session.category])
            )
            continue
        index = router.entry(session)
        assert index is not None  # the split excluded every session without an entry
        value = session.minutes if unit == "hours" else 1
        credited, effects = runners[index].run(session, value)
        if streamed:
            credited, more = shared.run(session, credited)
            effects += more
        part, note = parts.get(session, ("", "")) if parts else ("", "")
        explanation.append(
            Contribution(
                session_id=session.id,
                date=session.date,
                category=session.category,
                input=value,
                credited=credited,
                steps=effects,
                part=part,
                note=note,
            )
        )
    for final in finals:
        explanation = cap_share(final, explanation, unit)
    excluded = split.excluded
    if own_case is not None:
        excluded = _label_parts(excluded, own_case, parts)
    return Credited(explanation=tuple(explanation), excluded=excluded)


def own_case_parts(
    own_case: OwnCase, ordered: Sequence[SessionFact]
) -> tuple[tuple[SessionFact, ...], dict[SessionFact, tuple[str, str]]]:
    """The sessions with each group session that has own-case minutes replaced by its two
    parts (own case as `as_category`, up to the limit; the rest as the session's category),
    and each part's label and note. A part of no minutes is left out."""
    out: list[SessionFact] = []
    parts: dict[SessionFact, tuple[str, str]] = {}
    for session in ordered:
        own = session.own_case_minutes
        if session.category not in own_case.categories or not own:
            out.append(session)
            continue
        size = session.group_size
        if (
            own_case.max_group_size is not None
            and size is not None
            and size > own_case.max_group_size
        ):
            out.append(session)
            parts[session] = (
                "",
                f"own case not counted apart: a group of {size} is larger than "
                f"{own_case.max_group_size}",
            )
            continue
        individual = min(own, own_case.max_minutes)
        rest = session.minutes - individual
        how = (
            f"{own} of the {session.minutes}-minute meeting on the trainee's own case: "
            f"{individual} min as {own_case.as_category} (at most {own_case.max_minutes} a "
            f"session), {rest} min as {session.category}"
        )
        for label, category, minutes in (
            ("own_case", own_case.as_category, individual),
            ("group", session.category, rest),
        ):
            if minutes > 0:
                part = dataclasses.replace(
                    session, category=category, minutes=minutes, own_case_minutes=None
                )
                out.append(part)
                parts[part] = (label, how)
    return tuple(out), parts


def _label_parts(
    excluded: tuple[Exclusion, ...],
    own_case: OwnCase,
    parts: Mapping[SessionFact, tuple[str, str]],
) -> tuple[Exclusion, ...]:
    """An excluded part says which part it is (its category tells them apart)."""
    split_ids = {session.id for session, (label, _) in parts.items() if label}
    return tuple(
        dataclasses.replace(e, part="own_case" if e.category == own_case.as_category else "group")
        if e.session_id in split_ids
        else e
        for e in excluded
    )


def cap_share(
    step: CapShare, explanation: Sequence[Contribution], unit: Unit
) -> list[Contribution]:
    """`step.categories` keep at most `step.fraction` of the credit of `step.of` (all credited,
    by default), the capped part included: at most F x (rest) / (1 - F) of the rest. The
    earliest minutes are kept; every credited session gets the step, with a note on those cut.
    """
    credited = [c for c in explanation if c.role == "credit"]
    part = sum(c.credited for c in credited if c.category in step.categories)
    base = sum(c.credited for c in credited if step.of is None or c.category in step.of)
    rest = base - part
    allowed = part if step.fraction == 1 else math.floor(step.fraction * rest / (1 - step.fraction))
    label = "cap_share"
    if part <= allowed:
        effects = {id(c): StepEffect(label, c.credited, c.credited) for c in credited}
    else:
        effects = {}
        left = allowed
        what = "min" if unit == "hours" else "sessions"
        share = _percent(step.fraction)
        of = "the credited total" if step.of is None else ", ".join(sorted(step.of))
        note = (
            f"{', '.join(sorted(step.categories))} at most {share} of {of}: {allowed} {what} "
            f"allowed of {part} ({rest} {what} of the rest)"
        )
        for c in credited:
            if c.category not in step.categories:
                effects[id(c)] = StepEffect(label, c.credited, c.credited)
                continue
            passed = min(c.credited, left)
            left -= passed
            cut = c.credited - passed
            effects[id(c)] = StepEffect(
                label, c.credited, passed, cut, f"{note}; {cut} {what} over" if cut else ""
            )
    out = []
    for c in explanation:
        effect = effects.get(id(c))
        if effect is None:
            out.append(c)
        else:
            out.append(dataclasses.replace(c, credited=effect.after, steps=(*c.steps, effect)))
    return out


def _percent(fraction: Fraction) -> str:
    percent = fraction * 100
    return f"{percent}%" if percent.denominator == 1 else str(fraction)


def contribution(session: SessionFact, value: int, credited: int, *, role: Role) -> Contribution:
    return Contribution(
        session_id=session.id,
        date=session.date,
        category=session.category,
        input=value,
        credited=credited,
        role=role,
    )
