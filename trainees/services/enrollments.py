"""Writes to trainees and enrollments: enroll, leaves, moving versions, completing, withdrawing,
supervisor assignments."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.services.invitations import IssuedInvitation, invitation_create
from core.history import reason_set, save_with_reason
from programs.models import ActivityCategory, Program, ProgramCategory, ProgramRole, RequirementSet
from programs.selectors import program_latest_requirement_set
from trainees import events
from trainees.models import Cohort, Enrollment, LeaveOfAbsence, SupervisorAssignment, Trainee
from trainees.selectors.compliance import program_today
from trainees.services.compliance import snapshots_refresh

NO_REQUIREMENT_SET = "This program has no requirement set yet; load its program file first."
WRONG_PROGRAM_VERSION = "This requirement set belongs to another program."
WRONG_PROGRAM_COHORT = "This cohort belongs to another program."
ALREADY_ENROLLED = "This trainee already has an open enrollment in this program."
END_BEFORE_START = "The expected end date must be after the start date."
LEAVE_OUTSIDE_ENROLLMENT = "A leave must lie within the enrollment's dates."
LEAVE_OVERLAPS = "This leave overlaps another leave of the same enrollment."
LEAVE_END_BEFORE_START = "A leave cannot end before it starts."
NOT_OPEN = "Only active or on-leave enrollments can be changed this way."
ENDED_BEFORE_START = "An enrollment cannot end before it started."
SAME_VERSION = "The enrollment is already on this requirement-set version."
EXTERNAL_ID_TAKEN = "Another trainee already has this external id."
ASSIGNMENT_END_BEFORE_START = "An assignment cannot end before it starts."
ASSIGNMENT_OVERLAPS = "This supervisor is already assigned to this trainee for some of these dates."
ASSIGNMENT_END_REASON_REQUIRED = "A reason is required to end an assignment."
ASSIGNMENT_ALREADY_ENDED = "This assignment has already ended."
ASSIGNMENT_END_LATER = (
    "This assignment is already due to end before this date; choose an earlier date."
)
SUPERVISOR_NOT_IN_PROGRAM = "This person is not a supervisor of this program."
ASSIGNMENT_OUTSIDE_ENROLLMENT = "An assignment must start within the enrollment ({start} to {end})."
CATEGORY_NOT_IN_PROGRAM = "Choose categories of this program only."
ENROLLMENT_CLOSED = "Only active or on-leave enrollments can be joined."


def trainee_create(*, email: str, full_name: str = "", external_id: str | None = None) -> Trainee:
    """Create a user (no usable password until they accept an invitation) and their trainee row."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, full_name=full_name)
        trainee = Trainee(user=user, external_id=external_id or None)
        trainee.full_clean()
        trainee.save()
    return trainee


def trainee_get_or_create(
    *, email: str, full_name: str = "", external_id: str | None = None
) -> Trainee:
    """The trainee with this email, creating the user and/or trainee as needed.

    An existing trainee keeps their name and external id; a clash of external ids is an error.
    """
    with transaction.atomic():
        trainee = Trainee.objects.filter(user__email__iexact=email).select_related("user").first()
        if trainee is not None:
            return trainee
        if external_id and Trainee.objects.filter(external_id=external_id).exists():
            raise ValidationError({"trainee_external_id": [EXTERNAL_ID_TAKEN]})
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return trainee_create(email=email, full_name=full_name, external_id=external_id)
        trainee = Trainee(user=user, external_id=external_id or None)
        trainee.full_clean()
        trainee.save()
        return trainee


def enrollment_create(
    *,
    trainee: Trainee,
    program: Program,
    start_date: date,
    expected_end_date: date,
    cohort: Cohort | None = None,
    requirement_set: RequirementSet | None = None,
) -> Enrollment:
    """Enroll a trainee on the program's latest requirement set (or a given version)."""
    requirement_set = requirement_set or program_latest_requirement_set(program=program)
    if requirement_set is None:
        raise ValidationError(NO_REQUIREMENT_SET)
    if requirement_set.program_id != program.pk:
        raise ValidationError({"requirement_set": [WRONG_PROGRAM_VERSION]})
    if cohort is not None and cohort.program_id != program.pk:
        raise ValidationError({"cohort": [WRONG_PROGRAM_COHORT]})
    if expected_end_date <= start_date:
        raise ValidationError({"expected_end_date": [END_BEFORE_START]})
    with transaction.atomic():
        if Enrollment.objects.filter(
            trainee=trainee, program=program, status__in=Enrollment.OPEN_STATUSES
        ).exists():
            raise ValidationError(ALREADY_ENROLLED)
        enrollment = Enrollment(
            trainee=trainee,
            program=program,
            cohort=cohort,
            requirement_set=requirement_set,
            start_date=start_date,
            expected_end_date=expected_end_date,
        )
        enrollment.full_clean(validate_constraints=False)
        enrollment.save()
        snapshots_refresh(enrollments=[enrollment])
    return enrollment


