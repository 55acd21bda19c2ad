from typing import Any

from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.idempotency import idempotent
from api.v1 import serializers as s
from api.v1.base import principal_of
from core.problems import InputFileError
from programs.definitions.program_file import parse_program_text
from programs.models import Institution, Program, RequirementSet
from programs.selectors import category_vocabulary
from programs.services.program_files import program_load
from trainees.models import Cohort
from trainees.selectors.access import programs_managed_by, programs_visible_to

PROGRAM_MISMATCH = "This file describes program {found!r}, not {expected!r}."


class InstitutionList(generics.ListAPIView[Institution]):
    """Institutions whose programs you can see."""

    serializer_class = s.InstitutionOut
    required_scopes = {"GET": "programs:read"}
    pagination_class = None

    def get_queryset(self) -> QuerySet[Institution]:
        ids = programs_visible_to(principal_of(self.request)).values("institution_id")
        return Institution.objects.filter(pk__in=ids).order_by("slug")


class ProgramList(generics.ListAPIView[Program]):
    serializer_class = s.ProgramOut
    required_scopes = {"GET": "programs:read"}
    pagination_class = None

    def get_queryset(self) -> QuerySet[Program]:
        return (
            programs_visible_to(principal_of(self.request))
            .annotate(latest_version=Max("requirement_sets__version"))
            .order_by("slug")
        )


class ProgramDetail(generics.RetrieveAPIView[Program]):
    serializer_class = s.ProgramOut
    required_scopes = {"GET": "programs:read"}
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Program]:
        return programs_visible_to(principal_of(self.request)).annotate(
            latest_version=Max("requirement_sets__version")
        )


class CohortList(generics.ListAPIView[Cohort]):
    serializer_class = s.CohortOut
    required_scopes = {"GET": "programs:read"}
    pagination_class = None

    def get_queryset(self) -> QuerySet[Cohort]:
        program = get_object_or_404(
            programs_visible_to(principal_of(self.request)), slug=self.kwargs["slug"]
        )
        return Cohort.objects.filter(program=program).select_related("program").order_by("slug")


class RequirementSetList(APIView):
    """Versions of a program's rules (read); upload a program file to create a new version."""

    required_scopes = {"GET": "programs:read", "POST": "programs:write"}

    @extend_schema(responses=s.RequirementSetOut(many=True))
    def get(self, request: Request, slug: str) -> Response:
        program = get_object_or_404(programs_visible_to(principal_of(request)), slug=slug)
        versions = (
            RequirementSet.objects.filter(program=program)
            .select_related("program")
            .order_by("-version")
        )
        return Response(s.RequirementSetOut(versions, many=True).data)

    @extend_schema(
        request=s.RequirementSetUpload,
        responses={200: s.RequirementSetUploadOut, 201: s.RequirementSetUploadOut},
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        program = get_object_or_404(programs_managed_by(principal_of(request)), slug=slug)
        body = s.RequirementSetUpload(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            document = parse_program_text(
                body.validated_data["content"], source="upload", vocabulary=category_vocabulary()
            )
        except InputFileError as exc:
            return _file_errors(exc)
        found = document.canonical["program"]["slug"]
        if (
            found != program.slug
            or document.canonical["institution"]["slug"] != program.institution.slug
        ):
            return _file_errors(None, PROGRAM_MISMATCH.format(found=found, expected=program.slug))
        principal = principal_of(request)
        actor = principal if isinstance(principal, User) else None
        try:
            result = program_load(
                document=document, actor=actor, dry_run=body.validated_data["dry_run"]
            )
        except InputFileError as exc:
            return _file_errors(exc)
        out = s.RequirementSetUploadOut(
            {
                "program": program.slug,
                "version": result.requirement_set.version,
                "created_version": result.created_version,
                "dry_run": result.dry_run,
            }
        ).data
        created = result.created_version and not result.dry_run
        return Response(out, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RequirementSetDetail(APIView):
    required_scopes = {"GET": "programs:read"}

    @extend_schema(responses=s.RequirementSetOut)
    def get(self, request: Request, slug: str, version: int) -> Response:
        program = get_object_or_404(programs_visible_to(principal_of(request)), slug=slug)
        requirement_set = get_object_or_404(
            RequirementSet.objects.select_related("program"), program=program, version=version
        )
        return Response(s.RequirementSetOut(requirement_set).data)


def _file_errors(exc: InputFileError | None, message: str = "") -> Response:
    problems: Any = (
        [{"line": p.line, "field": p.field, "message": p.message} for p in exc.problems]
        if exc
        else [{"line": None, "field": "program.slug", "message": message}]
    )
    fields = {
        "content": [
            str(p["message"])
            if not p["field"]
            else f"line {p['line']}: {p['field']}: {p['message']}"
            for p in problems
        ]
    }
    return Response(
        {
            "error": {
                "status": 400,
                "code": "invalid",
                "message": "The program file is not valid; nothing was loaded.",
                "fields": fields,
            }
        },
        status=status.HTTP_400_BAD_REQUEST,
    )
