"""Storing compliance snapshots so reports read rows instead of recomputing."""

from collections.abc import Iterable, Iterator
from datetime import date

from django.db import transaction
from django.utils import timezone

from programs.engine import EnrollmentResult, result_to_dict
from trainees.models import ComplianceSnapshot, Enrollment, RequirementStatus
from trainees.selectors.compliance import enrollments_compliance

SNAPSHOT_BATCH_SIZE = 500


def _store(enrollments: list[Enrollment], results: dict[int, EnrollmentResult]) -> None:
    now = timezone.now()
    snapshots = [
        ComplianceSnapshot(
            enrollment=e,
            requirement_set_id=e.requirement_set_id,
            as_of=results[e.pk].as_of,
            status=results[e.pk].status,
            result=result_to_dict(results[e.pk]),
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
            )
            for e in enrollments
            for r in results[e.pk].requirements
        ]
    )


def snapshots_refresh(*, enrollments: Iterable[Enrollment], as_of: date | None = None) -> int:
    """Recompute and store the snapshots of the given enrollments. Idempotent; returns the count.

    Call inside the transaction that changed their inputs, so a snapshot never disagrees with
    committed data.
    """
    batch = list(enrollments)
    if not batch:
        return 0
    with transaction.atomic():
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


def snapshots_refresh_all(*, program_slug: str | None = None) -> int:
    """Recompute every enrollment's snapshot in bounded batches. Idempotent; returns the count."""
    queryset = Enrollment.objects.order_by("pk")
    if program_slug:
        queryset = queryset.filter(program__slug=program_slug)
    ids = list(queryset.values_list("pk", flat=True))
    total = 0
    for batch in _batches(ids):
        total += snapshots_refresh(enrollments=batch)
    return total


def trainee_snapshots_refresh(*, trainee_id: int) -> int:
    """After a change to a trainee's sessions: every enrollment of theirs may be affected."""
    enrollments = Enrollment.objects.filter(trainee_id=trainee_id).select_related(
        "program", "requirement_set"
    )
    return snapshots_refresh(enrollments=enrollments)
