"""What every reminder kind shares: the due reminder itself, each person's chosen timing and
opt-outs, and batching over open enrollments. Reads only.

The database decides: every kind recomputes what is due from sessions, snapshots and the ledger
on every pass, so a pass that never ran (beat down, Redis down) is caught up by the next one.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from accounts.models import User
from programs.models import ProgramRole
from reminders.config import ProgramRules
from reminders.models import (
    Kind,
    NotificationPreference,
    Unsubscribe,
)
from reminders.models import ReminderKind as PreferenceKind
from trainees.models import (
    Enrollment,
)

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


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def open_enrollment_ids(program_ids: list[int] | None = None) -> list[int]:
    query = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    if program_ids is not None:
        query = query.filter(program_id__in=program_ids)
    return list(query.order_by("id").values_list("id", flat=True))


def kind_enabled(rules: dict[int, ProgramRules], program_id: int, kind: str) -> bool:
    return kind in rules[program_id].enabled_kinds


def directors_of(program_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {p: [] for p in program_ids}
    for program_id, user_id in ProgramRole.objects.filter(
        program_id__in=program_ids, role=ProgramRole.Role.DIRECTOR
    ).values_list("program_id", "user_id"):
        result[program_id].append(user_id)
    return result


def iso_week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
