"""Error pages raised outside any view's own handling, in the API's JSON error shape under /api/
(docs/api.md, "Errors") and as pages elsewhere.

The last resort for a request that raised: a database that cannot be reached is a 503 saying
so, anything else a 500. A request Django refuses before a view runs (a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host) is a 400, or 413 for the size; an unknown address 404.

Django calls this handler inside its `except` block, so the exception is still in
`sys.exc_info()`, including one raised by a middleware (session or user lookup) before any view
ran. The page must not touch the database or the templates' context processors (which read the
user): both may be what failed.
"""

import sys
from html import escape

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"

DATABASE_UNAVAILABLE = (
    "The database cannot be reached right now. If you were saving something, check whether it "
    "was saved before you try again (API clients: retry with the same Idempotency-Key)."
)
SERVER_ERROR = "Something went wrong on our side. It has been logged."
NOT_FOUND = "Not found."
BAD_REQUEST = "The request could not be read."
TOO_LARGE = "The request body is larger than this server accepts ({limit} bytes)."
RETRY_AFTER_SECONDS = 5

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title} · Countersign</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>{title}</h1><p>{message}</p></body></html>
"""


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    message = DATABASE_UNAVAILABLE if unavailable else SERVER_ERROR
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        code = "unavailable" if unavailable else "server_error"
        body = {"error": {"status": status, "code": code, "message": message}}
        response = JsonResponse(body, status=status)
    else:
        title = "Temporarily unavailable" if unavailable else "Server error"
        page = _PAGE.format(title=title, message=escape(message))
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = TOO_LARGE.format(limit=limit)
        if request.path.startswith(API_PREFIX):
            return _api_error(413, "too_large", message)
        return HttpResponse(_PAGE.format(title="Too large", message=escape(message)), status=413)
    if request.path.startswith(API_PREFIX):
        return _api_error(400, "bad_request", BAD_REQUEST)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(404, "not_found", NOT_FOUND)
    return defaults.page_not_found(request, exception)
