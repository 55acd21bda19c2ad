"""Shared plumbing for trainee pages: who the trainee is, and service errors onto forms."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


Context = dict[str, Any]
