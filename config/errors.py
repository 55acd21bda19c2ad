"""The last resort for a request that raised: a database that cannot be reached is a 503 saying
so, anything else a 500; both in the API's JSON error shape under /api/, plain HTML elsewhere.

Django calls this handler inside its `except` block, so the exception is still in
`sys.exc_info()`, including one raised by a middleware (session or user lookup) before any view
ran. The page must not touch the database or the templates' context processors (which read the
user): both may be what failed.
"""

import sys
from html import escape

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

DATABASE_UNAVAILABLE = (
    "The database cannot be reached right now. If you were saving something, check whether it "
    "was saved before you try again (API clients: retry with the same Idempotency-Key)."
)
SERVER_ERROR = "Something went wrong on our side. It has been logged."
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
    if request.path.startswith("/api/"):
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
