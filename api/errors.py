"""One JSON error shape for every failure:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"field": ["..."]}}}

`fields` is present for validation errors and maps each field (or "non_field_errors") to messages.
A missing or bad credential is a 401 with a `WWW-Authenticate` challenge naming both schemes.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

AUTH_CHALLENGE = 'Api-Key realm="api", Bearer realm="api"'


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _messages(v) for k, v in value.items()}
    if isinstance(value, list):
        flat: list[Any] = []
        for item in value:
            flat.extend(_messages(item) if isinstance(item, list) else [_messages(item)])
        return flat
    return [str(value)] if not isinstance(value, str) else value


def _from_django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here, not at the top: rest_framework.views loads the throttle classes named in
    # settings, and they import this module (PreconditionFailed): importing api.errors first
    # would otherwise be a circular import.
    from rest_framework.views import exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF takes the challenge from the first authenticator, session auth, which has none, and
        # then downgrades to 403; API callers need a 401 telling them which credentials to send.
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        exc.auth_header = AUTH_CHALLENGE  # type: ignore[union-attr]
    response = exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    body: dict[str, Any] = {"status": response.status_code, "code": _code(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = "The request has invalid fields."
        body["fields"] = _fields(exc.detail)
    else:
        detail = exc.detail
        body["message"] = str(detail if not isinstance(detail, list | dict) else exc.default_detail)
    response.data = {"error": body}
    return response


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The resource changed since you read it; fetch it again and retry with its new ETag."
    )
    default_code = "precondition_failed"
