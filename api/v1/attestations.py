"""Attestation documents: list what you may see, upload your own, download as an attachment.

Uploads go through the same service as the web page (type sniffed from the content, size limit,
category verified by attestation in one of your programs). Documents of private categories are
listed and served to the trainee alone.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import ApiKeyScopes, IsAuthenticatedPrincipal, PeopleOnly
from api.v1.base import person_of, principal_of
from api.v1.sessions import SessionCursor
from programs.models import ActivityCategory
from trainees.models import Attestation, Trainee
from trainees.selectors.attestations import attestations_visible_to
from trainees.services.attestations import (
    NOT_ATTESTED_CATEGORY,
    SIGNATURES,
    attestation_upload,
)

NOT_A_TRAINEE = "Only trainees upload attestations."


class AttestationOut(serializers.ModelSerializer[Attestation]):
    category: serializers.SlugRelatedField[ActivityCategory] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attestation
        fields = [
            "id",
            "trainee",
            "category",
            "period_start",
            "period_end",
            "minutes",
            "sessions",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download",
        ]

    def get_download(self, attestation: Attestation) -> str:
        return f"/api/v1/attestations/{attestation.pk}/download/"


class AttestationIn(serializers.Serializer[Any]):
    category = serializers.SlugField(
        help_text="A category key your program verifies by attestation."
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=10**6, required=False)
    sessions = serializers.IntegerField(min_value=1, max_value=10**5, required=False)
    file = serializers.FileField(help_text="PDF, PNG or JPEG, at most 5 MB.")


class AttestationFilter(filters.FilterSet):
    trainee = filters.NumberFilter(field_name="trainee_id")
    category = filters.CharFilter(field_name="category__key")

    class Meta:
        model = Attestation
        fields = ["trainee", "category"]


class AttestationCursor(SessionCursor):
    ordering = ("-period_end", "-id")


class AttestationListCreate(generics.ListAPIView[Attestation]):
    """Attestations you may see. Trainees upload their own here (multipart; people only)."""

    serializer_class = AttestationOut
    pagination_class = AttestationCursor
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AttestationFilter
    required_scopes = {"GET": "sessions:read"}

    def get_queryset(self) -> QuerySet[Attestation]:
        if getattr(self, "swagger_fake_view", False):
            return Attestation.objects.none()
        return attestations_visible_to(principal_of(self.request))

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsAuthenticatedPrincipal(), PeopleOnly()]
        return [IsAuthenticatedPrincipal(), ApiKeyScopes()]

    @extend_schema(request={"multipart/form-data": AttestationIn}, responses={201: AttestationOut})
    def post(self, request: Request) -> Response:
        person = person_of(request)
        trainee = Trainee.objects.filter(user=person).first()
        if trainee is None:
            raise serializers.ValidationError({"non_field_errors": [NOT_A_TRAINEE]})
        body = AttestationIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = ActivityCategory.objects.filter(key=data["category"]).first()
        if category is None:
            raise serializers.ValidationError({"category": [NOT_ATTESTED_CATEGORY]})
        attestation = attestation_upload(
            trainee=trainee,
            actor=person,
            category=category,
            period_start=data["period_start"],
            period_end=data["period_end"],
            upload=data["file"],
            minutes=data.get("minutes"),
            sessions=data.get("sessions"),
        )
        response = Response(AttestationOut(attestation).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/attestations/{attestation.pk}/"
        return response


class AttestationDownload(APIView):
    """The document, as an attachment, to whoever may see its metadata."""

    required_scopes = {"GET": "sessions:read"}

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment."
            )
            for _, content_type, _ in SIGNATURES
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attestation = get_object_or_404(attestations_visible_to(principal_of(request)), pk=pk)
        response = FileResponse(
            attestation.file.open("rb"),
            as_attachment=True,
            filename=attestation.original_name,
            content_type=attestation.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
