"""Log your week: trainees who logged nothing in the program week by their chosen hour."""

from collections.abc import Iterator
from datetime import date, datetime

from core.timezones import zone
from reminders.config import program_rules
from reminders.due import (
    DueReminder,
    batches,
    kind_enabled,
    open_enrollment_ids,
    timings_for,
    unsubscribed_ids,
    wants,
)
from reminders.models import (
    Kind,
)
from reminders.schedule import week_start_on_or_before, weekly_moment
from trainees.models import (
    Enrollment,
    Session,
)


def due_log_week(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """Trainees with no session dated in the program week so far, once their chosen weekday and
    hour (in their own zone) has come in that week. Constant queries per batch of enrollments."""
    ids = open_enrollment_ids()
    for chunk in batches(ids, batch):
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
                or not kind_enabled(rules, enrollment.program_id, Kind.LOG_WEEK)
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
