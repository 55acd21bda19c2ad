"""Reads for compliance: turning database rows into engine facts, and computing on demand."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
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
from programs.models import Program, ProviderApproval, RequirementSet
from trainees.models import (
    Enrollment,
    EnrollmentMilestone,
    LeaveOfAbsence,
    RequirementWaiver,
    Session,
)

SESSION_FACT_COLUMNS = (
    "id",
    "trainee_id",
    "date",
    "start_time",
    "duration_minutes",
    # Joined rather than looked up: one query fewer, and never a stale key cache.
    "category__key",
    "status",
    "withdrawn_at",
    "group_size",
    "provider_id",
    "setting",
    "client_code",
)


def program_today(*, program: Program, now: datetime | None = None) -> date:
    """Today's date where the program is: pace and periods follow the program's calendar."""
    moment = now or timezone.now()
    return moment.astimezone(ZoneInfo(program.time_zone)).date()


def enrollment_window_end(enrollment: Enrollment) -> date:
    return enrollment.ended_on or enrollment.expected_end_date


# Parsed rules per (version id, checksum). Versions are immutable and the checksum changes with
# any edit, so the definition itself need not be part of the key (serialising it on every call
# would cost more than the lookup saves). Bounded: a process sees a handful of versions.
_RULES_CACHE: dict[tuple[int, str], RequirementSetRules] = {}
_RULES_CACHE_LIMIT = 256


def requirement_set_rules(requirement_set: RequirementSet) -> RequirementSetRules:
    """Parsed rules, cached per version: versions are immutable, the checksum guards the cache."""
    key = (requirement_set.pk, requirement_set.checksum)
    rules = _RULES_CACHE.get(key)
    if rules is None:
        if len(_RULES_CACHE) >= _RULES_CACHE_LIMIT:
            _RULES_CACHE.clear()
        rules = _RULES_CACHE[key] = parse_requirement_set(requirement_set.definition)
    return rules


def _session_fact(row: Sequence[Any], clients: dict[str, int]) -> SessionFact:
    # Distinct-client rules only compare codes, so each trainee's codes become small integers.
    client_id = clients.setdefault(row[11], len(clients) + 1) if row[11] else None
    return SessionFact(
        id=row[0],
        date=row[2],
        start_time=row[3],
        minutes=row[4],
        category=row[5],
        status=row[6],
        withdrawn=row[7] is not None,
        group_size=row[8],
        provider_id=row[9],
        setting=row[10] or None,
        client_id=client_id,
    )


def enrollments_facts(
    *, enrollments: Sequence[Enrollment], as_of: date | None = None
) -> dict[int, EnrollmentFacts]:
    """Facts for many enrollments in six queries, whatever their number of sessions.

    Sessions are loaded once per trainee and shared by all their enrollments: a session is logged
    once and each enrollment's rules decide whether it counts.
    """
    if not enrollments:
        return {}
    trainee_ids = {e.trainee_id for e in enrollments}
    sessions_by_trainee: dict[int, list[SessionFact]] = defaultdict(list)
    rows = (
        Session.objects.filter(trainee_id__in=trainee_ids)
        .order_by()
        .values_list(*SESSION_FACT_COLUMNS)
    )
    clients_by_trainee: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows.iterator(chunk_size=20000):
        sessions_by_trainee[row[1]].append(_session_fact(row, clients_by_trainee[row[1]]))
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
    enrollment_ids = [e.pk for e in enrollments]
    milestones: dict[int, dict[str, date]] = defaultdict(dict)
    for enrollment_id, key, day in EnrollmentMilestone.objects.filter(
        enrollment__in=enrollment_ids
    ).values_list("enrollment_id", "key", "date"):
        milestones[enrollment_id][key] = day
    approvals: dict[int, list[tuple[int, str, date, date | None]]] = defaultdict(list)
    for program_id, provider_id, kind, starts_on, ends_on in ProviderApproval.objects.filter(
        program__in={e.program_id for e in enrollments}
    ).values_list("program_id", "provider_id", "kind", "starts_on", "ends_on"):
        approvals[program_id].append((provider_id, kind, starts_on, ends_on))
    facts = {}
    for enrollment in enrollments:
        sessions = tuple(sessions_by_trainee[enrollment.trainee_id])
        program_approvals = approvals.get(enrollment.program_id, [])
        if program_approvals:
            sessions = _with_provider_kinds(sessions, program_approvals)
        facts[enrollment.pk] = EnrollmentFacts(
            enrollment_id=enrollment.pk,
            start=enrollment.start_date,
            end=enrollment_window_end(enrollment),
            as_of=as_of or program_today(program=enrollment.program),
            leaves=tuple(
                sorted(leaves_by_enrollment[enrollment.pk], key=lambda leave: leave.start)
            ),
            sessions=sessions,
            waivers=tuple(waivers_by_enrollment[enrollment.pk]),
            milestones=milestones.get(enrollment.pk, {}),
            approved_provider_ids=frozenset(provider for provider, _, _, _ in program_approvals),
        )
    return facts


def _with_provider_kinds(
    sessions: tuple[SessionFact, ...], approvals: list[tuple[int, str, date, date | None]]
) -> tuple[SessionFact, ...]:
    """The provider's kind in this program on each session's date (None when not approved then)."""
    by_provider: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for provider_id, approval_kind, starts_on, ends_on in approvals:
        by_provider[provider_id].append((approval_kind, starts_on, ends_on))
    out = []
    for session in sessions:
        kind: str | None = None
        for candidate, starts_on, ends_on in by_provider.get(session.provider_id or 0, []):
            if starts_on <= session.date and (ends_on is None or session.date <= ends_on):
                kind = candidate or None
        out.append(replace(session, provider_kind=kind) if kind else session)
    return tuple(out)


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
