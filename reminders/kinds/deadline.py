"""Deadlines: an approaching expected end date with requirements still unmet."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from core.timezones import zone
from core.units import format_amount
from reminders.config import program_rules
from reminders.due import DueReminder, batches, open_enrollment_ids, unsubscribed_ids
from reminders.models import (
    Kind,
)
from trainees.models import (
    Enrollment,
    RequirementStatus,
)


def due_deadline(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """N days (per program) before the expected end, once, when requirements are unmet."""
    ids = open_enrollment_ids()
    for chunk in batches(ids, batch):
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
