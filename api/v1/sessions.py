from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.idempotency import idempotent
from api.permissions import ApiKeyScopes, IsAuthenticatedPrincipal, PeopleOnly
from api.v1 import serializers as s
from api.v1.base import check_if_match, etag_for, person_of, principal_of
from programs.models import ProgramRole
from trainees.models import Session, SessionStatus, Trainee
from trainees.selectors.access import sessions_visible_to
from trainees.services import countersign
from trainees.services import sessions as services
from trainees.services.access_log import API_SESSION_DETAIL, access_record

NOT_A_TRAINEE = "Only trainees log sessions."
UNKNOWN_PROVIDER = "No supervisor or director of your programs has this email."


class SessionCursor(CursorPagination):
    ordering = ("-date", "-id")
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class SessionFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=SessionStatus.choices)
    category = filters.CharFilter(field_name="category__key")
    trainee = filters.NumberFilter(field_name="trainee_id")
    withdrawn = filters.BooleanFilter(field_name="withdrawn_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Session
        fields = ["date_from", "date_to", "status", "category", "trainee", "withdrawn"]


def _visible(request: Request) -> QuerySet[Session]:
    return sessions_visible_to(principal_of(request)).select_related(
        "trainee", "category", "provider", "verified_by", "external_confirmation"
    )


def _out(session: Session, request: Request, *, status_code: int = 200) -> Response:
    data = s.SessionOut(session, context={"viewer": request.user}).data
    response = Response(data, status=status_code)
    response["ETag"] = etag_for(data)
    return response


def _provider(person: User, email: str | None) -> User | None:
    if not email:
        return None
    provider = User.objects.filter(
        email__iexact=email,
        program_roles__program__enrollments__trainee__user=person,
        program_roles__role__in=[ProgramRole.Role.SUPERVISOR, ProgramRole.Role.DIRECTOR],
    ).first()
    if provider is None:
        raise serializers.ValidationError({"provider": [UNKNOWN_PROVIDER]})
    return provider


class SessionListCreate(generics.ListAPIView[Session]):
    """Sessions you may see. Trainees log their own sessions here (people only, not API keys)."""

    serializer_class = s.SessionOut
    pagination_class = SessionCursor
    # No default filter backend is configured, so the view names it: without it the filterset
    # is silently ignored.
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SessionFilter
    required_scopes = {"GET": "sessions:read"}

    def get_queryset(self) -> QuerySet[Session]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no caller; the filterset only needs the model.
            return Session.objects.none()
        return _visible(self.request)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsAuthenticatedPrincipal(), PeopleOnly()]
        return [IsAuthenticatedPrincipal(), ApiKeyScopes()]

    @extend_schema(
        request=s.SessionIn,
        responses={201: s.SessionOut},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        person = person_of(request)
        body = s.SessionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["provider"] = _provider(person, data.pop("provider"))
        try:
            session = services.session_log_own(actor=person, **data)
        except Trainee.DoesNotExist:
            raise serializers.ValidationError({"non_field_errors": [NOT_A_TRAINEE]}) from None
        # The trainee's own new session, with its related rows in hand: no need to read it back.
        response = _out(session, request, status_code=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/sessions/{session.pk}/"
        return response


class SessionDetail(APIView):
    required_scopes = {"GET": "sessions:read"}

    def get_permissions(self) -> list[Any]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticatedPrincipal(), ApiKeyScopes()]
        return [IsAuthenticatedPrincipal(), PeopleOnly()]

    @extend_schema(responses=s.SessionOut)
    def get(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(_visible(request), pk=pk)
        # Logged only when someone other than the trainee reads it (access_record decides).
        access_record(
            viewer=principal_of(request), trainee=session.trainee, operation=API_SESSION_DETAIL
        )
        return _out(session, request)

    @extend_schema(
        request=s.SessionPatch,
        responses=s.SessionOut,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Edit a draft or rejected session. Send If-Match with the ETag you read to avoid lost updates."""
        body = s.SessionPatch(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            session = get_object_or_404(_visible(request).select_for_update(of=("self",)), pk=pk)
            check_if_match(request, s.SessionOut(session, context={"viewer": request.user}).data)
            updated = services.session_update(
                session=session, actor=person_of(request), **body.validated_data
            )
        return _out(_visible(request).get(pk=updated.pk), request)


class _SessionAction(APIView):
    """POST /sessions/{id}/<action>/: one state change, through its service."""

    input_serializer: type[serializers.Serializer[Any]] | None = None

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticatedPrincipal(), PeopleOnly()]

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        raise NotImplementedError

    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            body = self.input_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        with transaction.atomic():
            session = get_object_or_404(_visible(request), pk=pk)
            check_if_match(request, s.SessionOut(session, context={"viewer": request.user}).data)
            changed = self.act(session, person_of(request), data)
        return _out(_visible(request).get(pk=changed.pk), request)


@extend_schema(request=None, responses=s.SessionOut)
class SessionSubmit(_SessionAction):
    """Send a draft or corrected session to the supervisor."""

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        return services.session_submit(session=session, actor=user)


@extend_schema(request=None, responses=s.SessionOut)
class SessionCountersign(_SessionAction):
    """Verify a submitted session you supervised."""

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        return countersign.session_countersign(session=session, supervisor=user)


@extend_schema(request=s.RejectIn, responses=s.SessionOut)
class SessionReject(_SessionAction):
    """Return a submitted session to the trainee with a reason."""

    input_serializer = s.RejectIn

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        return countersign.session_reject(session=session, supervisor=user, reason=data["reason"])


@extend_schema(request=s.ReasonIn, responses=s.SessionOut)
class SessionWithdraw(_SessionAction):
    """Withdraw your session: kept, excluded from compliance, restorable."""

    input_serializer = s.ReasonIn

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        return services.session_withdraw(session=session, actor=user, reason=data["reason"])


@extend_schema(request=None, responses=s.SessionOut)
class SessionRestore(_SessionAction):
    """Undo a withdrawal."""

    def act(self, session: Session, user: User, data: dict[str, Any]) -> Session:
        return services.session_restore(session=session, actor=user)
