"""View decorators for pages about the signed-in trainee, shared by every room that has such
pages (the logbook, confirmations by e-mail, data rights, reminder preferences)."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from accounts.models import User
from trainees.models import Trainee
from trainees.selectors.dashboard import own_trainee

P = ParamSpec("P")
TraineeView = Callable[Concatenate[HttpRequest, User, Trainee, P], HttpResponseBase]


def trainee_view(view: TraineeView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Signed in, and a trainee: anyone else gets 404 (these pages do not exist for them)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)
        trainee = own_trainee(user)
        if trainee is None:
            raise Http404("No trainee record")
        return view(request, user, trainee, *args, **kwargs)

    return wrapper
