"""Shared plumbing for a program's staff pages: the program comes from the caller's scope."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from accounts.models import User
from programs.models import Program
from trainees.models import Enrollment
from trainees.selectors.access import enrollments_visible_to, programs_managed_by

P = ParamSpec("P")
ProgramView = Callable[Concatenate[HttpRequest, User, Program, P], HttpResponseBase]


def program_view(
    view: ProgramView[P],
) -> Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]:
    """Signed in, and director or coordinator of the program (or site staff); otherwise 404, so
    another program's pages do not even confirm that the program exists."""

    @login_required
    @wraps(view)
    def wrapper(
        request: HttpRequest, slug: str, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)
        program = get_object_or_404(programs_managed_by(user), slug=slug)
        return view(request, user, program, *args, **kwargs)

    return wrapper


def scoped_enrollment(user: User, program: Program, enrollment_id: int) -> Enrollment:
    return get_object_or_404(
        enrollments_visible_to(user)
        .filter(program=program)
        .select_related("trainee__user", "program", "cohort", "requirement_set", "snapshot"),
        pk=enrollment_id,
    )
