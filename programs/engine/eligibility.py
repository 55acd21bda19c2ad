"""Which sessions a requirement may count, and why the others are excluded (spec table order).

First the reasons every requirement shares (withdrawn ... during_leave), then the reasons of the
requirement's `where` filter, in the order of the table in docs/program-format.md.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from programs.engine.facts import EnrollmentFacts, SessionFact, chronological_key
from programs.engine.periods import DateRange, on_leave, subtract_duration
from programs.engine.results import Exclusion
from programs.engine.rules import DateAnchor, SessionFilter

WITHDRAWN = "withdrawn"
DRAFT = "draft"
REJECTED = "rejected"
AWAITING_VERIFICATION = "awaiting_verification"
AFTER_AS_OF = "after_as_of"
OUTSIDE_ENROLLMENT = "outside_enrollment"
DURING_LEAVE = "during_leave"
# `where` filters
BEFORE_WINDOW = "before_window"
AFTER_CUT_OFF = "after_cut_off"
OUTSIDE_LOOK_BACK = "outside_look_back"
OTHER_WEEKDAY = "other_weekday"
PROVIDER_NOT_APPROVED = "provider_not_approved"
OTHER_PROVIDER_KIND = "other_provider_kind"
OTHER_SETTING = "other_setting"
GROUP_TOO_LARGE = "group_too_large"
TOO_SHORT = "too_short"


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


# Per session id: the reasons that do not depend on the requirement, those before
# awaiting_verification and those after it in the spec's order.
StandingReasons = Mapping[int, tuple[str | None, str | None]]


def standing_reasons(facts: EnrollmentFacts, leaves: Iterable[DateRange]) -> StandingReasons:
    """exclusion_reason, once per session, less the part that depends on the requirement."""
    merged = tuple(leaves)
    found: dict[int, tuple[str | None, str | None]] = {}
    for session in facts.sessions:
        early = None
        if session.withdrawn:
            early = WITHDRAWN
        elif session.status == "draft":
            early = DRAFT
        elif session.status == "rejected":
            early = REJECTED
        late = None
        if session.date > facts.as_of:
            late = AFTER_AS_OF
        elif not facts.start <= session.date <= facts.end:
            late = OUTSIDE_ENROLLMENT
        elif on_leave(session.date, merged):
            late = DURING_LEAVE
        found[session.id] = (early, late)
    return found


@dataclass(frozen=True, slots=True)
class BoundFilter:
    """A `where` filter with its dates resolved against one enrollment's facts."""

    filter: SessionFilter
    earliest: date | None  # None: no lower bound
    latest: date | None
    look_back_start: date | None
    never_from: bool  # `from` names a milestone with no date yet: nothing counts
    approved: frozenset[int]

    @classmethod
    def bind(cls, filter_: SessionFilter, facts: EnrollmentFacts) -> "BoundFilter":
        earliest: date | None = None
        never_from = False
        if filter_.on_or_after is not None:
            earliest = _anchor_date(filter_.on_or_after, facts)
            never_from = earliest is None
        latest = None if filter_.on_or_before is None else _anchor_date(filter_.on_or_before, facts)
        look_back_start = None
        if filter_.look_back is not None:
            milestone = filter_.look_back.from_milestone
            reference = facts.milestones.get(milestone, facts.as_of) if milestone else facts.as_of
            look_back_start = subtract_duration(reference, filter_.look_back.duration)
        return cls(
            filter=filter_,
            earliest=earliest,
            latest=latest,
            look_back_start=look_back_start,
            never_from=never_from,
            approved=facts.approved_provider_ids,
        )

    def reason(self, session: SessionFact) -> str | None:
        f = self.filter
        if self.never_from or (self.earliest is not None and session.date < self.earliest):
            return BEFORE_WINDOW
        if self.latest is not None and session.date > self.latest:
            return AFTER_CUT_OFF
        if self.look_back_start is not None and session.date < self.look_back_start:
            return OUTSIDE_LOOK_BACK
        if f.weekdays is not None and session.date.weekday() not in f.weekdays:
            return OTHER_WEEKDAY
        if f.approved_provider and session.provider_id not in self.approved:
            return PROVIDER_NOT_APPROVED
        if f.provider_kinds is not None and session.provider_kind not in f.provider_kinds:
            return OTHER_PROVIDER_KIND
        if f.settings is not None and session.setting not in f.settings:
            return OTHER_SETTING
        if (
            f.max_group_size is not None
            and session.group_size is not None
            and session.group_size > f.max_group_size
        ):
            return GROUP_TOO_LARGE
        if f.min_session_minutes is not None and session.minutes < f.min_session_minutes:
            return TOO_SHORT
        return None


def _anchor_date(anchor: DateAnchor, facts: EnrollmentFacts) -> date | None:
    if anchor.milestone is not None:
        return facts.milestones.get(anchor.milestone)
    return anchor.date


def exclusion(session: SessionFact, reason: str) -> Exclusion:
    return Exclusion(
        session_id=session.id,
        date=session.date,
        category=session.category,
        minutes=session.minutes,
        reason=reason,
    )


def split_sessions(
    facts: EnrollmentFacts,
    categories: frozenset[str],
    *,
    leaves: Iterable[DateRange],
    verified_only: bool,
    self_reported: frozenset[str],
    where: SessionFilter | None = None,
    unfiltered: frozenset[str] = frozenset(),
    last_check: Callable[[SessionFact], str | None] | None = None,
    ordered: Iterable[SessionFact] | None = None,
    standing: StandingReasons | None = None,
) -> Eligibility:
    """Sessions of `categories` that count, and the rest with their reason.

    `where` applies to every category except those in `unfiltered` (conditions and triggers,
    which only need to have happened); so does `last_check` (a total's counts-entry filters).
    `ordered` is facts.sessions already in chronological order, when the caller has it;
    `standing` their standing_reasons (the same reasons, found once per evaluation).
    """
    merged = tuple(leaves)
    bound = None if where is None else BoundFilter.bind(where, facts)
    eligible: list[SessionFact] = []
    excluded: list[Exclusion] = []
    if ordered is None:
        ordered = sorted(facts.sessions, key=chronological_key)
    for session in ordered:
        if session.category not in categories:
            continue
        if standing is None:
            reason = exclusion_reason(
                session,
                facts=facts,
                leaves=merged,
                verified_only=verified_only,
                self_reported=self_reported,
            )
        else:
            early, late = standing[session.id]
            reason = early
            if (
                reason is None
                and session.status == "submitted"
                and verified_only
                and session.category not in self_reported
            ):
                reason = AWAITING_VERIFICATION
            if reason is None:
                reason = late
        if reason is None and session.category not in unfiltered:
            if bound is not None:
                reason = bound.reason(session)
            if reason is None and last_check is not None:
                reason = last_check(session)
        if reason is None:
            eligible.append(session)
        else:
            excluded.append(exclusion(session, reason))
    return Eligibility(eligible=tuple(eligible), excluded=tuple(excluded))
