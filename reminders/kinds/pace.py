"""Pace alerts: told on the transition to at risk or behind, and again if still behind after the
program's repeat days; optionally copied to the program's directors. The last status told is
remembered per enrollment and requirement (PaceNotice), which is what makes it a transition.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from core.timezones import zone
from core.units import format_amount
from reminders.config import program_rules
from reminders.due import DueReminder, directors_of, timings_for, unsubscribed_ids, wants
from reminders.ledger import deliveries_record
from reminders.models import Kind, PaceNotice
from trainees.models import (
    Enrollment,
    RequirementStatus,
)


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


AT_RISK = ("at_risk", "behind")


SEVERITY = {"at_risk": 1, "behind": 2}


def pace_transitions_record(*, now: datetime, batch: int = 500) -> int:
    """Pace alerts on transitions into at risk / behind (and from at risk to behind), a stronger
    repeat when still behind after the program's repeat days, optional copies to directors.
    Remembers the last status told per enrollment and requirement. Idempotent."""
    ids = list(
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
        .order_by("id")
        .values_list("id", flat=True)
    )
    created = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            created += _pace_chunk(now=now, enrollment_ids=chunk)
    return created


def _pace_chunk(*, now: datetime, enrollment_ids: list[int]) -> int:
    rows = pace_rows(enrollment_ids)
    if not rows:
        return 0
    enrollments = Enrollment.objects.select_related("program", "trainee__user").in_bulk(
        {r.enrollment_id for r in rows}
    )
    notices = {
        (n.enrollment_id, n.requirement_key): n
        for n in PaceNotice.objects.select_for_update().filter(enrollment_id__in=enrollment_ids)
    }
    rules = program_rules(sorted({r.program_id for r in rows}))
    directors = directors_of(sorted({r.program_id for r in rows}))
    timings = timings_for([e.trainee.user for e in enrollments.values()])
    opted_out = unsubscribed_ids(
        Kind.PACE_ALERT, list(timings) + [d for ds in directors.values() for d in ds]
    )
    due: list[DueReminder] = []
    new_notices: list[PaceNotice] = []
    changed: list[PaceNotice] = []
    for row in rows:
        enrollment = enrollments[row.enrollment_id]
        today = now.astimezone(zone(enrollment.program.time_zone)).date()
        rule = rules[row.program_id]
        notice = notices.get((row.enrollment_id, row.key))
        previous = notice.last_status if notice else None
        stronger = False
        if row.status in AT_RISK and SEVERITY.get(row.status, 0) > SEVERITY.get(previous or "", 0):
            tell = True
        elif (
            row.status == "behind"
            and notice is not None
            and notice.notified_on is not None
            and notice.repeated_on is None
            and today >= notice.notified_on + timedelta(days=rule.pace_repeat_days)
        ):
            tell, stronger = True, True
        else:
            tell = False
        if notice is None:
            notice = PaceNotice(
                enrollment_id=row.enrollment_id, requirement_key=row.key, last_status=row.status
            )
            new_notices.append(notice)
        elif notice.last_status != row.status or tell:
            changed.append(notice)
        notice.last_status = row.status
        if row.status not in AT_RISK:
            notice.notified_on = notice.repeated_on = None
        if not tell or Kind.PACE_ALERT not in rule.enabled_kinds:
            continue
        if stronger:
            notice.repeated_on = today
        else:
            notice.notified_on, notice.repeated_on = today, None
        shortfall = max(row.expected_by_now - row.credited, 0)
        amount = format_amount(shortfall, row.unit)
        why = (
            f"Your {row.name} requirement in {enrollment.program.name} has been behind for "
            f"{rule.pace_repeat_days} days."
            if stronger
            else f"Your {row.name} requirement in {enrollment.program.name} moved to "
            f"{row.status.replace('_', ' ')}."
        )
        context: dict[str, object] = {
            "subject": (
                f"Still behind: {row.name}"
                if stronger
                else f"{row.name} is {row.status.replace('_', ' ')}"
            ),
            "why": why,
            "lines": [f"To get back on pace you need {amount} more than you have credited now."],
            "action_label": "See what is needed",
            "action_path": f"/enrollments/{enrollment.pk}/requirements/{row.key}/",
            "enrollment_id": enrollment.pk,
            "stronger": stronger,
        }
        period = f"e{enrollment.pk}:{row.key}:{row.status}:{today.isoformat()}" + (
            ":repeat" if stronger else ""
        )
        user = enrollment.trainee.user
        if user.pk not in opted_out and wants(timings[user.pk], Kind.PACE_ALERT):
            due.append(DueReminder(user.pk, Kind.PACE_ALERT, period, now, row.program_id, context))
        if rule.pace_copy_director:
            copy = dict(context, why=f"Copy for the director: {user} — {why}")
            for director_id in directors[row.program_id]:
                if director_id not in opted_out:
                    due.append(
                        DueReminder(director_id, Kind.PACE_ALERT, period, now, row.program_id, copy)
                    )
    PaceNotice.objects.bulk_create(new_notices)
    PaceNotice.objects.bulk_update(changed, ["last_status", "notified_on", "repeated_on"])
    return deliveries_record(due=due)
