"""Who may see what: one authorization model for pages, exports and the API. Deny by default.

Every list and detail starts from one of these querysets, *before* any filtering, so an object
outside the caller's scope is simply not found (404), never "forbidden" (which would confirm it
exists).

Principals:
- site staff (is_staff): everything except private details;
- a director or coordinator: enrollments, trainees and sessions of their programs;
- a supervisor: the enrollments they are assigned to while the assignment has not ended, and
  those trainees' sessions dated within an assignment, in the categories it makes them
  responsible for (all non-private ones when it lists none), plus sessions they provided or
  verified (what they signed stays theirs to see and to reopen);
- a trainee: their own records, including private details;
- an API key: its institution's programs (scopes are checked by the API views).

Private details (provider, notes) of categories a trainee's program marks private never leave the
trainee's own views: staff-facing session lists leave those sessions out entirely and show only
totals and verification status through compliance.
"""

from datetime import UTC, date

from django.db import connection
from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone

from accounts.models import ApiKey, User
from programs.models import MANAGING_ROLES, Program, ProgramCategory, ProgramRole
from trainees.models import Enrollment, Session, SupervisorAssignment, Trainee

Principal = User | ApiKey


def managed_program_ids(user: User) -> QuerySet[ProgramRole, int]:
    return ProgramRole.objects.filter(user=user, role__in=MANAGING_ROLES).values_list(
        "program_id", flat=True
    )


def programs_visible_to(principal: Principal) -> QuerySet[Program]:
    programs = Program.objects.select_related("institution")
    if isinstance(principal, ApiKey):
        return programs.filter(institution_id=principal.institution_id)
    if not principal.is_authenticated:
        return programs.none()
    if principal.is_staff:
        return programs
    return programs.filter(
        Q(roles__user=principal) | Q(enrollments__trainee__user=principal)
    ).distinct()


def programs_managed_by(principal: Principal) -> QuerySet[Program]:
    """Programs whose enrollments the principal may change."""
    programs = Program.objects.select_related("institution")
    if isinstance(principal, ApiKey):
        return programs.filter(institution_id=principal.institution_id)
    if not principal.is_authenticated:
        return programs.none()
    if principal.is_staff:
        return programs
    return programs.filter(pk__in=managed_program_ids(principal))


class _DateIn(Func):
    """The date a moment falls on in the time zone a column names (PostgreSQL)."""

    arg_joiner = " AT TIME ZONE "
    template = "((%(expressions)s)::date)"
    output_field = DateField()


def _program_today(program: str) -> Combinable | date:
    """Today in the program's time zone, for each row, in SQL. The moment comes from Python, not
    the database clock, so it is the same "now" as everywhere else in the request. SQLite (the
    embedded development database) has no time zones; there, today in UTC."""
    if connection.vendor != "postgresql":
        return timezone.now().astimezone(UTC).date()
    return _DateIn(Value(timezone.now(), output_field=DateTimeField()), F(f"{program}__time_zone"))


def enrollments_visible_to(principal: Principal) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.all()
    if isinstance(principal, ApiKey):
        return enrollments.filter(program__institution_id=principal.institution_id)
    if not principal.is_authenticated:
        return enrollments.none()
    if principal.is_staff:
        return enrollments
    # An ended assignment no longer makes the trainee a supervisee: their progress is not the
    # former supervisor's business (the sessions they signed stay visible, see below). "Ended"
    # by the program's calendar, as the assignment page and its services count the days.
    supervised = SupervisorAssignment.objects.filter(
        supervisor=principal, enrollment=OuterRef("pk")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=_program_today("enrollment__program")))
    return enrollments.filter(
        Q(trainee__user=principal)
        | Q(program_id__in=managed_program_ids(principal))
        | Exists(supervised)
    )


def trainees_visible_to(principal: Principal) -> QuerySet[Trainee]:
    return Trainee.objects.filter(
        Exists(enrollments_visible_to(principal).filter(trainee_id=OuterRef("pk")))
    )


def private_to_trainee(
    *, category_id: str = "category_id", trainee_id: str = "trainee_id"
) -> Exists:
    """The session's category is private in a program the trainee is enrolled in. The arguments
    name the outer query's columns, for queries that reach sessions through a join."""
    return Exists(
        ProgramCategory.objects.filter(
            private=True,
            category_id=OuterRef(category_id),
            program__enrollments__trainee_id=OuterRef(trainee_id),
        )
    )


def sessions_visible_to(principal: Principal) -> QuerySet[Session]:
    """Sessions the principal may list. For anyone but the trainee, private categories are out."""
    sessions = Session.objects.all()
    if isinstance(principal, ApiKey):
        in_institution = Enrollment.objects.filter(
            trainee_id=OuterRef("trainee_id"), program__institution_id=principal.institution_id
        )
        return sessions.filter(Exists(in_institution)).exclude(private_to_trainee())
    if not principal.is_authenticated:
        return sessions.none()
    own = Q(trainee__user=principal)
    if principal.is_staff:
        return sessions.filter(own | ~private_to_trainee())
    managed = Enrollment.objects.filter(
        trainee_id=OuterRef("trainee_id"), program_id__in=managed_program_ids(principal)
    )
    # Sessions dated within the assignment: a supervisor who took over in March does not see
    # January's sessions, and one whose assignment ended does not see what came after.
    responsible = SupervisorAssignment.objects.filter(
        supervisor=principal,
        enrollment__trainee_id=OuterRef("trainee_id"),
        starts_on__lte=OuterRef("date"),
    ).filter(
        (Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("date")))
        & (Q(categories__isnull=True) | Q(categories=OuterRef("category_id")))
    )
    staff_view = (
        Exists(managed) | Exists(responsible) | Q(provider=principal) | Q(verified_by=principal)
    ) & ~private_to_trainee()
    return sessions.filter(own | staff_view)


def private_category_ids(*, trainee_ids: list[int]) -> dict[int, set[int]]:
    """For each trainee, the categories private in any of their programs (one query)."""
    result: dict[int, set[int]] = {t: set() for t in trainee_ids}
    rows = ProgramCategory.objects.filter(
        private=True, program__enrollments__trainee_id__in=trainee_ids
    ).values_list("program__enrollments__trainee_id", "category_id")
    for trainee_id, category_id in rows:
        result[trainee_id].add(category_id)
    return result
