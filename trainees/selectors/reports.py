"""The program compliance report: every enrollment's status, read from snapshots in a constant
number of queries, or computed on demand as of a past date."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from programs.engine import EnrollmentResult, RequirementResult
from programs.models import Program
from trainees.models import Enrollment, RequirementStatus
from trainees.selectors.compliance import enrollments_compliance

AS_OF_BATCH = 500


@dataclass(frozen=True, slots=True)
class RequirementLine:
    key: str
    name: str
    status: str
    unit: str
    required: int
    credited: int
    expected_by_now: int
    projected_completion: date | None
    advisory: bool


@dataclass(frozen=True, slots=True)
class ReportRow:
    enrollment: int
    trainee: int
    external_id: str | None
    full_name: str
    cohort: str | None
    enrollment_status: str
    status: str
    as_of: date
    requirements: tuple[RequirementLine, ...]


@dataclass(frozen=True, slots=True)
class ReportFilters:
    cohort: str | None = None
    status: str | None = None
    requirement: str | None = None
    enrollment_status: str | None = None


def _base(program: Program, filters: ReportFilters) -> QuerySet[Enrollment]:
    enrollments = (
        Enrollment.objects.filter(program=program)
        .select_related("trainee__user", "cohort", "snapshot", "requirement_set")
        # The stored result is the bulk of a row and the report needs only its summary columns.
        .defer("snapshot__result")
        .order_by("pk")
    )
    if filters.cohort:
        enrollments = enrollments.filter(cohort__slug=filters.cohort)
    if filters.enrollment_status:
        enrollments = enrollments.filter(status=filters.enrollment_status)
    return enrollments


def report_from_snapshots(*, program: Program, filters: ReportFilters) -> QuerySet[Enrollment]:
    """Enrollments with their snapshot and requirement rows prefetched (three queries a page)."""
    enrollments = (
        _base(program, filters).filter(snapshot__isnull=False).defer("requirement_set__definition")
    )
    if filters.requirement:
        rows = RequirementStatus.objects.filter(enrollment=OuterRef("pk"), key=filters.requirement)
        if filters.status:
            rows = rows.filter(status=filters.status)
        enrollments = enrollments.filter(Exists(rows))
    elif filters.status:
        enrollments = enrollments.filter(snapshot__status=filters.status)
    return enrollments.prefetch_related(
        Prefetch("requirement_statuses", queryset=RequirementStatus.objects.order_by("pk"))
    )


def requirement_line(source: RequirementStatus | RequirementResult) -> RequirementLine:
    """A report line from a stored row or a fresh engine result (they share these names)."""
    return RequirementLine(
        key=source.key,
        name=source.name,
        status=source.status,
        unit=source.unit,
        required=source.required,
        credited=source.credited,
        expected_by_now=source.expected_by_now,
        projected_completion=source.projected_completion,
        advisory=source.advisory,
    )


def row_from_snapshot(enrollment: Enrollment) -> ReportRow:
    return ReportRow(
        enrollment=enrollment.pk,
        trainee=enrollment.trainee_id,
        external_id=enrollment.trainee.external_id,
        full_name=enrollment.trainee.user.get_full_name(),
        cohort=enrollment.cohort.slug if enrollment.cohort else None,
        enrollment_status=enrollment.status,
        status=enrollment.snapshot.status,
        as_of=enrollment.snapshot.as_of,
        requirements=tuple(requirement_line(r) for r in enrollment.requirement_statuses.all()),
    )


def row_from_result(enrollment: Enrollment, result: EnrollmentResult) -> ReportRow:
    return ReportRow(
        enrollment=enrollment.pk,
        trainee=enrollment.trainee_id,
        external_id=enrollment.trainee.external_id,
        full_name=enrollment.trainee.user.get_full_name(),
        cohort=enrollment.cohort.slug if enrollment.cohort else None,
        enrollment_status=enrollment.status,
        status=result.status,
        as_of=result.as_of,
        requirements=tuple(requirement_line(r) for r in result.requirements),
    )


def _matches(row: ReportRow, filters: ReportFilters) -> bool:
    if filters.requirement:
        line = next((r for r in row.requirements if r.key == filters.requirement), None)
        return line is not None and (not filters.status or line.status == filters.status)
    return not filters.status or row.status == filters.status


def report_as_of(
    *,
    program: Program,
    filters: ReportFilters,
    as_of: date,
    after: int = 0,
    limit: int | None = None,
) -> Iterator[ReportRow]:
    """Rows computed on demand as of a date, in enrollment order after `after`, in bounded batches."""
    produced = 0
    # The rules are computed from each version's definition, so it is loaded with the row here:
    # deferred, it would cost one query per enrollment.
    enrollments = _base(program, filters).filter(pk__gt=after)
    last = after
    while True:
        batch = list(enrollments.filter(pk__gt=last)[:AS_OF_BATCH])
        if not batch:
            return
        results = enrollments_compliance(enrollments=batch, as_of=as_of)
        for enrollment in batch:
            row = row_from_result(enrollment, results[enrollment.pk])
            if _matches(row, filters):
                yield row
                produced += 1
                if limit is not None and produced >= limit:
                    return
        last = batch[-1].pk


REPORT_COLUMNS = (
    "pk",
    "trainee_id",
    "trainee__external_id",
    "trainee__user__full_name",
    "trainee__user__email",
    "cohort__slug",
    "status",
    "snapshot__status",
    "snapshot__as_of",
)
REQUIREMENT_COLUMNS = (
    "enrollment_id",
    "key",
    "name",
    "status",
    "unit",
    "required",
    "credited",
    "expected_by_now",
    "projected_completion",
    "advisory",
)


def report_rows(
    *, program: Program, filters: ReportFilters, after: int = 0, limit: int | None = None
) -> list[ReportRow]:
    """Rows from snapshots as plain values, in two queries whatever the page size.

    Reports read thousands of rows; building model instances for each enrollment, trainee, user,
    cohort, snapshot and requirement would cost more than the database does.
    """
    enrollments = report_from_snapshots(program=program, filters=filters).filter(pk__gt=after)
    head = enrollments.values_list(*REPORT_COLUMNS)
    if limit is not None:
        head = head[:limit]
    heads = list(head)
    if not heads:
        return []
    lines: dict[int, list[RequirementLine]] = {row[0]: [] for row in heads}
    requirement_rows = (
        RequirementStatus.objects.filter(enrollment_id__in=list(lines))
        .order_by("enrollment_id", "pk")
        .values_list(*REQUIREMENT_COLUMNS)
    )
    for enrollment_id, *values in requirement_rows:
        lines[enrollment_id].append(RequirementLine(*values))
    return [
        ReportRow(
            enrollment=pk,
            trainee=trainee_id,
            external_id=external_id,
            full_name=full_name or email,
            cohort=cohort,
            enrollment_status=enrollment_status,
            status=status,
            as_of=as_of,
            requirements=tuple(lines[pk]),
        )
        for pk, trainee_id, external_id, full_name, email, cohort, enrollment_status, status, as_of in heads
    ]
