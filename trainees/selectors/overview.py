"""The director's compliance overview: trainees by requirements from stored snapshots.

Every figure comes from ComplianceSnapshot / RequirementStatus rows, so a page costs the same
handful of queries for 20 trainees or 2,000: a count, the page of enrollments (with user, cohort
and snapshot joined) and one prefetch of their requirement rows.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.models import User
from programs.models import Program
from programs.selectors import program_latest_requirement_set
from trainees.models import Cohort, Enrollment, RequirementStatus, SupervisorAssignment

PAGE_SIZE = 50
BEHIND_LIMIT = 50
ATTENTION = ("behind", "at_risk")
SEVERITY = {"behind": 0, "at_risk": 1, "not_started": 2, "on_track": 3, "met": 4}
SORTS = {
    "name": ("trainee__user__full_name", "trainee__user__email", "pk"),
    "-name": ("-trainee__user__full_name", "-trainee__user__email", "-pk"),
    "status": ("severity", "trainee__user__full_name", "pk"),
    "cohort": ("cohort__name", "trainee__user__full_name", "pk"),
    "start": ("start_date", "trainee__user__full_name", "pk"),
}
ENROLLMENT_SCOPES = {
    "open": Enrollment.OPEN_STATUSES,
    "active": (Enrollment.Status.ACTIVE,),
    "on_leave": (Enrollment.Status.ON_LEAVE,),
    "completed": (Enrollment.Status.COMPLETED,),
    "withdrawn": (Enrollment.Status.WITHDRAWN,),
    "all": tuple(Enrollment.Status.values),
}


@dataclass(frozen=True, slots=True)
class OverviewFilters:
    cohort: str = ""
    status: str = ""
    requirement: str = ""
    supervisor: int | None = None
    search: str = ""
    enrollments: str = "open"
    sort: str = "name"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class MatrixRow:
    enrollment: Enrollment
    cells: tuple[RequirementStatus | None, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    columns: tuple[Column, ...]
    page: Page[Enrollment]
    rows: tuple[MatrixRow, ...]


def _severity() -> Case:
    return Case(
        *[When(snapshot__status=s, then=Value(rank)) for s, rank in SEVERITY.items()],
        default=Value(9),
        output_field=IntegerField(),
    )


def requirement_columns(*, program: Program) -> tuple[Column, ...]:
    """The latest version's requirements in file order, then keys only older versions have."""
    latest = program_latest_requirement_set(program=program)
    columns = [
        Column(key=r["key"], name=r.get("name", r["key"]))
        for r in (latest.definition.get("requirements", []) if latest else [])
    ]
    seen = {c.key for c in columns}
    older = (
        RequirementStatus.objects.filter(enrollment__program=program)
        .exclude(key__in=seen)
        .values_list("key", "name")
        .distinct()
        .order_by("key")
    )
    for key, name in older:
        if key not in seen:
            columns.append(Column(key=key, name=name))
            seen.add(key)
    return tuple(columns)


def overview_enrollments(*, program: Program, filters: OverviewFilters) -> QuerySet[Enrollment]:
    """The program's enrollments matching the filters, ordered; the scope is the caller's job."""
    statuses = ENROLLMENT_SCOPES.get(filters.enrollments, Enrollment.OPEN_STATUSES)
    enrollments = (
        Enrollment.objects.filter(program=program, status__in=statuses)
        .select_related("trainee__user", "cohort", "snapshot")
        .defer("snapshot__result")
        .annotate(severity=_severity())
    )
    if filters.cohort:
        enrollments = enrollments.filter(cohort__slug=filters.cohort)
    if filters.requirement:
        rows = RequirementStatus.objects.filter(enrollment=OuterRef("pk"), key=filters.requirement)
        if filters.status:
            rows = rows.filter(status=filters.status)
        enrollments = enrollments.filter(Exists(rows))
    elif filters.status:
        enrollments = enrollments.filter(snapshot__status=filters.status)
    if filters.supervisor:
        enrollments = enrollments.filter(
            Exists(
                SupervisorAssignment.objects.filter(
                    enrollment=OuterRef("pk"), supervisor_id=filters.supervisor
                )
            )
        )
    if filters.search:
        term = filters.search.strip()
        enrollments = enrollments.filter(
            Q(trainee__user__full_name__icontains=term)
            | Q(trainee__user__email__icontains=term)
            | Q(trainee__external_id__iexact=term)
        )
    return enrollments.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def compliance_overview(
    *, program: Program, filters: OverviewFilters, page_number: int | str | None
) -> Overview:
    columns = requirement_columns(program=program)
    enrollments = overview_enrollments(program=program, filters=filters).prefetch_related(
        Prefetch("requirement_statuses", queryset=RequirementStatus.objects.order_by("pk"))
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(page_number)
    rows = []
    for enrollment in page.object_list:
        by_key = {r.key: r for r in enrollment.requirement_statuses.all()}
        rows.append(
            MatrixRow(enrollment=enrollment, cells=tuple(by_key.get(c.key) for c in columns))
        )
    return Overview(columns=columns, page=page, rows=tuple(rows))


@dataclass(frozen=True, slots=True)
class Shortfall:
    requirement: RequirementStatus

    @property
    def behind_by(self) -> int:
        """Expected by now minus credited: how far the trainee is from the pace line."""
        return max(self.requirement.expected_by_now - self.requirement.credited, 0)


@dataclass(frozen=True, slots=True)
class AttentionRow:
    enrollment: Enrollment
    shortfalls: tuple[Shortfall, ...]


def behind_and_at_risk(*, program: Program, limit: int = BEHIND_LIMIT) -> list[AttentionRow]:
    """Open enrollments whose snapshot is behind or at risk, behind first, with each lagging
    (non-advisory) requirement's shortfall. Two queries."""
    lagging = RequirementStatus.objects.filter(status__in=ATTENTION, advisory=False).order_by("pk")
    enrollments = (
        Enrollment.objects.filter(
            program=program,
            status__in=Enrollment.OPEN_STATUSES,
            snapshot__status__in=ATTENTION,
        )
        .select_related("trainee__user", "cohort", "snapshot")
        .defer("snapshot__result")
        .annotate(severity=_severity())
        .order_by("severity", "trainee__user__full_name", "pk")
        .prefetch_related(Prefetch("requirement_statuses", queryset=lagging, to_attr="lagging"))
    )[:limit]
    return [
        AttentionRow(
            enrollment=e,
            shortfalls=tuple(Shortfall(requirement=r) for r in e.lagging),
        )
        for e in enrollments
    ]


def attention_count(*, program: Program) -> int:
    return Enrollment.objects.filter(
        program=program, status__in=Enrollment.OPEN_STATUSES, snapshot__status__in=ATTENTION
    ).count()


def program_cohorts(*, program: Program) -> QuerySet[Cohort]:
    return Cohort.objects.filter(program=program).order_by("-starts_on", "name")


def program_supervisors(*, program: Program) -> QuerySet[User]:
    return (
        User.objects.filter(supervisees__enrollment__program=program)
        .distinct()
        .order_by("full_name", "email")
    )


def status_counts(*, program: Program) -> dict[str, int]:
    """Open enrollments by overall snapshot status (one grouped query)."""
    rows = (
        Enrollment.objects.filter(program=program, status__in=Enrollment.OPEN_STATUSES)
        .values_list("snapshot__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {status or "none": n for status, n in rows}
