"""Cadence misses: a weekly or monthly minimum that the period just ended did not meet."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from core.timezones import zone
from reminders.config import program_rules
from reminders.due import DueReminder, batches, kind_enabled, open_enrollment_ids, unsubscribed_ids
from reminders.models import (
    Kind,
)
from reminders.schedule import local_moment
from trainees.models import (
    ComplianceSnapshot,
)


def due_cadence_miss(*, now: datetime, batch: int = 500) -> Iterator[DueReminder]:
    """A cadence period that ended in the last 7 days unsatisfied (and not exempt)."""
    ids = open_enrollment_ids()
    for chunk in batches(ids, batch):
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
            if user.pk in opted_out or not kind_enabled(
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