def _lock(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update()
        .select_related("program", "requirement_set")
        .get(pk=enrollment.pk)
    )


def enrollment_leave_add(
    *, enrollment: Enrollment, start_date: date, end_date: date, reason: str = ""
) -> LeaveOfAbsence:
    """Record a leave of absence; sessions inside it are excluded and pace pauses."""
    if end_date < start_date:
        raise ValidationError({"end_date": [LEAVE_END_BEFORE_START]})
    with transaction.atomic():
        current = _lock(enrollment)
        window_end = current.ended_on or current.expected_end_date
        if start_date < current.start_date or end_date > window_end:
            raise ValidationError({"start_date": [LEAVE_OUTSIDE_ENROLLMENT]})
        if LeaveOfAbsence.objects.filter(
            enrollment=current, start_date__lte=end_date, end_date__gte=start_date
        ).exists():
            raise ValidationError({"start_date": [LEAVE_OVERLAPS]})
        leave = LeaveOfAbsence(
            enrollment=current, start_date=start_date, end_date=end_date, reason=reason
        )
        leave.full_clean()
        leave.save()
        snapshots_refresh(enrollments=[current])
    return leave


def enrollment_move_requirement_set(
    *, enrollment: Enrollment, requirement_set: RequirementSet
) -> Enrollment:
    """Move an enrollment to another version of its program's rules (an explicit, recorded act)."""
    with transaction.atomic():
        current = _lock(enrollment)
        if requirement_set.program_id != current.program_id:
            raise ValidationError({"requirement_set": [WRONG_PROGRAM_VERSION]})
        if requirement_set.pk == current.requirement_set_id:
            raise ValidationError({"requirement_set": [SAME_VERSION]})
        current.requirement_set = requirement_set
        save_with_reason(current, f"moved to version {requirement_set.version}")
        snapshots_refresh(enrollments=[current])
    return current


def _end(enrollment: Enrollment, on: date, status: str, reason: str) -> Enrollment:
    with transaction.atomic():
        current = _lock(enrollment)
        if current.status not in Enrollment.OPEN_STATUSES:
            raise ValidationError(NOT_OPEN)
        if on < current.start_date:
            raise ValidationError({"ended_on": [ENDED_BEFORE_START]})
        previous = current.status
        current.status = status
        current.ended_on = on
        save_with_reason(current, reason)
        snapshots_refresh(enrollments=[current])
        events.enrollment_status_changed(enrollment=current, previous=previous)
    return current


def enrollment_complete(*, enrollment: Enrollment, on: date) -> Enrollment:
    return _end(enrollment, on, Enrollment.Status.COMPLETED, "completed")


def enrollment_withdraw(*, enrollment: Enrollment, on: date, reason: str = "") -> Enrollment:
    return _end(
        enrollment,
        on,
        Enrollment.Status.WITHDRAWN,
        f"withdrawn: {reason}" if reason else "withdrawn",
    )


