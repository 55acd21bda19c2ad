"""Exports of a program's compliance: matrix CSV/XLSX and a PDF report, optionally as of a date."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from programs.models import Program
from staff.compliance_exports import matrix_csv, matrix_xlsx, program_report_pdf
from staff.forms import AsOfForm
from staff.views.common import program_view
from staff.views.overview import overview_filters
from trainees.selectors.overview import OverviewFilters, overview_enrollments, requirement_columns
from trainees.services.access_log import STAFF_EXPORT, access_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_of(request: HttpRequest) -> object:
    form = AsOfForm(request.GET)
    return form.cleaned_data["as_of"] if form.is_valid() else None


def _attachment(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _name(program: Program, as_of: object, ext: str) -> str:
    stamp = as_of.isoformat() if as_of else timezone.now().strftime("%Y-%m-%d")  # type: ignore[attr-defined]
    return f"{program.slug}-compliance-{stamp}.{ext}"


def _log_if_single_trainee(
    user: User, program: Program, filters: OverviewFilters, fmt: str
) -> None:
    """An export narrowed to one trainee is a view of that trainee's record: log it (one SELECT
    of at most two ids, then one INSERT). Wider exports are program reports, not logged per row."""
    matched = list(overview_enrollments(program=program, filters=filters)[:2])
    if len(matched) == 1:
        access_record(
            viewer=user,
            trainee=matched[0].trainee,
            enrollment_id=matched[0].pk,
            operation=STAFF_EXPORT.format(fmt=fmt),
        )


@program_view
def exports_page(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    return render(request, "staff/exports.html", {"program": program, "form": AsOfForm()})


@program_view
def export_csv(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    _, filters = overview_filters(request, program)
    _log_if_single_trainee(user, program, filters, "csv")
    as_of = _as_of(request)
    body = matrix_csv(
        program=program,
        filters=filters,
        columns=requirement_columns(program=program),
        as_of=as_of,  # type: ignore[arg-type]
    )
    return _attachment(body, "text/csv; charset=utf-8", _name(program, as_of, "csv"))


@program_view
def export_xlsx(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    _, filters = overview_filters(request, program)
    _log_if_single_trainee(user, program, filters, "xlsx")
    as_of = _as_of(request)
    body = matrix_xlsx(
        program=program,
        filters=filters,
        columns=requirement_columns(program=program),
        as_of=as_of,  # type: ignore[arg-type]
    )
    return _attachment(body, XLSX, _name(program, as_of, "xlsx"))


@program_view
def export_pdf(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    _, filters = overview_filters(request, program)
    _log_if_single_trainee(user, program, filters, "pdf")
    as_of = _as_of(request)
    body = program_report_pdf(program=program, filters=filters, as_of=as_of)  # type: ignore[arg-type]
    return _attachment(body, "application/pdf", _name(program, as_of, "pdf"))
