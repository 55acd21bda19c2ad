"""Countersign nudges to supervisors, and their escalation to the director when sessions keep
waiting. They count exactly the sessions in the supervisor's queue (never a category private to
the trainee).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Min, Q

from accounts.models import User
from programs.models import Program
from reminders.config import program_rules
from reminders.due import DueReminder, directors_of, iso_week, unsubscribed_ids
from reminders.models import (
    Kind,
)
from trainees.models import (
    Enrollment,
    SessionStatus,
    SupervisorAssignment,
)
from trainees.selectors.access import private_to_trainee


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
