"""Program administration writes: cohorts, moving enrollments between versions, enrolling and
inviting trainees singly or from a roster CSV."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import User
from accounts.services.invitations import IssuedInvitation
from core.csv_input import cell_problems, csv_rows, row_problems
from core.problems import InputFileError, Problem
from programs.models import Program, RequirementSet
from trainees.models import Cohort, Enrollment, Trainee
from trainees.services.enrollments import (
    END_BEFORE_START,
    enrollment_create,
    enrollment_invite,
    enrollment_move_requirement_set,
    trainee_get_or_create,
)

COHORT_SLUG_TAKEN = "This program already has a cohort with this slug."
ROSTER_COLUMNS = ("email", "full_name", "external_id", "cohort", "start_date", "expected_end_date")
ROSTER_SOURCE = "roster.csv"
ROSTER_BAD_HEADER = "the first line must be: " + ",".join(ROSTER_COLUMNS)
ROSTER_EMPTY = "the file has no trainees"
ROSTER_REQUIRED = "required"
ROSTER_BAD_DATE = "not a date (use YYYY-MM-DD)"
ROSTER_UNKNOWN_COHORT = "no cohort with this slug in the program"
ROSTER_DUPLICATE_EMAIL = "this e-mail appears on an earlier line"
ROSTER_BAD_EMAIL = "not an e-mail address"


def cohort_create(*, program: Program, slug: str, name: str, starts_on: date | None) -> Cohort:
    """Create a cohort of the program. Raises ValidationError when the slug is taken."""
    if Cohort.objects.filter(program=program, slug=slug).exists():
        raise ValidationError({"slug": [COHORT_SLUG_TAKEN]})
    cohort = Cohort(program=program, slug=slug, name=name, starts_on=starts_on)
    cohort.full_clean()
    cohort.save()
    return cohort


def enrollments_move_to_version(
    *, program: Program, requirement_set: RequirementSet, cohort: Cohort | None = None
) -> int:
    """Move every open enrollment of the program (or of one cohort) that is on an older version
    to `requirement_set`, all or none; each move is recorded in the enrollment's history.
    Returns how many moved."""
    candidates = Enrollment.objects.filter(
        program=program,
        status__in=Enrollment.OPEN_STATUSES,
        requirement_set__version__lt=requirement_set.version,
    ).order_by("pk")
    if cohort is not None:
        candidates = candidates.filter(cohort=cohort)
    moved = 0
    with transaction.atomic():
        for enrollment in candidates:
            enrollment_move_requirement_set(enrollment=enrollment, requirement_set=requirement_set)
            moved += 1
    return moved


def trainee_enroll_and_invite(
    *,
    program: Program,
    email: str,
    full_name: str,
    external_id: str | None,
    cohort: Cohort | None,
    start_date: date,
    expected_end_date: date,
    created_by: User,
) -> IssuedInvitation:
    """Enroll a trainee (created if new) and issue an invitation. Not idempotent: each call is
    a new link. Raises ValidationError, with nothing written."""
    with transaction.atomic():
        trainee = trainee_get_or_create(email=email, full_name=full_name, external_id=external_id)
        enrollment = enrollment_create(
            trainee=trainee,
            program=program,
            cohort=cohort,
            start_date=start_date,
            expected_end_date=expected_end_date,
        )
        return enrollment_invite(enrollment=enrollment, email=email, created_by=created_by)


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    email: str
    full_name: str
    external_id: str | None
    cohort: Cohort | None
    start_date: date
    expected_end_date: date


def roster_parse(*, program: Program, text: str) -> list[RosterRow]:
    """Read a roster CSV. Raises InputFileError listing every problem with its line."""
    records, problems = csv_rows(
        text=text, source=ROSTER_SOURCE, columns=ROSTER_COLUMNS, bad_header=ROSTER_BAD_HEADER
    )
    cohorts = {c.slug: c for c in Cohort.objects.filter(program=program)}
    rows: list[RosterRow] = []
    seen: set[str] = set()
    for line, cells in records:
        found = cell_problems(source=ROSTER_SOURCE, line=line, cells=cells, limits=_ROSTER_LIMITS)
        if found:
            problems.extend(found)
            continue
        email = cells.get("email", "").lower()
        if not email:
            found.append(Problem(ROSTER_SOURCE, line, "email", ROSTER_REQUIRED))
        elif not _is_email(email):
            # Checked here, not only when the row is saved: a file with other problems must
            # list this one too, or the director fixes the file twice.
            found.append(Problem(ROSTER_SOURCE, line, "email", ROSTER_BAD_EMAIL))
        elif email in seen:
            found.append(Problem(ROSTER_SOURCE, line, "email", ROSTER_DUPLICATE_EMAIL))
        seen.add(email)
        dates: dict[str, date] = {}
        for field in ("start_date", "expected_end_date"):
            value = cells.get(field, "")
            if not value:
                found.append(Problem(ROSTER_SOURCE, line, field, ROSTER_REQUIRED))
                continue
            try:
                dates[field] = date.fromisoformat(value)
            except ValueError:
                found.append(Problem(ROSTER_SOURCE, line, field, ROSTER_BAD_DATE))
        if len(dates) == 2 and dates["expected_end_date"] <= dates["start_date"]:
            found.append(Problem(ROSTER_SOURCE, line, "expected_end_date", END_BEFORE_START))
        cohort_slug = cells.get("cohort", "")
        if cohort_slug and cohort_slug not in cohorts:
            found.append(Problem(ROSTER_SOURCE, line, "cohort", ROSTER_UNKNOWN_COHORT))
        problems.extend(found)
        if not found:
            rows.append(
                RosterRow(
                    line=line,
                    email=email,
                    full_name=cells.get("full_name", ""),
                    external_id=cells.get("external_id") or None,
                    cohort=cohorts.get(cohort_slug) if cohort_slug else None,
                    start_date=dates["start_date"],
                    expected_end_date=dates["expected_end_date"],
                )
            )
    if problems:
        raise InputFileError(problems)
    if not rows:
        raise InputFileError([Problem(ROSTER_SOURCE, None, "", ROSTER_EMPTY)])
    return rows


_ROSTER_LIMITS: dict[str, int | None] = {
    "email": User._meta.get_field("email").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
    "external_id": Trainee._meta.get_field("external_id").max_length,
}


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def roster_import(
    *, program: Program, rows: list[RosterRow], created_by: User
) -> list[IssuedInvitation]:
    """Enroll and invite every row, all or none. Raises InputFileError with each failing row's
    line and field; then nothing is written."""
    problems: list[Problem] = []
    issued: list[IssuedInvitation] = []
    with transaction.atomic():
        for row in rows:
            try:
                # A savepoint per row: one failing row must not abort the others' checks.
                with transaction.atomic():
                    issued.append(
                        trainee_enroll_and_invite(
                            program=program,
                            email=row.email,
                            full_name=row.full_name,
                            external_id=row.external_id,
                            cohort=row.cohort,
                            start_date=row.start_date,
                            expected_end_date=row.expected_end_date,
                            created_by=created_by,
                        )
                    )
            except ValidationError as error:
                problems.extend(
                    row_problems(
                        source=ROSTER_SOURCE,
                        line=row.line,
                        error=error,
                        column_of=_ROSTER_COLUMN_OF,
                    )
                )
        if problems:
            # Raising inside the outer block rolls back the rows that did succeed.
            raise InputFileError(problems)
    return issued


# A service's error key, as the roster column the director can fix.
_ROSTER_COLUMN_OF = {"trainee_external_id": "external_id"}
