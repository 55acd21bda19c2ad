"""What is due: reads only. Each function returns the reminders that should exist now.

The database decides: these are recomputed from sessions, snapshots and the ledger on every pass,
so a pass that never ran (beat down, Redis down) is caught up by the next one.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q

from accounts.models import User
from core.units import format_amount
from programs.models import Program, ProgramRole
from reminders.config import ProgramRules, program_rules
from reminders.models import Delivery, DeliveryStatus, Kind, NotificationPreference, Unsubscribe
from reminders.models import ReminderKind as PreferenceKind
from reminders.schedule import local_moment, week_start_on_or_before, weekly_moment, zone
from trainees.models import (
    ComplianceSnapshot,
    Enrollment,
    RequirementStatus,
    Session,
    SessionStatus,
    SupervisorAssignment,
)
from trainees.selectors.access import private_to_trainee

# Kinds that the trainee-facing preference page (reminders.NotificationPreference) switches.
PREFERENCE_KIND = {
    Kind.LOG_WEEK: PreferenceKind.LOG_SESSIONS,
    Kind.PACE_ALERT: PreferenceKind.FALLING_BEHIND,
}


@dataclass(frozen=True, slots=True)
class DueReminder:
    recipient_id: int
    kind: str
    period: str
    due_at: datetime
    program_id: int | None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Timing:
    """When a person wants their weekly reminders: weekday (0 = Monday), hour, zone name."""

    weekday: int
    hour: int
    time_zone: str
    kinds: frozenset[str] | None  # None: no stored preference, every kind


def default_timing(user: User) -> Timing:
    return Timing(
        weekday=int(getattr(settings, "REMINDERS_DEFAULT_WEEKDAY", 4)),
        hour=int(getattr(settings, "REMINDERS_DEFAULT_HOUR", 16)),
        time_zone=user.time_zone or "UTC",
        kinds=None,
    )


def timings_for(users: list[User]) -> dict[int, Timing]:
    """Each user's stored preference, or the default (Friday 16:00 in their zone). One query."""
    timings = {u.pk: default_timing(u) for u in users}
    for pref in NotificationPreference.objects.filter(user_id__in=list(timings)):
        timings[pref.user_id] = Timing(
            weekday=pref.weekday,
            hour=pref.hour,
            time_zone=pref.time_zone,
            kinds=frozenset(pref.kinds),
        )
    return timings


def wants(timing: Timing, kind: str) -> bool:
    mapped = PREFERENCE_KIND.get(Kind(kind))
    return timing.kinds is None or mapped is None or mapped in timing.kinds


