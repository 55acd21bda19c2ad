"""Weekly status history: one row per enrollment per week, the data behind the cohort trend chart.

Which enrollments a week counts: those that had started by the week's end and had not ended
before it began (`ended_on` ≥ Monday). An enrollment completed or withdrawn during a week is
still counted that week, with the status it ended with.
"""

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from programs.engine import evaluate
from programs.models import Program
from trainees.models import Enrollment, WeeklyStatus
from trainees.selectors.compliance import (
    enrollments_facts,
    program_today,
    requirement_set_rules,
)
from trainees.selectors.trends import week_start_of

logger = logging.getLogger(__name__)

RECORD_BATCH_SIZE = 1000
# Smaller: each enrollment is evaluated once per missing week, and a batch's sessions stay loaded.
BACKFILL_BATCH_SIZE = 200

WEEK_NOT_MONDAY = "week_start must be a Monday."


def _counted_in_week(enrollments: QuerySet[Enrollment], monday: date) -> QuerySet[Enrollment]:
    return enrollments.filter(start_date__lte=monday + timedelta(days=6)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=monday)
    )


def weekly_statuses_record(
    *, week_start: date | None = None, program: Program | None = None
) -> int:
    """Copy each counted enrollment's snapshot status into its row for the week; returns rows
    written. Idempotent: a second run in the same week rewrites the same rows with the latest
    status. Raises ValueError if `week_start` is not a Monday.

    Without `week_start`, the week is the one containing today in each program's time zone.
    Only snapshots computed within that week are copied: a snapshot left from an earlier week
    (the nightly refresh failed) would put an old status on the new week.
    """
    if week_start is not None and week_start.weekday() != 0:
        raise ValueError(WEEK_NOT_MONDAY)
    programs = Program.objects.order_by("pk")
    if program is not None:
        programs = programs.filter(pk=program.pk)
    now = timezone.now()
    written = skipped = 0
    for each in programs:
        monday = week_start or week_start_of(program_today(program=each, now=now))
        counted = _counted_in_week(Enrollment.objects.filter(program=each), monday)
        rows = (
            counted.filter(
                snapshot__as_of__gte=monday, snapshot__as_of__lte=monday + timedelta(days=6)
            )
            .order_by("pk")
            .values_list("pk", "snapshot__status", "snapshot__as_of")
        )
        last = copied = 0
        while batch := list(rows.filter(pk__gt=last)[:RECORD_BATCH_SIZE]):
            WeeklyStatus.objects.bulk_create(
                [
                    WeeklyStatus(
                        enrollment_id=pk,
                        week_start=monday,
                        status=status,
                        as_of=as_of,
                        recorded_at=now,
                    )
                    for pk, status, as_of in batch
                ],
                update_conflicts=True,
                unique_fields=["enrollment", "week_start"],
                update_fields=["status", "as_of", "recorded_at"],
            )
            copied += len(batch)
            last = batch[-1][0]
        written += copied
        skipped += counted.count() - copied
    if skipped:
        logger.warning("Weekly statuses: %d enrollment(s) without a snapshot this week", skipped)
    return written


def weekly_statuses_backfill(*, program: Program | None = None, since: date) -> int:
    """Compute and store the status of every counted enrollment for each ended week from the
    week containing `since`, as of the week's Sunday, where no row exists yet; returns the rows
    computed. Idempotent: existing rows are left alone, so a second run computes nothing.

    The current week is not backfilled: its end has not come; `weekly_statuses_record` keeps it.
    Like the reports' as-of figures, past weeks are computed from today's records: the
    enrollment's current requirement-set version and waivers, and sessions as they stand now (a
    session countersigned late counts from its date). So a backfilled week can differ from what
    the overview showed that week; recorded weeks keep what it showed.
    """
    programs = Program.objects.order_by("pk")
    if program is not None:
        programs = programs.filter(pk=program.pk)
    now = timezone.now()
    written = 0
    for each in programs:
        first = week_start_of(since)
        # The last week whose Sunday is already past where the program is.
        last = week_start_of(program_today(program=each, now=now)) - timedelta(days=7)
        if last < first:
            continue
        enrollments = (
            Enrollment.objects.filter(program=each)
            .filter(start_date__lte=last + timedelta(days=6))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
            .select_related("program", "requirement_set")
            .order_by("pk")
        )
        after = 0
        while batch := list(enrollments.filter(pk__gt=after)[:BACKFILL_BATCH_SIZE]):
            written += _backfill_batch(batch, first=first, last=last, now=now)
            after = batch[-1].pk
    return written


def _backfill_batch(batch: list[Enrollment], *, first: date, last: date, now: datetime) -> int:
    present = set(
        WeeklyStatus.objects.filter(
            enrollment__in=[e.pk for e in batch], week_start__gte=first, week_start__lte=last
        ).values_list("enrollment_id", "week_start")
    )
    missing: dict[int, list[date]] = {}
    for enrollment in batch:
        monday = max(first, week_start_of(enrollment.start_date))
        while monday <= last:
            ended = enrollment.ended_on is not None and enrollment.ended_on < monday
            if ended:
                break
            if (enrollment.pk, monday) not in present:
                missing.setdefault(enrollment.pk, []).append(monday)
            monday += timedelta(days=7)
    if not missing:
        return 0
    # The facts do not depend on the date (the engine filters by `as_of`), so they are loaded
    # once and re-dated for each week: the same result as enrollments_compliance(as_of=Sunday)
    # without reading every session again per week.
    facts = enrollments_facts(enrollments=[e for e in batch if e.pk in missing])
    rows = []
    for enrollment in batch:
        rules = requirement_set_rules(enrollment.requirement_set)
        for monday in missing.get(enrollment.pk, []):
            sunday = monday + timedelta(days=6)
            result = evaluate(replace(facts[enrollment.pk], as_of=sunday), rules)
            rows.append(
                WeeklyStatus(
                    enrollment_id=enrollment.pk,
                    week_start=monday,
                    status=result.status,
                    as_of=sunday,
                    recorded_at=now,
                )
            )
    with transaction.atomic():
        # A row written meanwhile by another run is as good as ours: keep it.
        WeeklyStatus.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
