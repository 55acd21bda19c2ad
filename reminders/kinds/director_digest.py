"""The weekly director digest: a program's standing and what waits, once a week."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count

from core.timezones import zone
from programs.models import ProgramRole
from reminders.config import program_rules
from reminders.due import DueReminder, Timing, timings_for, unsubscribed_ids
from reminders.models import (
    Delivery,
    DeliveryStatus,
    Kind,
)
from reminders.schedule import weekly_moment
from trainees.models import (
    Enrollment,
    Session,
    SessionStatus,
)
from trainees.selectors.access import private_to_trainee


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
