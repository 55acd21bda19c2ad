"""The per-enrollment inputs every rule kind needs, computed once per evaluation."""

from collections.abc import Callable
from dataclasses import dataclass, field

from programs.engine.eligibility import (
    Eligibility,
    StandingReasons,
    split_sessions,
    standing_reasons,
)
from programs.engine.facts import EnrollmentFacts, SessionFact, chronological_key
from programs.engine.periods import DateRange, active_days, merge_leaves
from programs.engine.rules import (
    LeaveExemption,
    RequirementSetRules,
    SessionFilter,
    StatusThresholds,
)
from programs.engine.steps import Calendar


@dataclass(frozen=True, slots=True)
class Context:
    facts: EnrollmentFacts
    leaves: tuple[DateRange, ...]  # merged and sorted
    week_start: int
    self_reported: frozenset[str]
    thresholds: StatusThresholds
    ordered: tuple[SessionFact, ...]  # every session, chronologically: sorted once, not per rule
    leave_exemption: LeaveExemption  # the program file's default for cadences
    calendar: Calendar
    # Each session's exclusion reasons that do not depend on the rule, found once, not per rule.
    standing: StandingReasons
    # What steps may share between requirements within this evaluation (an only_if's totals
    # for the same sessions); keys say everything the value depends on.
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, facts: EnrollmentFacts, rules: RequirementSetRules) -> "Context":
        leaves = merge_leaves(facts.leaves)
        return cls(
            facts=facts,
            leaves=leaves,
            week_start=rules.week_start,
            self_reported=rules.self_reported_categories,
            thresholds=rules.thresholds,
            ordered=tuple(sorted(facts.sessions, key=chronological_key)),
            leave_exemption=rules.leave_exemption,
            calendar=Calendar(week_start=rules.week_start, origin=facts.start),
            standing=standing_reasons(facts, leaves),
        )

    @property
    def ended(self) -> bool:
        return self.facts.as_of >= self.facts.end

    @property
    def last_day(self) -> DateRange:
        """(start, min(as_of, end)): the part of the enrollment that has happened."""
        return self.facts.start, min(self.facts.as_of, self.facts.end)

    @property
    def days_since_start(self) -> int:
        return (self.facts.as_of - self.facts.start).days

    @property
    def active_elapsed(self) -> int:
        """Active days from the start up to and including as_of (or the end, if earlier)."""
        if self.facts.as_of < self.facts.start:
            return 0
        return active_days(self.facts.start, min(self.facts.as_of, self.facts.end), self.leaves)

    @property
    def active_total(self) -> int:
        return active_days(self.facts.start, self.facts.end, self.leaves)

    def split(
        self,
        categories: frozenset[str],
        *,
        verified_only: bool,
        where: SessionFilter | None = None,
        unfiltered: frozenset[str] = frozenset(),
        last_check: Callable[[SessionFact], str | None] | None = None,
        ordered: tuple[SessionFact, ...] | None = None,
    ) -> Eligibility:
        """`ordered`: the sessions to split, chronologically, when not the enrollment's own
        (a session counted in two parts)."""
        return split_sessions(
            self.facts,
            categories,
            leaves=self.leaves,
            verified_only=verified_only,
            self_reported=self.self_reported,
            where=where,
            unfiltered=unfiltered,
            last_check=last_check,
            ordered=self.ordered if ordered is None else ordered,
            standing=self.standing,
        )
