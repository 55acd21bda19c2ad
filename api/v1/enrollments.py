from datetime import date
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
from api.v1 import serializers as s
from api.v1.base import check_if_match, etag_for, principal_of
from programs.engine import result_to_dict
from programs.models import ProgramRole
from trainees.models import Cohort, Enrollment, LeaveOfAbsence, SupervisorAssignment, Trainee
from trainees.selectors.access import (
    enrollments_visible_to,
    programs_managed_by,
    trainees_visible_to,
)
from trainees.selectors.compliance import enrollment_compliance, program_today
from trainees.selectors.privacy import compliance_for_staff, private_category_keys
from trainees.services import enrollments as services
from trainees.services.access_log import API_ENROLLMENT_COMPLIANCE, access_record

UNKNOWN_PROGRAM = "No program with this slug that you manage."
UNKNOWN_COHORT = "No cohort with this slug in the program."
UNKNOWN_SUPERVISOR = "No supervisor of this program has this email."


class EnrollmentCursor(CursorPagination):
    ordering = ("id",)
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class EnrollmentFilter(filters.FilterSet):
    program = filters.CharFilter(field_name="program__slug")
    cohort = filters.CharFilter(field_name="cohort__slug")
    status = filters.ChoiceFilter(choices=Enrollment.Status.choices)
    trainee = filters.NumberFilter(field_name="trainee_id")
    external_id = filters.CharFilter(field_name="trainee__external_id")

    class Meta:
        model = Enrollment
        fields = ["program", "cohort", "status", "trainee", "external_id"]


def _visible(request: Request) -> QuerySet[Enrollment]:
    return (
        enrollments_visible_to(principal_of(request))
        .select_related("trainee__user", "program", "cohort", "requirement_set", "snapshot")
        .defer("snapshot__result", "requirement_set__definition")
    )


def _managed(request: Request) -> QuerySet[Enrollment]:
    return _visible(request).filter(program__in=programs_managed_by(principal_of(request)))


def _out(enrollment: Enrollment, *, status_code: int = 200) -> Response:
    data = s.EnrollmentOut(enrollment).data
    response = Response(data, status=status_code)
    response["ETag"] = etag_for(data)
    return response


class TraineeList(generics.ListAPIView[Trainee]):
    serializer_class = s.TraineeOut
    pagination_class = EnrollmentCursor
    required_scopes = {"GET": "enrollments:read"}

    def get_queryset(self) -> QuerySet[Trainee]:
        return trainees_visible_to(principal_of(self.request)).select_related("user")


class TraineeDetail(generics.RetrieveAPIView[Trainee]):
    serializer_class = s.TraineeOut
    required_scopes = {"GET": "enrollments:read"}

    def get_queryset(self) -> QuerySet[Trainee]:
        return trainees_visible_to(principal_of(self.request)).select_related("user")


