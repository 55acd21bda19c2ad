"""Refuse NUL characters at the edge.

PostgreSQL text cannot hold U+0000, so a NUL in a query parameter or a JSON/form value would
otherwise surface as a database error (a 500) wherever the value reaches a query. No legitimate
value of ours contains one; uploads (multipart) are left alone because binary files may.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "The request contains a NUL character, which no field accepts."
TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                body = {"error": {"status": 400, "code": "invalid", "message": NUL_MESSAGE}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        if request.content_type not in TEXT_BODIES:
            return False
        body = request.body
        return b"\x00" in body or b"\\u0000" in body or b"%00" in body
