"""Reads for the trainee's own pages: the dashboard, explanations, the session list, the timesheet.

Everything here starts from the access selectors scoped to the signed-in user, so another
trainee's objects are simply not found. Compliance comes from stored snapshots (never recomputed
per request), which keeps every page at a fixed number of queries however many sessions exist.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet

from accounts.models import User
from core.timezones import today_in
from core.units import format_amount, format_minutes
from programs.engine import RequirementResult, result_from_dict
from programs.models import ActivityCategory, ProgramCategory
from trainees.models import (
    Enrollment,
    Session,
    SessionStatus,
    SupervisorAssignment,
    Trainee,
)
from trainees.selectors.access import (
    enrollments_visible_to,
    trainees_visible_to,
)
from trainees.selectors.compliance import enrollment_compliance

RECENT_LIMIT = 8
ATTENTION_LIMIT = 5


def user_today(user: User) -> date:
    """Today in the person's own time zone (the default date of a new session)."""
    return today_in(user.time_zone)


def own_trainee(user: User) -> Trainee | None:
    """The signed-in user's trainee record, or None for people who are not trainees."""
    return trainees_visible_to(user).filter(user=user).select_related("user").first()


def own_sessions(user: User) -> QuerySet[Session]:
    """The user's own sessions: the only sessions any trainee page lists or opens.

    Own sessions are always in scope (see trainees.selectors.access), so this filters on the
    owner directly: the general scope's OR of staff paths keeps PostgreSQL from using the
    (trainee, date) index and costs a scan of every session.
    """
    return Session.objects.filter(trainee__user=user)


def own_enrollments(user: User) -> QuerySet[Enrollment]:
    return enrollments_visible_to(user).filter(trainee__user=user)


@dataclass(frozen=True, slots=True)
class RequirementView:
    result: RequirementResult
    percent: int
    expected_percent: int
    needed_label: str | None
    # Logged but not counted yet (drafts and sessions waiting for verification), same unit.
    pending: int = 0
    pending_percent: int = 0
    unit: str = "minutes"

    def text(self, value: int) -> str:
        return format_amount(value, self.unit)

    @property
    def credited_text(self) -> str:
        return self.text(self.result.credited)

    @property
    def required_text(self) -> str:
        return self.text(self.result.required)

    @property
    def expected_text(self) -> str:
        return self.text(self.result.expected_by_now)

    @property
    def pending_text(self) -> str:
        return self.text(self.pending)

    @property
    def key(self) -> str:
        return self.result.key