def unsubscribed_ids(kind: str, user_ids: list[int]) -> set[int]:
    return set(
        Unsubscribe.objects.filter(kind=kind, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _open_enrollment_ids(program_ids: list[int] | None = None) -> list[int]:
    query = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    if program_ids is not None:
        query = query.filter(program_id__in=program_ids)
    return list(query.order_by("id").values_list("id", flat=True))


def _enabled(rules: dict[int, ProgramRules], program_id: int, kind: str) -> bool:
    return kind in rules[program_id].enabled_kinds


# --- log your week ----------------------------------------------------------------------------


def due_log_week(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """Trainees with no session dated in the program week so far, once their chosen weekday and
    hour (in their own zone) has come in that week. Constant queries per batch of enrollments."""
    ids = _open_enrollment_ids()
    for chunk in _batches(ids, batch):
        enrollments = list(
            Enrollment.objects.filter(pk__in=chunk).select_related("program", "trainee__user")
        )
        rules = program_rules(sorted({e.program_id for e in enrollments}))
        users = [e.trainee.user for e in enrollments]
        timings = timings_for(users)
        opted_out = unsubscribed_ids(Kind.LOG_WEEK, [u.pk for u in users])
        # The earliest week start in the batch bounds the session query; per-enrollment filtering
        # below uses the enrollment's own program week.
        candidates: list[tuple[Enrollment, date, datetime]] = []
        for enrollment in enrollments:
            user = enrollment.trainee.user
            timing = timings[user.pk]
            if (
                user.pk in opted_out
                or not user.is_active
                or not wants(timing, Kind.LOG_WEEK)
                or not _enabled(rules, enrollment.program_id, Kind.LOG_WEEK)
            ):
                continue
            program = enrollment.program
            # "This week" is the program's week, on the program's calendar; the moment is in the
            # trainee's own zone.
            program_today = now.astimezone(zone(program.time_zone)).date()
            first = week_start_on_or_before(program_today, program.week_start)
            _, moment = weekly_moment(
                now=now,
                tz=zone(timing.time_zone),
                week_start=program.week_start,
                weekday=timing.weekday,
                hour=timing.hour,
            )
            if moment <= now and moment.date() >= first and enrollment.start_date <= program_today:
                candidates.append((enrollment, first, moment))
        if not candidates:
            continue
        earliest = min(first for _, first, _ in candidates)
        logged = set(
            Session.objects.filter(
                trainee_id__in=[e.trainee_id for e, _, _ in candidates],
                date__gte=earliest,
                withdrawn_at__isnull=True,
            ).values_list("trainee_id", "date")
        )
        for enrollment, first, moment in candidates:
            if any(t == enrollment.trainee_id and d >= first for t, d in logged):
                continue
            yield DueReminder(
                recipient_id=enrollment.trainee.user_id,
                kind=Kind.LOG_WEEK,
                period=f"e{enrollment.pk}:{first.isoformat()}",
                due_at=moment,
                program_id=enrollment.program_id,
                context={
                    "subject": f"Log this week's sessions for {enrollment.program.name}",
                    "why": (
                        f"You have not logged any session for {enrollment.program.name} in the "
                        f"week that started on {first:%A %d %B}."
                    ),
                    "lines": [
                        "A few minutes now keeps your hours accurate and your supervisor's queue short."
                    ],
                    "action_label": "Log a session",
                    "action_path": "/sessions/new/",
                },
            )


# --- pace ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaceRow:
    enrollment_id: int
    program_id: int
    trainee_user_id: int
    key: str
    name: str
    status: str
    required: int
    credited: int
    expected_by_now: int
    unit: str


def pace_rows(enrollment_ids: list[int]) -> list[PaceRow]:
    """Current non-advisory requirement statuses for these enrollments (one query)."""
    rows = RequirementStatus.objects.filter(
        enrollment_id__in=enrollment_ids, advisory=False
    ).values_list(
        "enrollment_id",
        "enrollment__program_id",
        "enrollment__trainee__user_id",
        "key",
        "name",
        "status",
        "required",
        "credited",
        "expected_by_now",
        "unit",
    )
    return [PaceRow(*row) for row in rows]


def directors_of(program_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {p: [] for p in program_ids}
    for program_id, user_id in ProgramRole.objects.filter(
        program_id__in=program_ids, role=ProgramRole.Role.DIRECTOR
    ).values_list("program_id", "user_id"):
        result[program_id].append(user_id)
    return result


# --- cadence ---------------------------------------------------------------------------------


def due_cadence_miss(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """A cadence period that ended in the last 7 days unsatisfied (and not exempt)."""
    ids = _open_enrollment_ids()
    for chunk in _batches(ids, batch):
        snapshots = list(
            ComplianceSnapshot.objects.filter(enrollment_id__in=chunk).select_related(
                "enrollment__program", "enrollment__trainee__user"
            )
        )
        rules = program_rules(sorted({s.enrollment.program_id for s in snapshots}))
        opted_out = unsubscribed_ids(
            Kind.CADENCE_MISS, [s.enrollment.trainee.user_id for s in snapshots]
        )
        for snapshot in snapshots:
            enrollment = snapshot.enrollment
            user = enrollment.trainee.user
            if user.pk in opted_out or not _enabled(
                rules, enrollment.program_id, Kind.CADENCE_MISS
            ):
                continue
            today = now.astimezone(zone(enrollment.program.time_zone)).date()
            for requirement in snapshot.result.get("requirements", []):
                if requirement.get("kind") != "cadence" or requirement.get("advisory"):
                    continue
                for period in requirement.get("periods", []):
                    end = date.fromisoformat(period["end"])
                    if (
                        period.get("satisfied")
                        or period.get("exempt")
                        or not (today - timedelta(days=7) <= end < today)
                    ):
                        continue
                    due_at = local_moment(end + timedelta(days=1), 9, zone(user.time_zone))
                    yield DueReminder(
                        recipient_id=user.pk,
                        kind=Kind.CADENCE_MISS,
                        period=f"e{enrollment.pk}:{requirement['key']}:{end.isoformat()}",
                        due_at=min(due_at, now),
                        program_id=enrollment.program_id,
                        context={
                            "subject": f"Missed: {requirement['name']} ({period['start']} to {period['end']})",
                            "why": (
                                f"{enrollment.program.name} asks for {requirement['name']} in every "
                                f"period; the period from {period['start']} to {period['end']} ended without it."
                            ),
                            "lines": [
                                f"Logged in that period: {period.get('sessions', 0)} session(s)."
                            ],
                            "action_label": "See the requirement",
                            "action_path": f"/enrollments/{enrollment.pk}/requirements/{requirement['key']}/",
                        },
                    )


# --- countersigning --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Waiting:
    supervisor_id: int
    program_id: int
    sessions: int
    oldest: datetime


def waiting_countersign(*, older_than: datetime) -> list[Waiting]:
    """Submitted sessions waiting since before `older_than`, per responsible supervisor and
    program (one aggregate query).

    A session counts for a supervisor exactly when it is in their countersign queue through an
    assignment (trainees.selectors.countersign.sessions_to_countersign): the assignment covers
    the session's date and category, and the category is not private to the trainee. A count
    that included private sessions would tell the supervisor, and the director they are
    escalated to, that personal therapy is waiting somewhere they cannot see.
    """
    session = "enrollment__trainee__sessions"
    private = private_to_trainee(
        category_id=f"{session}__category_id", trainee_id="enrollment__trainee_id"
    )
    rows = (
        # One filter() call: every condition on the sessions join applies to the same session.
        SupervisorAssignment.objects.filter(
            Q(**{f"{session}__status": SessionStatus.SUBMITTED}),
            Q(**{f"{session}__withdrawn_at__isnull": True}),
            Q(**{f"{session}__submitted_at__lt": older_than}),
            Q(starts_on__lte=F(f"{session}__date")),
            Q(ends_on__isnull=True) | Q(ends_on__gte=F(f"{session}__date")),
            Q(categories__isnull=True) | Q(categories=F(f"{session}__category_id")),
            ~private,
            ~Q(enrollment__trainee__user_id=F("supervisor_id")),
            enrollment__status=Enrollment.Status.ACTIVE,
        )
        .values("supervisor_id", "enrollment__program_id")
        .annotate(
            sessions=Count(session, distinct=True),
            oldest=Min(f"{session}__submitted_at"),
        )
        .order_by("supervisor_id", "enrollment__program_id")
    )
    return [
        Waiting(r["supervisor_id"], r["enrollment__program_id"], r["sessions"], r["oldest"])
        for r in rows
    ]


def iso_week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def due_countersign(*, now: datetime) -> Iterator[DueReminder]:
    """One summary per supervisor per ISO week; the director hears after a further period."""
    programs = {p.pk: p for p in Program.objects.all()}
    rules = program_rules(list(programs))
    week = iso_week(now)
    by_supervisor: dict[int, list[Waiting]] = {}
    shortest_wait = min([r.countersign_wait_days for r in rules.values()] or [7])
    for waiting in waiting_countersign(older_than=now - timedelta(days=shortest_wait)):
        rule = rules[waiting.program_id]
        if Kind.COUNTERSIGN_NUDGE not in rule.enabled_kinds:
            continue
        if waiting.oldest > now - timedelta(days=rule.countersign_wait_days):
            continue
        by_supervisor.setdefault(waiting.supervisor_id, []).append(waiting)
    opted_out = unsubscribed_ids(Kind.COUNTERSIGN_NUDGE, list(by_supervisor))
    for supervisor_id, items in by_supervisor.items():
        if supervisor_id in opted_out:
            continue
        total = sum(i.sessions for i in items)
        yield DueReminder(
            recipient_id=supervisor_id,
            kind=Kind.COUNTERSIGN_NUDGE,
            period=week,
            due_at=now,
            program_id=items[0].program_id if len(items) == 1 else None,
            context={
                "subject": f"{total} session(s) waiting for your countersignature",
                "why": "Trainees you supervise submitted sessions that have waited longer than their program allows.",
                "lines": [
                    f"{programs[i.program_id].name}: {i.sessions} session(s), oldest submitted {i.oldest:%d %B %Y}"
                    for i in items
                ],
                "action_label": "Review sessions",
                "action_path": "/sessions/?status=submitted",
            },
        )
    # Escalation: still waiting after wait + escalation days -> each director of the program.
    escalate: dict[int, list[Waiting]] = {}
    for waiting in waiting_countersign(older_than=now - timedelta(days=1)):
        rule = rules[waiting.program_id]
        limit = rule.countersign_wait_days + rule.countersign_escalation_days
        if Kind.COUNTERSIGN_ESCALATION in rule.enabled_kinds and waiting.oldest <= now - timedelta(
            days=limit
        ):
            escalate.setdefault(waiting.program_id, []).append(waiting)
    directors = directors_of(list(escalate))
    opted_out = unsubscribed_ids(
        Kind.COUNTERSIGN_ESCALATION, [d for ds in directors.values() for d in ds]
    )
    supervisors = User.objects.in_bulk([w.supervisor_id for ws in escalate.values() for w in ws])
    for program_id, items in escalate.items():
        for director_id in directors[program_id]:
            if director_id in opted_out:
                continue
            yield DueReminder(
                recipient_id=director_id,
                kind=Kind.COUNTERSIGN_ESCALATION,
                period=f"p{program_id}:{week}",
                due_at=now,
                program_id=program_id,
                context={
                    "subject": f"Countersigning overdue in {programs[program_id].name}",
                    "why": "Supervisors were reminded and sessions are still waiting for countersignature.",
                    "lines": [
                        f"{supervisors[i.supervisor_id]}: {i.sessions} session(s), oldest submitted {i.oldest:%d %B %Y}"
                        for i in items
                    ],
                    "action_label": "Open the program dashboard",
                    "action_path": "/",
                },
            )


# --- deadline --------------------------------------------------------------------------------


def due_deadline(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """N days (per program) before the expected end, once, when requirements are unmet."""
    ids = _open_enrollment_ids()
    for chunk in _batches(ids, batch):
        enrollments = list(
            Enrollment.objects.filter(pk__in=chunk)
            .select_related("program", "trainee__user")
            .annotate(
                unmet=Exists(
                    RequirementStatus.objects.filter(
                        enrollment_id=OuterRef("pk"), advisory=False
                    ).exclude(status="met")
                )
            )
        )
        rules = program_rules(sorted({e.program_id for e in enrollments}))
        opted_out = unsubscribed_ids(Kind.DEADLINE, [e.trainee.user_id for e in enrollments])
        unmet: dict[int, list[str]] = {}
        for row in (
            RequirementStatus.objects.filter(enrollment_id__in=chunk, advisory=False)
            .exclude(status="met")
            .order_by("enrollment_id", "name")
            .values("enrollment_id", "name", "status", "credited", "required", "unit")
        ):
            unmet.setdefault(row["enrollment_id"], []).append(
                f"{row['name']}: {format_amount(row['credited'], row['unit'])} of "
                f"{format_amount(row['required'], row['unit'])} credited ({row['status'].replace('_', ' ')})"
            )
        for enrollment in enrollments:
            rule = rules[enrollment.program_id]
            today = now.astimezone(zone(enrollment.program.time_zone)).date()
            start = enrollment.expected_end_date - timedelta(days=rule.deadline_days)
            if (
                Kind.DEADLINE not in rule.enabled_kinds
                or enrollment.trainee.user_id in opted_out
                or not enrollment.unmet
                or not start <= today < enrollment.expected_end_date
            ):
                continue
            yield DueReminder(
                recipient_id=enrollment.trainee.user_id,
                kind=Kind.DEADLINE,
                period=f"e{enrollment.pk}:{enrollment.expected_end_date.isoformat()}:{rule.deadline_days}",
                due_at=now,
                program_id=enrollment.program_id,
                context={
                    "subject": f"{(enrollment.expected_end_date - today).days} days left in {enrollment.program.name}",
                    "why": (
                        f"Your expected end date is {enrollment.expected_end_date:%d %B %Y} and some "
                        "requirements are not met yet."
                    ),
                    "lines": unmet.get(enrollment.pk, []),
                    "action_label": "See your dashboard",
                    "action_path": "/",
                },
            )


# --- director digest -------------------------------------------------------------------------


def due_director_digest(*, now: datetime) -> Iterator[DueReminder]:
    """Weekly per program and director, at the director's weekday/hour (default Monday 08:00)."""
    roles = list(
        ProgramRole.objects.filter(role=ProgramRole.Role.DIRECTOR).select_related("program", "user")
    )
    if not roles:
        return
    rules = program_rules(sorted({r.program_id for r in roles}))
    timings = timings_for([r.user for r in roles])
    opted_out = unsubscribed_ids(Kind.DIRECTOR_DIGEST, [r.user_id for r in roles])
    program_ids = sorted({r.program_id for r in roles})
    standing = {
        (row["program_id"], row["snapshot__status"]): row["n"]
        for row in Enrollment.objects.filter(
            program_id__in=program_ids, status=Enrollment.Status.ACTIVE
        )
        .values("program_id", "snapshot__status")
        .annotate(n=Count("id"))
        .order_by()
    }
    waiting = {
        row["trainee__enrollments__program_id"]: row["n"]
        # Private sessions are in nobody's countersign queue; counting them here would tell
        # the director that personal therapy awaits confirmation.
        for row in Session.objects.filter(
            ~private_to_trainee(),
            status=SessionStatus.SUBMITTED,
            withdrawn_at__isnull=True,
            submitted_at__lt=now - timedelta(days=7),
            trainee__enrollments__status=Enrollment.Status.ACTIVE,
            trainee__enrollments__program_id__in=program_ids,
        )
        .values("trainee__enrollments__program_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    }
    recent_alerts = {
        row["program_id"]: row["n"]
        for row in Delivery.objects.filter(
            kind=Kind.PACE_ALERT, status=DeliveryStatus.SENT, sent_at__gte=now - timedelta(days=7)
        )
        .values("program_id")
        .annotate(n=Count("context__enrollment_id", distinct=True))
        .order_by()
    }
    for role in roles:
        timing = timings[role.user_id]
        if timing.kinds is None:
            timing = Timing(weekday=0, hour=8, time_zone=timing.time_zone, kinds=None)
        if (
            role.user_id in opted_out
            or Kind.DIRECTOR_DIGEST not in rules[role.program_id].enabled_kinds
        ):
            continue
        first, moment = weekly_moment(
            now=now,
            tz=zone(timing.time_zone),
            week_start=role.program.week_start,
            weekday=timing.weekday,
            hour=timing.hour,
        )
        if moment > now:
            continue
        figures = {
            s: standing.get((role.program_id, s), 0)
            for s in ("met", "on_track", "at_risk", "behind", "not_started")
        }
        yield DueReminder(
            recipient_id=role.user_id,
            kind=Kind.DIRECTOR_DIGEST,
            period=f"p{role.program_id}:{first.isoformat()}",
            due_at=moment,
            program_id=role.program_id,
            context={
                "subject": f"Weekly digest: {role.program.name}",
                "why": f"You direct {role.program.name}; this is the summary for the week of {first:%d %B %Y}.",
                "lines": [
                    f"Trainees newly at risk or behind this week: {recent_alerts.get(role.program_id, 0)}",
                    f"Sessions waiting more than 7 days for countersignature: {waiting.get(role.program_id, 0)}",
                    "Active trainees: "
                    + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in figures.items()),
                ],
                "action_label": "Open the program dashboard",
                "action_path": "/",
            },
        )