def supervisor_assign(
    *,
    enrollment: Enrollment,
    supervisor: User,
    starts_on: date,
    ends_on: date | None = None,
    categories: Iterable[ActivityCategory] = (),
    reason: str = "",
    actor: User | None = None,
) -> SupervisorAssignment:
    """Assign a supervisor of the enrollment's program to it from a date, for some of the
    program's categories (none: all). Not idempotent. Raises ValidationError naming the field;
    then nothing is written."""
    chosen = list(categories)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [ASSIGNMENT_END_BEFORE_START]})
    with transaction.atomic():
        # The enrollment's row lock serializes assignments to it, so two concurrent requests
        # cannot both pass the overlap check.
        current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if not ProgramRole.objects.filter(
            program_id=current.program_id, user=supervisor, role=ProgramRole.Role.SUPERVISOR
        ).exists():
            raise ValidationError({"supervisor": [SUPERVISOR_NOT_IN_PROGRAM]})
        in_program = set(
            ProgramCategory.objects.filter(
                program_id=current.program_id, category__in=chosen
            ).values_list("category_id", flat=True)
        )
        if any(category.pk not in in_program for category in chosen):
            raise ValidationError({"categories": [CATEGORY_NOT_IN_PROGRAM]})
        if _overlapping(current, supervisor, starts_on, ends_on).exists():
            raise ValidationError({"starts_on": [ASSIGNMENT_OVERLAPS]})
        # Supervisors see the trainee's sessions dated within the assignment, whichever
        # enrollment they belong to: one starting before this enrollment would show them the
        # sessions of an earlier one.
        window_end = current.ended_on or current.expected_end_date
        if not current.start_date <= starts_on <= window_end:
            raise ValidationError(
                {
                    "starts_on": [
                        ASSIGNMENT_OUTSIDE_ENROLLMENT.format(
                            start=current.start_date.isoformat(), end=window_end.isoformat()
                        )
                    ]
                }
            )
        assignment = SupervisorAssignment(
            enrollment=current, supervisor=supervisor, starts_on=starts_on, ends_on=ends_on
        )
        assignment.full_clean()
        _record(assignment, "assigned", reason, actor)
        assignment.save()
        # Categories are not in the history table (no m2m tracking): the assignment is created
        # with them in the same transaction and they are never changed afterwards.
        assignment.categories.set(chosen)
    return assignment


def supervisor_assignment_end(
    *, assignment: SupervisorAssignment, ends_on: date, reason: str, actor: User | None = None
) -> SupervisorAssignment:
    """End an assignment on a date (its last day), with a reason. Sessions after that date are no
    longer this supervisor's to countersign; earlier ones still are. Raises ValidationError."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [ASSIGNMENT_END_REASON_REQUIRED]})
    with transaction.atomic():
        current = (
            SupervisorAssignment.objects.select_for_update(of=("self",))
            .select_related("enrollment__program")
            .get(pk=assignment.pk)
        )
        today = program_today(program=current.enrollment.program)
        if current.ends_on is not None and current.ends_on < today:
            raise ValidationError(ASSIGNMENT_ALREADY_ENDED)
        if ends_on < current.starts_on:
            raise ValidationError({"ends_on": [ASSIGNMENT_END_BEFORE_START]})
        if current.ends_on is not None and ends_on > current.ends_on:
            raise ValidationError({"ends_on": [ASSIGNMENT_END_LATER]})
        current.ends_on = ends_on
        current.full_clean()
        _record(current, "ended", reason, actor)
        current.save()
    return current


def _overlapping(
    enrollment: Enrollment, supervisor: User, starts_on: date, ends_on: date | None
) -> QuerySet[SupervisorAssignment]:
    overlapping = SupervisorAssignment.objects.filter(
        enrollment=enrollment, supervisor=supervisor
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    return overlapping


def _record(assignment: SupervisorAssignment, action: str, reason: str, actor: User | None) -> None:
    reason = reason.strip()
    reason_set(assignment, f"{action}: {reason}" if reason else action, by=actor)


def enrollment_update(
    *,
    enrollment: Enrollment,
    expected_end_date: date | None = None,
    cohort: Cohort | None = None,
    clear_cohort: bool = False,
) -> Enrollment:
    """Change an open enrollment's expected end date or cohort (recorded in its history)."""
    with transaction.atomic():
        current = _lock(enrollment)
        if current.status not in Enrollment.OPEN_STATUSES:
            raise ValidationError(NOT_OPEN)
        if expected_end_date is not None:
            if expected_end_date <= current.start_date:
                raise ValidationError({"expected_end_date": [END_BEFORE_START]})
            current.expected_end_date = expected_end_date
        if cohort is not None:
            if cohort.program_id != current.program_id:
                raise ValidationError({"cohort": [WRONG_PROGRAM_COHORT]})
            current.cohort = cohort
        elif clear_cohort:
            current.cohort = None
        save_with_reason(current, "updated")
        snapshots_refresh(enrollments=[current])
    return current


def enrollment_invite(
    *, enrollment: Enrollment, email: str | None = None, created_by: User | None = None
) -> IssuedInvitation:
    """Invite the enrollment's trainee to set a password and join it (a new single-use link
    each call). Raises ValidationError for a closed enrollment or an e-mail that names someone
    else (accounts.services.invitations)."""
    if enrollment.status not in Enrollment.OPEN_STATUSES:
        raise ValidationError(ENROLLMENT_CLOSED)
    return invitation_create(
        user=enrollment.trainee.user,
        enrollment_id=enrollment.pk,
        email=email,
        created_by=created_by,
    )
