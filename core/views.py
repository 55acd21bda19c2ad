"""View plumbing every room's pages share."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

Context = dict[str, Any]


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
    """Whether the request came from htmx (a partial page is wanted)."""
    return bool(getattr(request, "htmx", False))
