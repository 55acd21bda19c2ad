"""The supervisor's pages: the countersign queue, reopening, and supervisees' progress.

Session ids arrive from the browser, so every POST first narrows them to the caller's own queue
(sessions_to_countersign): an id outside it is a 404 and nothing is changed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from trainees.selectors.countersign import (
    countersign_queue,
    sessions_to_countersign,
    sessions_verified_by,
    supervisee_progress,
)
from trainees.selectors.dashboard import user_today
from trainees.selectors.navigation import is_supervisor
from trainees.services.countersign import (
    NOTHING_CHOSEN,
    session_reopen,
    sessions_countersign,
    sessions_reject,
)

P = ParamSpec("P")
RECENTLY_VERIFIED = 30


def supervisor_view(
    view: Callable[Concatenate[HttpRequest, User, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Signed in and supervising someone (or a provider of sessions); anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)
        if not is_supervisor(user):
            raise Http404("Not a supervisor")
        return view(request, user, *args, **kwargs)

    return wrapper


@supervisor_view
def queue(request: HttpRequest, user: User) -> HttpResponse:
    return render(
        request,
        "staff/supervisor/queue.html",
        {
            "queue": countersign_queue(supervisor=user),
            "verified": sessions_verified_by(user)[:RECENTLY_VERIFIED],
        },
    )


def _chosen_ids(request: HttpRequest, user: User) -> list[int]:
    """The posted session ids: one ("only"), a whole week ("week_session") or the ticked ones."""
    action = request.POST.get("action", "")
    if request.POST.get("only"):
        raw = [request.POST["only"]]
    elif action == "week":
        raw = request.POST.getlist("week_session")
    else:
        raw = request.POST.getlist("session")
    try:
        ids = sorted({int(value) for value in raw})
    except ValueError as error:
        raise Http404("Unknown session") from error
    if not ids:
        raise ValidationError(NOTHING_CHOSEN)
    found = set(sessions_to_countersign(user).filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise Http404("Not in your queue")
    return ids


@supervisor_view
@require_POST
def queue_act(request: HttpRequest, user: User) -> HttpResponse:
    try:
        ids = _chosen_ids(request, user)
        if request.POST.get("action") == "reject":
            outcome = sessions_reject(
                session_ids=ids, supervisor=user, reason=request.POST.get("reason", "")
            )
            verb = "Returned"
        else:
            outcome = sessions_countersign(session_ids=ids, supervisor=user)
            verb = "Verified"
    except PermissionDenied as error:
        raise Http404("Not in your queue") from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:supervisor_queue")
    plural = "s" if outcome.sessions != 1 else ""
    messages.success(request, f"{verb} {outcome.sessions} session{plural}.")
    return redirect("staff:supervisor_queue")


@supervisor_view
@require_POST
def reopen(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_verified_by(user), pk=pk)
    try:
        session_reopen(session=session, supervisor=user, reason=request.POST.get("reason", ""))
    except PermissionDenied as error:
        raise Http404("Not yours") from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Reopened {session.category.name} of {session.date:%d %b %Y}; it is back in the queue.",
        )
    return redirect("staff:supervisor_queue")


@supervisor_view
def supervisees(request: HttpRequest, user: User) -> HttpResponse:
    return render(
        request,
        "staff/supervisor/supervisees.html",
        {"rows": supervisee_progress(supervisor=user, on=user_today(user))},
    )


def supervises_anyone(user: User) -> bool:
    """For the home page: a signed-in user with no trainee record who has a queue to go to."""
    return is_supervisor(user)
