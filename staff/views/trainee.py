"""One trainee's enrollment for staff: compliance explained, leaves, supervisors, sessions of
non-private categories, and the enrollment's changes (leave, end date, completion, waivers)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from core.views import apply_errors
from programs.models import Program
from staff.forms import (
    AssignSupervisorForm,
    EndAssignmentForm,
    EndEnrollmentForm,
    ExpectedEndForm,
    LeaveForm,
    WaiverForm,
)
from staff.views.assignment_rows import assign_supervisor_form, assignment_rows
from staff.views.common import program_view, scoped_enrollment
from trainees.models import Enrollment, RequirementWaiver
from trainees.selectors.compliance import program_today
from trainees.selectors.staff_detail import staff_enrollment_detail
from trainees.services.access_log import STAFF_TRAINEE_DETAIL, access_record
from trainees.services.enrollments import (
    enrollment_complete,
    enrollment_leave_add,
    enrollment_update,
    enrollment_withdraw,
)
from trainees.services.waivers import requirement_waive, waiver_revoke


def detail_url(program: Program, enrollment: Enrollment) -> str:
    return reverse("staff:trainee", args=[program.slug, enrollment.pk])


def render_detail(
    request: HttpRequest,
    user: User,
    program: Program,
    enrollment: Enrollment,
    *,
    leave_form: LeaveForm | None = None,
    end_form: ExpectedEndForm | None = None,
    close_form: EndEnrollmentForm | None = None,
    waiver_form: WaiverForm | None = None,
    assign_form: AssignSupervisorForm | None = None,
    ending: tuple[int, EndAssignmentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = staff_enrollment_detail(viewer=user, enrollment=enrollment)
    requirements = [(r.key, r.name) for r in detail.result.requirements]
    today = program_today(program=program)
    return render(
        request,
        "staff/trainee.html",
        {
            "program": program,
            "enrollment": enrollment,
            "detail": detail,
            "leave_form": leave_form or LeaveForm(),
            "end_form": end_form
            or ExpectedEndForm(initial={"expected_end_date": enrollment.expected_end_date}),
            "close_form": close_form or EndEnrollmentForm(),
            "waiver_form": waiver_form or WaiverForm(requirements=requirements),
            "is_open": enrollment.status in Enrollment.OPEN_STATUSES,
            "assignment_rows": assignment_rows(detail.assignments, today=today, ending=ending),
            "assign_form": assign_form or assign_supervisor_form(program, initial_date=today),
        },
        status=status,
    )


@program_view
def trainee_detail(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    access_record(
        viewer=user,
        trainee=enrollment.trainee,
        enrollment_id=enrollment.pk,
        operation=STAFF_TRAINEE_DETAIL,
    )
    return render_detail(request, user, program, enrollment)


@program_view
@require_POST
def leave_add(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            enrollment_leave_add(
                enrollment=enrollment,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Leave recorded from {form.cleaned_data['start_date']:%d %b %Y} to "
                f"{form.cleaned_data['end_date']:%d %b %Y}; compliance recomputed.",
            )
            return redirect(detail_url(program, enrollment))
    return render_detail(request, user, program, enrollment, leave_form=form, status=400)


@program_view
@require_POST
def expected_end_change(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    form = ExpectedEndForm(request.POST)
    if form.is_valid():
        try:
            enrollment_update(
                enrollment=enrollment, expected_end_date=form.cleaned_data["expected_end_date"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Expected end date changed; compliance recomputed.")
            return redirect(detail_url(program, enrollment))
    return render_detail(request, user, program, enrollment, end_form=form, status=400)


@program_view
@require_POST
def enrollment_close(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    form = EndEnrollmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "completed":
                enrollment_complete(enrollment=enrollment, on=data["on"])
            else:
                enrollment_withdraw(enrollment=enrollment, on=data["on"], reason=data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Enrollment marked {data['outcome']}.")
            return redirect(detail_url(program, enrollment))
    return render_detail(request, user, program, enrollment, close_form=form, status=400)


@program_view
@require_POST
def waiver_add(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    snapshot = getattr(enrollment, "snapshot", None)
    units = {}
    if snapshot is not None:
        units = {r["key"]: r["unit"] for r in snapshot.result.get("requirements", [])}
    requirements = [
        (r["key"], r.get("name", r["key"]))
        for r in enrollment.requirement_set.definition.get("requirements", [])
    ]
    form = WaiverForm(request.POST, requirements=requirements)
    if form.is_valid():
        data = form.cleaned_data
        minimum = data["minimum"]
        # Hour totals are stored in minutes; the form asks for hours.
        if minimum is not None and units.get(data["requirement_key"]) == "minutes":
            minimum *= 60
        try:
            requirement_waive(
                enrollment=enrollment,
                requirement_key=data["requirement_key"],
                minimum=minimum,
                reason=data["reason"],
                actor=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Waiver recorded; compliance recomputed.")
            return redirect(detail_url(program, enrollment))
    return render_detail(request, user, program, enrollment, waiver_form=form, status=400)


@program_view
@require_POST
def waiver_end(
    request: HttpRequest, user: User, program: Program, enrollment_id: int, waiver_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    waiver = get_object_or_404(RequirementWaiver, enrollment=enrollment, pk=waiver_id)
    try:
        waiver_revoke(waiver=waiver, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Waiver revoked; compliance recomputed.")
    return redirect(detail_url(program, enrollment))
