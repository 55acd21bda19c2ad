"""Assigning supervisors to a trainee's enrollment and ending assignments, from the staff
trainee page. Directors and coordinators of the program only (program_view); anyone else 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.models import User
from core.views import apply_errors
from programs.models import ActivityCategory, Program
from staff.views.assignment_rows import assign_supervisor_form, end_assignment_form
from staff.views.common import program_view, scoped_enrollment
from staff.views.trainee import detail_url, render_detail
from trainees.models import SupervisorAssignment
from trainees.services.enrollments import supervisor_assign, supervisor_assignment_end


@program_view
@require_POST
def assignment_add(
    request: HttpRequest, user: User, program: Program, enrollment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    form = assign_supervisor_form(program, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # The form offers only this program's supervisors and categories; the service checks
        # again, since the choice lists were read before this request's transaction.
        supervisor = User.objects.get(pk=data["supervisor"])
        try:
            assignment = supervisor_assign(
                enrollment=enrollment,
                supervisor=supervisor,
                starts_on=data["starts_on"],
                categories=ActivityCategory.objects.filter(key__in=data["categories"]),
                reason=data["reason"],
                actor=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{supervisor.get_full_name()} supervises this trainee from "
                f"{assignment.starts_on:%d %b %Y}.",
            )
            return redirect(detail_url(program, enrollment))
    return render_detail(request, user, program, enrollment, assign_form=form, status=400)


@program_view
@require_POST
def assignment_end(
    request: HttpRequest, user: User, program: Program, enrollment_id: int, assignment_id: int
) -> HttpResponse:
    enrollment = scoped_enrollment(user, program, enrollment_id)
    assignment = get_object_or_404(
        SupervisorAssignment.objects.select_related("supervisor"),
        enrollment=enrollment,
        pk=assignment_id,
    )
    form = end_assignment_form(assignment, request.POST)
    if form.is_valid():
        try:
            ended = supervisor_assignment_end(
                assignment=assignment,
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{assignment.supervisor.get_full_name()}'s assignment ends on "
                f"{ended.ends_on:%d %b %Y}.",
            )
            return redirect(detail_url(program, enrollment))
    return render_detail(
        request, user, program, enrollment, ending=(assignment.pk, form), status=400
    )
