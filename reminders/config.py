"""Reminder settings per program, with the defaults for programs that never changed them."""

from dataclasses import dataclass

from django.conf import settings

from reminders.models import ALL_KINDS, ProgramReminderSettings


@dataclass(frozen=True, slots=True)
class ProgramRules:
    enabled_kinds: frozenset[str]
    countersign_wait_days: int = 7
    countersign_escalation_days: int = 7
    deadline_days: int = 60
    pace_repeat_days: int = 14
    pace_copy_director: bool = False


DEFAULT_RULES = ProgramRules(enabled_kinds=frozenset(ALL_KINDS))


def program_rules(program_ids: list[int]) -> dict[int, ProgramRules]:
    """Rules for each program (one query); programs without a row get the defaults."""
    rules = dict.fromkeys(program_ids, DEFAULT_RULES)
    for row in ProgramReminderSettings.objects.filter(program_id__in=program_ids):
        rules[row.program_id] = ProgramRules(
            enabled_kinds=frozenset(row.enabled_kinds),
            countersign_wait_days=row.countersign_wait_days,
            countersign_escalation_days=row.countersign_escalation_days,
            deadline_days=row.deadline_days,
            pace_repeat_days=row.pace_repeat_days,
            pace_copy_director=row.pace_copy_director,
        )
    return rules


def batch_size() -> int:
    return int(getattr(settings, "REMINDERS_BATCH_SIZE", 50))
