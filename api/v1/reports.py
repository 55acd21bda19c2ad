import base64
import csv
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1 import serializers as s
from api.v1.base import principal_of
from trainees.models.compliance import STATUS_CHOICES
from trainees.selectors.access import programs_managed_by
from trainees.selectors.reports import (
    ReportFilters,
    ReportRow,
    report_as_of,
    report_rows,
)

DEFAULT_PAGE_SIZE = 200
CSV_CHUNK = 1000
MAX_PAGE_SIZE = 2000
CSV_COLUMNS = [
    "enrollment",
    "trainee",
    "external_id",
    "full_name",
    "cohort",
    "enrollment_status",
    "status",
    "as_of",
    "requirement",
    "requirement_status",
    "unit",
    "credited",
    "required",
    "expected_by_now",
    "projected_completion",
    "advisory",
]
STATUSES = [value for value, _ in STATUS_CHOICES]


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        # Only errors reach here (reports stream their own CSV); keep them readable.
        return str(data).encode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[ReportRow]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        for line in row.requirements:
            yield writer.writerow(
                [
                    row.enrollment,
                    row.trainee,
                    row.external_id or "",
                    row.full_name,
                    row.cohort or "",
                    row.enrollment_status,
                    row.status,
                    row.as_of.isoformat(),
                    line.key,
                    line.status,
                    line.unit,
                    line.credited,
                    line.required,
                    line.expected_by_now,
                    line.projected_completion.isoformat() if line.projected_completion else "",
                    "true" if line.advisory else "false",
                ]
            )


def _row_json(row: ReportRow) -> dict[str, Any]:
    """The documented `ReportRow` shape, built directly: a serializer per field of 10,000
    requirement lines costs more than the query that read them."""
    return {
        "enrollment": row.enrollment,
        "trainee": row.trainee,
        "external_id": row.external_id,
        "full_name": row.full_name,
        "cohort": row.cohort,
        "enrollment_status": row.enrollment_status,
        "status": row.status,
        "as_of": row.as_of.isoformat(),
        "requirements": [
            {
                "key": line.key,
                "name": line.name,
                "status": line.status,
                "unit": line.unit,
                "required": line.required,
                "credited": line.credited,
                "expected_by_now": line.expected_by_now,
                "projected_completion": line.projected_completion.isoformat()
                if line.projected_completion
                else None,
                "advisory": line.advisory,
            }
            for line in row.requirements
        ],
    }


def _encode_cursor(enrollment_id: int) -> str:
    return base64.urlsafe_b64encode(f"e:{enrollment_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        if kind != "e":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise serializers.ValidationError({"cursor": ["Invalid cursor."]}) from None


class ReportQuery(serializers.Serializer[Any]):
    cohort = serializers.SlugField(required=False)
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    requirement = serializers.SlugField(required=False)
    enrollment_status = serializers.ChoiceField(
        choices=["active", "on_leave", "completed", "withdrawn"], required=False
    )
    as_of = serializers.DateField(required=False)
    cursor = serializers.CharField(required=False, max_length=100)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class ProgramReport(APIView):
    """Every enrollment's compliance in a program, from snapshots (or computed `as_of` a date).

    JSON is cursor-paginated (`next` holds the URL of the following page). Ask for CSV with
    `Accept: text/csv` or `?format=csv` to stream every row at once, one line per enrollment and
    requirement. Figures are exact integers: minutes for `unit: minutes`, else sessions or periods.
    """

    required_scopes = {"GET": "reports:read"}
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("cohort", str),
            OpenApiParameter(
                "status",
                str,
                enum=STATUSES,
                description="Overall status, or the requirement's with `requirement`.",
            ),
            OpenApiParameter(
                "requirement", str, description="Only enrollments with this requirement (key)."
            ),
            OpenApiParameter(
                "enrollment_status", str, enum=["active", "on_leave", "completed", "withdrawn"]
            ),
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="Compute as of this date instead of reading snapshots.",
            ),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: OpenApiResponse(
                response=inline_serializer(
                    "ProgramReportPage",
                    fields={
                        "next": serializers.CharField(allow_null=True),
                        "results": s.ReportRow(many=True),
                    },
                ),
                description="A page of rows (JSON) or every row (text/csv).",
            )
        },
    )
    def get(self, request: Request, slug: str) -> Any:
        # Every trainee's standing: for the program's managers and keys, not its trainees or
        # supervisors (who see their own or their supervisees' compliance per enrollment).
        program = get_object_or_404(programs_managed_by(principal_of(request)), slug=slug)
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = ReportFilters(
            cohort=params.get("cohort"),
            status=params.get("status"),
            requirement=params.get("requirement"),
            enrollment_status=params.get("enrollment_status"),
        )
        as_of: date | None = params.get("as_of")
        after = _decode_cursor(params["cursor"]) if params.get("cursor") else 0
        if request.accepted_renderer.format == "csv":
            rows = self._all_rows(program, filters, as_of)
            response = StreamingHttpResponse(
                _csv_lines(rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{program.slug}-compliance.csv"'
            )
            return response
        size = params["page_size"]
        if as_of is not None:
            page = list(
                report_as_of(
                    program=program, filters=filters, as_of=as_of, after=after, limit=size + 1
                )
            )
        else:
            page = report_rows(program=program, filters=filters, after=after, limit=size + 1)
        has_more = len(page) > size
        page = page[:size]
        next_url = None
        if has_more:
            next_query = request.query_params.copy()
            next_query["cursor"] = _encode_cursor(page[-1].enrollment)
            next_url = request.build_absolute_uri(f"{request.path}?{next_query.urlencode()}")
        return Response({"next": next_url, "results": [_row_json(r) for r in page]})

    def _all_rows(
        self, program: Any, filters: ReportFilters, as_of: date | None
    ) -> Iterator[ReportRow]:
        if as_of is not None:
            yield from report_as_of(program=program, filters=filters, as_of=as_of)
            return
        after = 0
        while True:
            chunk = report_rows(program=program, filters=filters, after=after, limit=CSV_CHUNK)
            yield from chunk
            if len(chunk) < CSV_CHUNK:
                return
            after = chunk[-1].enrollment
