"""Storing compliance snapshots so reports read rows instead of recomputing."""

import logging
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from core.publish import publish_on_commit
from programs.engine import EnrollmentResult, result_to_dict
from trainees import events
from trainees.models import (
    ComplianceSnapshot,
    Enrollment,
    RequirementStatus,
    SnapshotRefreshRequest,
)
from trainees.selectors.compliance import enrollments_compliance
from trainees.sql import enrollments_refresh_lock, refresh_request_move

logger = logging.getLogger(__name__)

SNAPSHOT_BATCH_SIZE = 500
# A pending refresh older than this was not picked up by a worker (lost task, dead broker).
PENDING_REFRESH_GRACE = timedelta(seconds=30)
# A refresh waits this long after the change that asked for it, so that a burst of changes (a
# week of sessions typed in a row, a whole week countersigned) is recomputed once, not per change.
# The trainee's own pages never wait: they settle a pending refresh on read.
REFRESH_DELAY_SECONDS = 5
REFRESH_TASK = "trainees.tasks.trainee_snapshots_refresh_pending"


def compact_result(data: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot keeps: every figure, status and period, and exclusions summed by reason.

    The per-session explanation is most of a result's size (hundreds of KB for a trainee with a
    few years of sessions) and is only ever read for one enrollment at a time, so it is recomputed
    on demand instead of being stored 2,000 times.
    """
    requirements = []
    for requirement in data["requirements"]:
        summary: dict[str, dict[str, int]] = {}
        for exclusion in requirement.get("excluded", []):
            entry = summary.setdefault(exclusion["reason"], {"sessions": 0, "minutes": 0})
            entry["sessions"] += 1
            entry["minutes"] += exclusion["minutes"]
        requirements.append(
            {**requirement, "excluded": [], "explanation": [], "excluded_summary": summary}
        )
    return {**data, "requirements": requirements}


def snapshot_data(result: EnrollmentResult) -> dict[str, Any]:
    """`compact_result(result_to_dict(result))`, without serialising what it would throw away."""
    summaries: dict[str, dict[str, dict[str, int]]] = {}
    for requirement in result.requirements:
        summary: dict[str, dict[str, int]] = {}
        for exclusion in requirement.excluded:
            entry = summary.setdefault(exclusion.reason, {"sessions": 0, "minutes": 0})
            entry["sessions"] += 1
            entry["minutes"] += exclusion.minutes
        summaries[requirement.key] = summary
    stripped = replace(
        result,
        requirements=tuple(replace(r, explanation=(), excluded=()) for r in result.requirements),
    )
    data = result_to_dict(stripped)
    for requirement_data in data["requirements"]:
        requirement_data["excluded_summary"] = summaries[requirement_data["key"]]
    return data


def _store(enrollments: list[Enrollment], results: dict[int, EnrollmentResult]) -> None:
    now = timezone.now()
    snapshots = [
        ComplianceSnapshot(
            enrollment=e,
            requirement_set_id=e.requirement_set_id,
            as_of=results[e.pk].as_of,
            status=results[e.pk].status,
            result=snapshot_data(results[e.pk]),
            computed_at=now,
        )
        for e in enrollments
    ]
    ComplianceSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["enrollment"],
        update_fields=["requirement_set", "as_of", "status", "result", "computed_at"],
    )
    watches = events.requirement_statuses_watch(enrollments=enrollments)
    previous = {
        (enrollment_id, key): (status, since)
        for enrollment_id, key, status, since in RequirementStatus.objects.filter(
            enrollment__in=[e.pk for e in enrollments]
        ).values_list("enrollment_id", "key", "status", "status_since")
    }

    def since(enrollment: Enrollment, key: str, status: str) -> date:
        before = previous.get((enrollment.pk, key))
        if before is not None and before[0] == status and before[1] is not None:
            return before[1]
        return results[enrollment.pk].as_of

    # Requirement keys change between versions, so rows are replaced rather than upserted.
    RequirementStatus.objects.filter(enrollment__in=[e.pk for e in enrollments]).delete()
    RequirementStatus.objects.bulk_create(
        [
            RequirementStatus(
                enrollment=e,
                key=r.key,
                name=r.name[:200],
                kind=r.kind,
                unit=r.unit,
                status=r.status,
                advisory=r.advisory,
                required=r.required,
                credited=r.credited,
                expected_by_now=r.expected_by_now,
                projected_completion=r.projected_completion,
                as_of=results[e.pk].as_of,
                status_since=since(e, r.key, r.status),
            )
            for e in enrollments
            for r in results[e.pk].requirements
        ]
    )
    events.requirement_statuses_changed(enrollments=enrollments, results=results, watches=watches)


def snapshots_refresh(*, enrollments: Iterable[Enrollment], as_of: date | None = None) -> int:
    """Recompute and store the snapshots of the given enrollments. Idempotent; returns the count.

    Call inside the transaction that changed their inputs, so a snapshot never disagrees with
    committed data.
    """
    batch = list(enrollments)
    if not batch:
        return 0
    with transaction.atomic():
        enrollments_refresh_lock([e.pk for e in batch])
        _store(batch, enrollments_compliance(enrollments=batch, as_of=as_of))
    return len(batch)


def _batches(enrollment_ids: list[int]) -> Iterator[list[Enrollment]]:
    for start in range(0, len(enrollment_ids), SNAPSHOT_BATCH_SIZE):
        ids = enrollment_ids[start : start + SNAPSHOT_BATCH_SIZE]
        yield list(
            Enrollment.objects.filter(pk__in=ids)
            .select_related("program", "requirement_set")
            .order_by("pk")
        )


def _refresh_ids(ids: list[int]) -> int:
    total = 0
    for batch in _batches(ids):
        total += snapshots_refresh(enrollments=batch)
    return total


def _worker_start() -> None:
    # A forked worker must not share the parent's database connection.
    connections.close_all()


def snapshots_refresh_all(*, program_slug: str | None = None, workers: int = 1) -> int:
    """Recompute every enrollment's snapshot in bounded batches. Idempotent; returns the count.

    With `workers` > 1 the batches are spread over processes (the engine is CPU-bound Python);
    each batch commits on its own, so an interrupted run leaves every snapshot either old or new.
    """
    queryset = Enrollment.objects.order_by("pk")
    if program_slug:
        queryset = queryset.filter(program__slug=program_slug)
    ids = list(queryset.values_list("pk", flat=True))
    if workers <= 1 or len(ids) <= SNAPSHOT_BATCH_SIZE:
        return _refresh_ids(ids)
    chunks = [ids[i : i + SNAPSHOT_BATCH_SIZE] for i in range(0, len(ids), SNAPSHOT_BATCH_SIZE)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_start
    ) as pool:
        return sum(pool.map(_refresh_ids, chunks))


def trainee_snapshots_refresh(*, trainee_id: int) -> int:
    """After a change to a trainee's sessions: every enrollment of theirs may be affected."""
    enrollments = Enrollment.objects.filter(trainee_id=trainee_id).select_related(
        "program", "requirement_set"
    )
    return snapshots_refresh(enrollments=enrollments)


