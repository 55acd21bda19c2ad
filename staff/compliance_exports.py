"""The compliance matrix as CSV and XLSX, and the program report as PDF, from snapshots or as
of a chosen date.

Only figures and statuses leave here: no session, provider or note, so nothing private can.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook

from core.units import format_amount
from programs.engine import EnrollmentResult
from programs.models import Program
from trainees.models import Enrollment, RequirementStatus
from trainees.selectors.compliance import enrollments_compliance
from trainees.selectors.overview import Column, OverviewFilters, overview_enrollments
from trainees.selectors.reports import ReportRow, row_from_result, row_from_snapshot
from trainees.services.transcript import STATUS_LABELS, _Pdf

BATCH = 500
FIXED_HEADER = ["trainee", "email", "external_id", "cohort", "enrollment_status", "status", "as_of"]


def _matches(row: ReportRow, filters: OverviewFilters) -> bool:
    if filters.requirement:
        line = next((r for r in row.requirements if r.key == filters.requirement), None)
        return line is not None and (not filters.status or line.status == filters.status)
    return not filters.status or row.status == filters.status


def _row_from_result(enrollment: Enrollment, result: EnrollmentResult) -> ReportRow:
    # The staff matrix shows cohort names where the API report gives slugs.
    row = row_from_result(enrollment, result)
    return replace(row, cohort=enrollment.cohort.name if enrollment.cohort else None)


def matrix_rows(
    *, program: Program, filters: OverviewFilters, as_of: date | None = None
) -> Iterator[tuple[Enrollment, ReportRow]]:
    """Every matching enrollment's row: stored snapshots, or computed as of a date in batches."""
    if as_of is None:
        enrollments = overview_enrollments(program=program, filters=filters).prefetch_related(
            Prefetch("requirement_statuses", queryset=RequirementStatus.objects.order_by("pk"))
        )
        for enrollment in enrollments.filter(snapshot__isnull=False).iterator(chunk_size=BATCH):
            row = row_from_snapshot(enrollment)
            yield (
                enrollment,
                replace(row, cohort=enrollment.cohort.name if enrollment.cohort else None),
            )
        return
    # Statuses differ on another date, so status filters apply after computing.
    unfiltered = replace(filters, status="", requirement="")
    ids = list(
        overview_enrollments(program=program, filters=unfiltered).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        batch = Enrollment.objects.filter(pk__in=chunk).select_related(
            "trainee__user", "cohort", "program", "requirement_set"
        )
        by_id = {e.pk: e for e in batch}
        results = enrollments_compliance(enrollments=list(by_id.values()), as_of=as_of)
        for pk in chunk:
            row = _row_from_result(by_id[pk], results[pk])
            if _matches(row, filters):
                yield by_id[pk], row


def _cells(row: ReportRow, columns: tuple[Column, ...]) -> list[object]:
    by_key = {r.key: r for r in row.requirements}
    cells: list[object] = []
    for column in columns:
        line = by_key.get(column.key)
        if line is None:
            cells += ["", "", "", "", ""]
        else:
            cells += [line.status, line.credited, line.required, line.expected_by_now, line.unit]
    return cells


def _header(columns: tuple[Column, ...]) -> list[str]:
    header = list(FIXED_HEADER)
    for c in columns:
        header += [
            f"{c.key}_status",
            f"{c.key}_credited",
            f"{c.key}_required",
            f"{c.key}_expected_by_now",
            f"{c.key}_unit",
        ]
    return header


def _fixed(enrollment: Enrollment, row: ReportRow) -> list[object]:
    return [
        row.full_name,
        enrollment.trainee.user.email,
        row.external_id or "",
        row.cohort or "",
        row.enrollment_status,
        row.status,
        row.as_of.isoformat(),
    ]


def matrix_csv(
    *, program: Program, filters: OverviewFilters, columns: tuple[Column, ...], as_of: date | None
) -> str:
    """Figures in their stored units (minutes for hours) so spreadsheets can sum them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header(columns))
    for enrollment, row in matrix_rows(program=program, filters=filters, as_of=as_of):
        writer.writerow(_fixed(enrollment, row) + _cells(row, columns))
    return out.getvalue()


def matrix_xlsx(
    *, program: Program, filters: OverviewFilters, columns: tuple[Column, ...], as_of: date | None
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Compliance")
    sheet.append(_header(columns))
    for enrollment, row in matrix_rows(program=program, filters=filters, as_of=as_of):
        sheet.append(_fixed(enrollment, row) + _cells(row, columns))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def program_report_pdf(
    *,
    program: Program,
    filters: OverviewFilters,
    as_of: date | None,
    generated: datetime | None = None,
) -> bytes:
    """A report for accreditation visits: counts by status, then one line per trainee with the
    requirements that are not on track."""
    rows = [row for _, row in matrix_rows(program=program, filters=filters, as_of=as_of)]
    pdf = _Pdf()
    pdf.add_page()
    pdf.line_of(f"Compliance report: {program.name}", size=16, bold=True, height=9)
    pdf.line_of(program.institution.name)
    moment = generated or timezone.now()
    when = f"as of {as_of:%Y-%m-%d}" if as_of else "from the latest stored computation"
    pdf.line_of(f"Figures {when}; generated {moment:%Y-%m-%d %H:%M} UTC; {len(rows)} trainees.")
    counts = Counter(row.status for row in rows)
    pdf.line_of(
        "Overall: " + ", ".join(f"{STATUS_LABELS.get(s, s)} {n}" for s, n in sorted(counts.items()))
    )
    pdf.ln(3)
    widths = [55, 30, 25, 80]
    pdf.row(["Trainee", "Cohort", "Status", "Needing attention"], widths, bold=True)
    for row in sorted(rows, key=lambda r: r.full_name.lower()):
        lagging = [
            f"{line.name[:24]} {format_amount(line.credited, line.unit)}/"
            f"{format_amount(line.required, line.unit)}"
            for line in row.requirements
            if line.status in ("behind", "at_risk") and not line.advisory
        ]
        pdf.row(
            [
                row.full_name[:32],
                (row.cohort or "")[:18],
                STATUS_LABELS.get(row.status, row.status),
                "; ".join(lagging)[:60],
            ],
            widths,
        )
    return bytes(pdf.output())