@dataclass(frozen=True, slots=True)
class EnrollmentCard:
    enrollment: Enrollment
    status: str | None
    as_of: date | None
    requirements: tuple[RequirementView, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    trainee: Trainee
    cards: tuple[EnrollmentCard, ...]
    recent: tuple[Session, ...]
    rejected: tuple[Session, ...]
    drafts: int
    waiting: int
    returned: int
    private_categories: tuple[str, ...]


def _percent(part: int, whole: int) -> int:
    if whole <= 0:
        return 100
    return max(0, min(100, round(100 * part / whole)))


def _rule_definitions(enrollment: Enrollment) -> dict[str, dict[str, Any]]:
    requirements = enrollment.requirement_set.definition.get("requirements", [])
    return {str(r.get("key")): r for r in requirements if isinstance(r, dict)}


def _needed_label(result: RequirementResult, rule: dict[str, Any] | None) -> str | None:
    """What is still needed this week/month, for cadence rules (in the rule's own unit)."""
    if result.kind != "cadence" or result.needed_this_period is None or rule is None:
        return None
    period = "this week" if rule.get("period") == "week" else "this month"
    needed = result.needed_this_period
    if needed == 0:
        return f"Done for {period}"
    if rule.get("min_hours") is not None:
        return f"{format_minutes(needed)} more {period}"
    return f"{needed} more session{'s' if needed != 1 else ''} {period}"


PENDING_REASONS = ("draft", "awaiting_verification")


def _pending(result: RequirementResult, raw: dict[str, Any]) -> int:
    """Drafts and sessions awaiting verification, from the snapshot's per-reason summary.

    Snapshots keep per-reason totals (`excluded_summary`) rather than every excluded session;
    older full snapshots still list `excluded`, so both are read.
    """
    if result.kind != "total":
        return 0
    summary = raw.get("excluded_summary")
    if isinstance(summary, dict):
        field = "sessions" if result.unit == "sessions" else "minutes"
        return sum(int(summary.get(reason, {}).get(field, 0)) for reason in PENDING_REASONS)
    waiting = [e for e in result.excluded if e.reason in PENDING_REASONS]
    return len(waiting) if result.unit == "sessions" else sum(e.minutes for e in waiting)


def _requirement_view(
    result: RequirementResult, rule: dict[str, Any] | None, raw: dict[str, Any]
) -> RequirementView:
    pending = _pending(result, raw)
    percent = _percent(result.credited, result.required)
    return RequirementView(
        result=result,
        percent=percent,
        expected_percent=_percent(result.expected_by_now, result.required),
        needed_label=_needed_label(result, rule),
        pending=pending,
        pending_percent=min(100 - percent, _percent(pending, result.required)) if pending else 0,
        unit=_unit(result, rule),
    )


def _unit(result: RequirementResult, rule: dict[str, Any] | None) -> str:
    """Cadence results count periods; say which ("weeks", "months")."""
    if result.unit == "periods" and rule is not None and rule.get("period") in ("week", "month"):
        return str(rule["period"]) + "s"
    return result.unit


def enrollment_cards(enrollments: list[Enrollment]) -> tuple[EnrollmentCard, ...]:
    cards = []
    for enrollment in enrollments:
        snapshot = getattr(enrollment, "snapshot", None)
        if snapshot is None:
            cards.append(EnrollmentCard(enrollment, None, None, ()))
            continue
        result = result_from_dict(snapshot.result)
        rules = _rule_definitions(enrollment)
        raw = {str(r.get("key")): r for r in snapshot.result.get("requirements", [])}
        views = tuple(
            _requirement_view(r, rules.get(r.key), raw.get(r.key, {})) for r in result.requirements
        )
        cards.append(EnrollmentCard(enrollment, result.status, result.as_of, views))
    return tuple(cards)


def trainee_dashboard(*, user: User, trainee: Trainee) -> Dashboard:
    """The dashboard in a fixed number of queries whatever the number of sessions or requirements."""
    enrollments = list(
        own_enrollments(user)
        .select_related("program__institution", "requirement_set", "snapshot")
        .order_by("-start_date")
    )
    sessions = own_sessions(user).select_related("category")
    recent = tuple(sessions.filter(withdrawn_at__isnull=True)[:RECENT_LIMIT])
    rejected = tuple(
        sessions.filter(withdrawn_at__isnull=True, status=SessionStatus.REJECTED).order_by(
            "-date", "-id"
        )[:ATTENTION_LIMIT]
    )
    counts = dict(
        sessions.filter(
            withdrawn_at__isnull=True,
            status__in=[SessionStatus.DRAFT, SessionStatus.SUBMITTED, SessionStatus.REJECTED],
        )
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    private = tuple(
        ProgramCategory.objects.filter(private=True, program__enrollments__trainee=trainee)
        .values_list("category__name", flat=True)
        .distinct()
        .order_by("category__name")
    )
    return Dashboard(
        trainee=trainee,
        cards=enrollment_cards(enrollments),
        recent=recent,
        rejected=rejected,
        drafts=counts.get(SessionStatus.DRAFT, 0),
        waiting=counts.get(SessionStatus.SUBMITTED, 0),
        returned=counts.get(SessionStatus.REJECTED, 0),
        private_categories=private,
    )


@dataclass(frozen=True, slots=True)
class ExplanationLine:
    session: Session | None
    date: date
    category: str
    minutes: int
    credited: int | None
    note: str


EXCLUSION_REASONS = {
    "withdrawn": "withdrawn by you",
    "draft": "draft, not submitted yet",
    "rejected": "rejected by your supervisor",
    "awaiting_verification": "waiting for verification",
    "after_as_of": "dated after the last computation",
    "outside_enrollment": "outside the enrollment's dates",
    "during_leave": "during a leave of absence",
}


def requirement_explanation(
    *, user: User, enrollment: Enrollment, key: str
) -> tuple[RequirementResult, list[ExplanationLine]] | None:
    """The sessions and steps behind one requirement's number, as of the stored snapshot's date.

    Snapshots keep figures, not the session-by-session trail, so the trail is computed on demand
    for this one enrollment (a fixed number of queries; the engine itself touches no database).
    """
    snapshot = getattr(enrollment, "snapshot", None)
    computed = enrollment_compliance(
        enrollment=enrollment, as_of=snapshot.as_of if snapshot is not None else None
    )
    result = next((r for r in computed.requirements if r.key == key), None)
    if result is None:
        return None
    ids = {c.session_id for c in result.explanation} | {e.session_id for e in result.excluded}
    sessions = own_sessions(user).select_related("category").in_bulk(ids)
    names = dict(ActivityCategory.objects.values_list("key", "name"))
    lines = []
    for c in result.explanation:
        steps = "; ".join(f"{s.step.replace('_', ' ')}: {s.before} → {s.after}" for s in c.steps)
        note = {"numerator": "counts toward the ratio", "denominator": "sets how much is needed"}
        lines.append(
            ExplanationLine(
                session=sessions.get(c.session_id),
                date=c.date,
                category=names.get(c.category, c.category),
                minutes=c.input,
                credited=c.credited,
                note=steps or note.get(c.role, ""),
            )
        )
    for e in result.excluded:
        lines.append(
            ExplanationLine(
                session=sessions.get(e.session_id),
                date=e.date,
                category=names.get(e.category, e.category),
                minutes=e.minutes,
                credited=None,
                note="Not counted: " + EXCLUSION_REASONS.get(e.reason, e.reason),
            )
        )
    lines.sort(key=lambda line: line.date, reverse=True)
    return result, lines


def trainee_categories(*, trainee: Trainee) -> list[ActivityCategory]:
    """Categories used by any of the trainee's programs, by name."""
    ids = ProgramCategory.objects.filter(program__enrollments__trainee=trainee).values(
        "category_id"
    )
    return list(ActivityCategory.objects.filter(pk__in=ids).order_by("name"))


def assigned_supervisors(*, trainee: Trainee, on: date) -> list[User]:
    """Supervisors assigned to any of the trainee's enrollments on the date."""
    rows = (
        SupervisorAssignment.objects.filter(enrollment__trainee=trainee, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .select_related("supervisor")
        .order_by("supervisor__full_name")
    )
    seen: dict[int, User] = {}
    for row in rows:
        seen.setdefault(row.supervisor_id, row.supervisor)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class TimesheetCell:
    category: ActivityCategory
    day: date
    draft_minutes: int | None
    locked_minutes: int
    editable: bool

    @property
    def field_name(self) -> str:
        return f"cell-{self.category.pk}-{self.day.isoformat()}"


@dataclass(frozen=True, slots=True)
class TimesheetRow:
    category: ActivityCategory
    cells: tuple[TimesheetCell, ...]
    total: int


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def timesheet_rows(*, user: User, trainee: Trainee, monday: date) -> list[TimesheetRow]:
    """Categories by the seven days of the ISO week starting `monday`. Two queries."""
    days = [monday + timedelta(days=i) for i in range(7)]
    drafts: dict[tuple[int, date], list[int]] = defaultdict(list)
    locked: dict[tuple[int, date], int] = defaultdict(int)
    for category_id, day, minutes, status in (
        own_sessions(user)
        .filter(date__range=(days[0], days[-1]), withdrawn_at__isnull=True)
        .values_list("category_id", "date", "duration_minutes", "status")
    ):
        if status == SessionStatus.DRAFT:
            drafts[(category_id, day)].append(minutes)
        else:
            locked[(category_id, day)] += minutes
    rows = []
    for category in trainee_categories(trainee=trainee):
        cells = []
        for day in days:
            found = drafts.get((category.pk, day), [])
            cells.append(
                TimesheetCell(
                    category=category,
                    day=day,
                    draft_minutes=found[0] if len(found) == 1 else (sum(found) or None),
                    locked_minutes=locked.get((category.pk, day), 0),
                    editable=len(found) <= 1,
                )
            )
        total = sum((c.draft_minutes or 0) + c.locked_minutes for c in cells)
        rows.append(TimesheetRow(category=category, cells=tuple(cells), total=total))
    return rows