# --- after a change to sessions: deferred, coalesced, never lost ---------------------------------


def trainee_snapshots_mark_stale(*, trainee_id: int) -> None:
    """Record that the trainee's snapshots are out of date and have a worker recompute them.

    Call inside the transaction that changed the sessions, with the trainee row locked (every
    session service does): the lock serialises writers, so the update-or-create below cannot race
    with itself. Only the write that creates the request enqueues a task; later writes before the
    worker finishes just move `requested_at`, and the worker goes round again. That coalesces a
    burst of writes for one trainee into one or two recomputes.
    """
    now = timezone.now()
    if refresh_request_move(trainee_id=trainee_id, now=now):
        return
    SnapshotRefreshRequest.objects.create(trainee_id=trainee_id, requested_at=now)
    # A lost message costs only a delay: the request row stays and the sweep recomputes it.
    publish_on_commit(
        REFRESH_TASK, (trainee_id,), what="snapshots", countdown=REFRESH_DELAY_SECONDS
    )


def pending_snapshots_refresh(*, trainee_id: int, rounds: int = 3) -> bool:
    """Recompute a trainee's snapshots if a refresh is pending. Idempotent; True when done.

    The request is cleared only if nothing changed while computing (`requested_at` unchanged);
    otherwise go round again, a few times at most, then leave it to the sweep.
    """
    for _ in range(rounds):
        requested_at = (
            SnapshotRefreshRequest.objects.filter(trainee_id=trainee_id)
            .values_list("requested_at", flat=True)
            .first()
        )
        if requested_at is None:
            return True
        with transaction.atomic():
            trainee_snapshots_refresh(trainee_id=trainee_id)
            cleared, _ = SnapshotRefreshRequest.objects.filter(
                trainee_id=trainee_id, requested_at=requested_at
            ).delete()
        if cleared:
            return True
    return False


def trainee_snapshots_current(*, trainee_id: int) -> None:
    """Before showing a trainee their own figures: settle a pending refresh now rather than show
    numbers that miss the session they have just logged. One indexed lookup when nothing is
    pending."""
    if SnapshotRefreshRequest.objects.filter(trainee_id=trainee_id).exists():
        pending_snapshots_refresh(trainee_id=trainee_id)


def pending_snapshots_sweep(
    *, older_than: timedelta = PENDING_REFRESH_GRACE, limit: int = 500
) -> int:
    """Refresh requests no worker picked up (a lost task, Redis down). Idempotent; returns how
    many trainees were refreshed."""
    cutoff = timezone.now() - older_than
    trainee_ids = list(
        SnapshotRefreshRequest.objects.filter(requested_at__lte=cutoff)
        .order_by("requested_at")
        .values_list("trainee_id", flat=True)[:limit]
    )
    return sum(1 for trainee_id in trainee_ids if pending_snapshots_refresh(trainee_id=trainee_id))
