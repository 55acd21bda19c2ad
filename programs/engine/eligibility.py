"""Which sessions a requirement may count, and why the others are excluded (spec table order)."""

from collections.abc import Iterable
from dataclasses import dataclass

from programs.engine.facts import EnrollmentFacts, SessionFact, chronological_key
from programs.engine.periods import DateRange, on_leave
from programs.engine.results import Exclusion

WITHDRAWN = "withdrawn"
DRAFT = "draft"
REJECTED = "rejected"
AWAITING_VERIFICATION = "awaiting_verification"
AFTER_AS_OF = "after_as_of"
OUTSIDE_ENROLLMENT = "outside_enrollment"
DURING_LEAVE = "during_leave"


@dataclass(frozen=True, slots=True)
class Eligibility:
    """A requirement's sessions split in two, each side in chronological order."""

    eligible: tuple[SessionFact, ...]
    excluded: tuple[Exclusion, ...]


def exclusion_reason(
    session: SessionFact,
    *,
    facts: EnrollmentFacts,
    leaves: Iterable[DateRange],
    verified_only: bool,
    self_reported: frozenset[str],
) -> str | None:
    """The first reason in the spec's order that keeps `session` out, or None if it counts."""
    if session.withdrawn:
        return WITHDRAWN
    if session.status == "draft":
        return DRAFT
    if session.status == "rejected":
        return REJECTED
    if session.status == "submitted" and verified_only and session.category not in self_reported:
        return AWAITING_VERIFICATION
    if session.date > facts.as_of:
        return AFTER_AS_OF
    if not facts.start <= session.date <= facts.end:
        return OUTSIDE_ENROLLMENT
    if on_leave(session.date, leaves):
        return DURING_LEAVE
    return None


def split_sessions(
    facts: EnrollmentFacts,
    categories: frozenset[str],
    *,
    leaves: Iterable[DateRange],
    verified_only: bool,
    self_reported: frozenset[str],
) -> Eligibility:
    """Sessions of `categories` that count, and the rest with their reason."""
    merged = tuple(leaves)
    eligible: list[SessionFact] = []
    excluded: list[Exclusion] = []
    for session in sorted(facts.sessions, key=chronological_key):
        if session.category not in categories:
            continue
        reason = exclusion_reason(
            session,
            facts=facts,
            leaves=merged,
            verified_only=verified_only,
            self_reported=self_reported,
        )
        if reason is None:
            eligible.append(session)
        else:
            excluded.append(
                Exclusion(
                    session_id=session.id,
                    date=session.date,
                    category=session.category,
                    minutes=session.minutes,
                    reason=reason,
                )
            )
    return Eligibility(eligible=tuple(eligible), excluded=tuple(excluded))