class EnrollmentListCreate(generics.ListAPIView[Enrollment]):
    """Enrollments you may see; directors, coordinators and keys with `enrollments:write` create them."""

    serializer_class = s.EnrollmentOut
    pagination_class = EnrollmentCursor
    # No default filter backend is configured, so the view names it: without it the filterset
    # is silently ignored.
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EnrollmentFilter
    required_scopes = {"GET": "enrollments:read", "POST": "enrollments:write"}

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no caller; the filterset only needs the model.
            return Enrollment.objects.none()
        return _visible(self.request)

    @extend_schema(
        request=s.EnrollmentIn,
        responses={201: s.EnrollmentOut},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = s.EnrollmentIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = programs_managed_by(principal_of(request)).filter(slug=data["program"]).first()
        if program is None:
            raise serializers.ValidationError({"program": [UNKNOWN_PROGRAM]})
        cohort = None
        if data["cohort"]:
            cohort = Cohort.objects.filter(program=program, slug=data["cohort"]).first()
            if cohort is None:
                raise serializers.ValidationError({"cohort": [UNKNOWN_COHORT]})
        with transaction.atomic():
            trainee = services.trainee_get_or_create(
                email=data["trainee_email"],
                full_name=data["trainee_full_name"],
                external_id=data["trainee_external_id"],
            )
            enrollment = services.enrollment_create(
                trainee=trainee,
                program=program,
                cohort=cohort,
                start_date=data["start_date"],
                expected_end_date=data["expected_end_date"],
            )
        response = _out(
            _visible(request).get(pk=enrollment.pk), status_code=status.HTTP_201_CREATED
        )
        response["Location"] = f"/api/v1/enrollments/{enrollment.pk}/"
        return response


class EnrollmentDetail(APIView):
    required_scopes = {"GET": "enrollments:read", "PATCH": "enrollments:write"}

    @extend_schema(responses=s.EnrollmentOut)
    def get(self, request: Request, pk: int) -> Response:
        return _out(get_object_or_404(_visible(request), pk=pk))

    @extend_schema(
        request=s.EnrollmentPatch,
        responses=s.EnrollmentOut,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change the expected end date or cohort. Send If-Match with the ETag you read."""
        body = s.EnrollmentPatch(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            enrollment = get_object_or_404(_managed(request).select_for_update(of=("self",)), pk=pk)
            check_if_match(request, s.EnrollmentOut(enrollment).data)
            changes: dict[str, Any] = {}
            if "expected_end_date" in body.validated_data:
                changes["expected_end_date"] = body.validated_data["expected_end_date"]
            if "cohort" in body.validated_data:
                slug = body.validated_data["cohort"]
                if slug is None:
                    changes["clear_cohort"] = True
                else:
                    cohort = Cohort.objects.filter(
                        program_id=enrollment.program_id, slug=slug
                    ).first()
                    if cohort is None:
                        raise serializers.ValidationError({"cohort": [UNKNOWN_COHORT]})
                    changes["cohort"] = cohort
            services.enrollment_update(enrollment=enrollment, **changes)
        return _out(_visible(request).get(pk=pk))


class _EnrollmentEnd(APIView):
    required_scopes = {"POST": "enrollments:write"}

    def end(self, enrollment: Enrollment, on: date, reason: str) -> Enrollment:
        raise NotImplementedError

    @extend_schema(request=s.EndEnrollmentIn, responses=s.EnrollmentOut)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body = s.EndEnrollmentIn(data=request.data)
        body.is_valid(raise_exception=True)
        enrollment = get_object_or_404(_managed(request), pk=pk)
        check_if_match(request, s.EnrollmentOut(enrollment).data)
        self.end(enrollment, body.validated_data["on"], body.validated_data["reason"])
        return _out(_visible(request).get(pk=pk))


class EnrollmentComplete(_EnrollmentEnd):
    """Mark the enrollment completed on a date."""

    def end(self, enrollment: Enrollment, on: date, reason: str) -> Enrollment:
        return services.enrollment_complete(enrollment=enrollment, on=on)


class EnrollmentWithdraw(_EnrollmentEnd):
    """Record that the trainee withdrew on a date."""

    def end(self, enrollment: Enrollment, on: date, reason: str) -> Enrollment:
        return services.enrollment_withdraw(enrollment=enrollment, on=on, reason=reason)


class LeaveListCreate(APIView):
    required_scopes = {"GET": "enrollments:read", "POST": "enrollments:write"}

    @extend_schema(responses=s.LeaveOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        enrollment = get_object_or_404(_visible(request), pk=pk)
        return Response(
            s.LeaveOut(LeaveOfAbsence.objects.filter(enrollment=enrollment), many=True).data
        )

    @extend_schema(request=s.LeaveIn, responses={201: s.LeaveOut})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        enrollment = get_object_or_404(_managed(request), pk=pk)
        body = s.LeaveIn(data=request.data)
        body.is_valid(raise_exception=True)
        leave = services.enrollment_leave_add(enrollment=enrollment, **body.validated_data)
        return Response(s.LeaveOut(leave).data, status=status.HTTP_201_CREATED)


class AssignmentListCreate(APIView):
    required_scopes = {"GET": "enrollments:read", "POST": "enrollments:write"}

    @extend_schema(responses=s.AssignmentOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        enrollment = get_object_or_404(_visible(request), pk=pk)
        assignments = SupervisorAssignment.objects.filter(enrollment=enrollment).select_related(
            "supervisor"
        )
        return Response(s.AssignmentOut(assignments, many=True).data)

    @extend_schema(request=s.AssignmentIn, responses={201: s.AssignmentOut})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        enrollment = get_object_or_404(_managed(request), pk=pk)
        body = s.AssignmentIn(data=request.data)
        body.is_valid(raise_exception=True)
        supervisor = User.objects.filter(
            email__iexact=body.validated_data["supervisor"],
            program_roles__program=enrollment.program,
            program_roles__role=ProgramRole.Role.SUPERVISOR,
        ).first()
        if supervisor is None:
            raise serializers.ValidationError({"supervisor": [UNKNOWN_SUPERVISOR]})
        assignment = services.supervisor_assign(
            enrollment=enrollment,
            supervisor=supervisor,
            starts_on=body.validated_data["starts_on"],
            ends_on=body.validated_data["ends_on"],
        )
        return Response(s.AssignmentOut(assignment).data, status=status.HTTP_201_CREATED)


class EnrollmentCompliance(APIView):
    """Compliance with its explanation: every credited minute tied to sessions and rules.

    Computed for the request (as of today in the program's time zone, or `as_of`): stored
    snapshots keep only the figures, and the explanation is cheap to rebuild for one enrollment.
    Only the trainee sees private categories session by session; everyone else gets one line per
    private category with its session count and minutes (`"private": true`).
    """

    required_scopes = {"GET": "reports:read"}

    @extend_schema(
        responses=s.ComplianceOut,
        parameters=[
            OpenApiParameter("as_of", date, description="Compute as of this date (YYYY-MM-DD).")
        ],
    )
    def get(self, request: Request, pk: int) -> Response:
        enrollment = get_object_or_404(_visible(request), pk=pk)
        as_of_raw = request.query_params.get("as_of")
        as_of = None
        if as_of_raw:
            try:
                as_of = date.fromisoformat(as_of_raw)
            except ValueError:
                raise serializers.ValidationError(
                    {"as_of": ["Use a date as YYYY-MM-DD."]}
                ) from None
        today = program_today(program=enrollment.program)
        data = result_to_dict(enrollment_compliance(enrollment=enrollment, as_of=as_of or today))
        viewer = principal_of(request)
        if not (isinstance(viewer, User) and viewer.pk == enrollment.trainee.user_id):
            data = compliance_for_staff(data, private=private_category_keys(enrollment=enrollment))
            access_record(
                viewer=viewer,
                trainee=enrollment.trainee,
                enrollment_id=enrollment.pk,
                operation=API_ENROLLMENT_COMPLIANCE,
            )
        return Response(data)
