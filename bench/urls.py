from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Noop(APIView):
    """The baseline: authenticated DRF request/response with no work at all."""

    def post(self, request: Request) -> Response:
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("bench/noop/", Noop.as_view()),
    path("", include("config.urls")),
]

handler500 = "config.errors.server_error"
