"""Which navigation a person gets, remembered in their session at sign-in, and where they start.

Computed once per sign-in rather than on every page: the trainee pages promise a fixed, small
number of queries, and the links are a convenience only (every staff page checks its own scope).
A role granted mid-session shows in the navigation at the next sign-in.
"""

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from programs.models import MANAGING_ROLES, ProgramRole
from trainees.models import Session, SupervisorAssignment, Trainee
from trainees.selectors.access import programs_managed_by

SESSION_KEY = "countersign_nav"


def nav_roles(user: User) -> dict[str, bool]:
    """One query: is the user a trainee, a manager of a program, a supervisor?"""
    if not user.is_authenticated:
        return {"trainee": False, "manages": False, "supervises": False}
    roles = ProgramRole.objects.filter(user=OuterRef("pk"))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_trainee=Exists(Trainee.objects.filter(user=OuterRef("pk"))),
            manages=Exists(roles.filter(role__in=MANAGING_ROLES)),
            supervises=Exists(roles.filter(role=ProgramRole.Role.SUPERVISOR))
            | Exists(SupervisorAssignment.objects.filter(supervisor=OuterRef("pk")))
            | Exists(Session.objects.filter(provider=OuterRef("pk"))),
        )
        .values("is_trainee", "manages", "supervises", "is_staff")
        .get()
    )
    manages = bool(row["manages"] or row["is_staff"])
    supervises = bool(row["supervises"])
    return {
        # Someone with no role still gets the trainee links (they lead to a "no record" page).
        "trainee": bool(row["is_trainee"]) or not (manages or supervises),
        "manages": manages,
        "supervises": supervises,
    }


def remember_nav_roles(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = nav_roles(user)


def roles_for(request: HttpRequest) -> dict[str, bool]:
    remembered = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if isinstance(remembered, dict):
        return remembered
    user = request.user
    return nav_roles(user) if isinstance(user, User) else nav_roles(User())


def is_supervisor(user: User) -> bool:
    """Supervises someone, holds a supervisor role, or provided a session (may countersign)."""
    return (
        SupervisorAssignment.objects.filter(supervisor=user).exists()
        or ProgramRole.objects.filter(user=user, role=ProgramRole.Role.SUPERVISOR).exists()
        or Session.objects.filter(provider=user).exists()
    )


def staff_start_url(user: User) -> str | None:
    """Where someone who is not a trainee lands: a director or coordinator at their programs, a
    supervisor at the countersign queue; None for anyone else."""
    if programs_managed_by(user).exists():
        return reverse("staff:index")
    if is_supervisor(user):
        return reverse("staff:supervisor_queue")
    return None
