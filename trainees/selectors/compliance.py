"""Reads for compliance: turning database rows into engine facts, and computing on demand."""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from programs.engine import (
    EnrollmentFacts,
    EnrollmentResult,
    Leave,
    RequirementSetRules,
    SessionFact,
    Waiver,
    evaluate,
    parse_requirement_set,
)
from programs.models import ActivityCategory, Program, RequirementSet
from trainees.models import Enrollment, LeaveOfAbsence, RequirementWaiver, Session

SESSION_FACT_COLUMNS = (
    "id",
    "trainee_id",
    "date",
    "start_time",
    "duration_minutes",
    "category_id",
    "status",
    "withdrawn_at",
    "group_size",
    "provider_id",
)


def program_today(*, program: Program, now: datetime | None = None) -> date:
    """Today's date where the program is: pace and periods follow the program's calendar."""
    moment = now or timezone.now()
    return moment.astimezone(ZoneInfo(program.time_zone)).date()


def enrollment_window_end(enrollment: Enrollment) -> date:
    return enrollment.ended_on or enrollment.expected_end_date


@lru_cache(maxsize=256)
def _rules_for(requirement_set_id: int, checksum: str, definition_json: str) -> RequirementSetRules:
    return parse_requirement_set(json.loads(definition_json))


def requirement_set_rules(requirement_set: RequirementSet) -> RequirementSetRules:
    """Parsed rules, cached per version: versions are immutable, the checksum guards the cache."""
    return _rules_for(
        requirement_set.pk, requirement_set.checksum, json.dumps(requirement_set.definition)
    )


def category_keys() -> dict[int, str]:
    return dict(ActivityCategory.objects.values_list("id", "key"))


def _session_fact(row: Sequence[Any], keys: dict[int, str]) -> SessionFact:
    return SessionFact(
        id=row[0],
        date=row[2],
        start_time=row[3],
        minutes=row[4],
        category=keys[row[5]],
        status=row[6],
        withdrawn=row[7] is not None,
        group_size=row[8],
        provider_id=row[9],
    )


def enrollments_facts(
    *, enrollments: Sequence[Enrollment], as_of: date | None = None
) -> dict[int, EnrollmentFacts]:
    """Facts for many enrollments in four queries, whatever their number of sessions.

    Sessions are loaded once per trainee and shared by all their enrollments: a session is logged
    once and each enrollment's rules decide whether it counts.
    """
    if not enrollments:
        return {}
    keys = category_keys()
    trainee_ids = {e.trainee_id for e in enrollments}
    sessions_by_trainee: dict[int, list[SessionFact]] = defaultdict(list)
    rows = (
        Session.objects.filter(trainee_id__in=trainee_ids)
        .order_by()
        .values_list(*SESSION_FACT_COLUMNS)
    )
    for row in rows.iterator(chunk_size=20000):
        sessions_by_trainee[row[1]].append(_session_fact(row, keys))
    leaves_by_enrollment: dict[int, list[Leave]] = defaultdict(list)
    leave_rows = LeaveOfAbsence.objects.filter(
        enrollment__in=[e.pk for e in enrollments]
    ).values_list("enrollment_id", "start_date", "end_date")
    for enrollment_id, start, end in leave_rows:
        leaves_by_enrollment[enrollment_id].append(Leave(start=start, end=end))
    waivers_by_enrollment: dict[int, list[Waiver]] = defaultdict(list)
    waiver_rows = RequirementWaiver.objects.filter(
        enrollment__in=[e.pk for e in enrollments], revoked_at__isnull=True
    ).values_list("enrollment_id", "requirement_key", "reason", "minimum")
    for enrollment_id, key, reason, minimum in waiver_rows:
        waivers_by_enrollment[enrollment_id].append(
            Waiver(requirement_key=key, reason=reason, minimum=minimum)
        )
    facts = {}
    for enrollment in enrollments:
        facts[enrollment.pk] = EnrollmentFacts(
            enrollment_id=enrollment.pk,
            start=enrollment.start_date,
            end=enrollment_window_end(enrollment),
            as_of=as_of or program_today(program=enrollment.program),
            leaves=tuple(
                sorted(leaves_by_enrollment[enrollment.pk], key=lambda leave: leave.start)
            ),
            sessions=tuple(sessions_by_trainee[enrollment.trainee_id]),
            waivers=tuple(waivers_by_enrollment[enrollment.pk]),
        )
    return facts


def enrollment_compliance(*, enrollment: Enrollment, as_of: date | None = None) -> EnrollmentResult:
    """Compute one enrollment's compliance now (or as of a date), without touching snapshots."""
    facts = enrollments_facts(enrollments=[enrollment], as_of=as_of)[enrollment.pk]
    return evaluate(facts, requirement_set_rules(enrollment.requirement_set))


def enrollments_compliance(
    *, enrollments: Iterable[Enrollment], as_of: date | None = None
) -> dict[int, EnrollmentResult]:
    batch = list(enrollments)
    facts = enrollments_facts(enrollments=batch, as_of=as_of)
    return {e.pk: evaluate(facts[e.pk], requirement_set_rules(e.requirement_set)) for e in batch}
