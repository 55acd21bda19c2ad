"""Where staff land: their programs, or their countersign queue."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.models import User
from trainees.selectors.access import programs_managed_by
from trainees.selectors.navigation import is_supervisor


def staff_start_url(user: User) -> str | None:
    """A director or coordinator starts at their programs, a supervisor at the queue."""
    if programs_managed_by(user).exists():
        return reverse("staff:index")
    if is_supervisor(user):
        return reverse("staff:supervisor_queue")
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    programs = list(programs_managed_by(user).order_by("name"))
    if not programs:
        raise Http404("No programs to manage")
    return render(
        request,
        "staff/index.html",
        {"programs": programs, "supervises": is_supervisor(user)},
    )
