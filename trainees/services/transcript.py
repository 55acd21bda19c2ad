"""Transcripts for licensing applications: a PDF summary and a CSV of the trainee's sessions.

The PDF is meant to be handed to boards and programs, so it carries totals, requirement standings,
verification status and supervisor names, and never a private category's provider or notes (nor
the name of whoever verified such a session, who may be the trainee's own therapist). The CSV is
the trainee's own data; private details appear in it only when the trainee asks for them.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db.models import Count, Q, Sum
from django.utils import timezone
from fpdf import FPDF

from core.units import format_amount, format_minutes
from programs.engine import RequirementResult, result_from_dict
from programs.models import ProgramCategory
from trainees.models import Enrollment, Session, SessionStatus, SupervisorAssignment, Trainee
from trainees.selectors.compliance import enrollment_window_end

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CSV_COLUMNS = (
    "id",
    "date",
    "start_time",
    "duration_minutes",
    "category",
    "format",
    "group_size",
    "modality",
    "status",
    "verified_by",
    "verified_at",
    "withdrawn",
    "provider",
    "notes",
)


@dataclass(frozen=True, slots=True)
class CategoryTotal:
    name: str
    private: bool
    minutes_by_status: dict[str, int]
    sessions: int

    @property
    def verified_minutes(self) -> int:
        return self.minutes_by_status.get(SessionStatus.VERIFIED, 0)

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes_by_status.values())


@dataclass(frozen=True, slots=True)
class EnrollmentSection:
    enrollment: Enrollment
    start: date
    end: date
    requirements: tuple[RequirementResult, ...]
    as_of: date | None


@dataclass(frozen=True, slots=True)
class Transcript:
    trainee: Trainee
    generated_at: datetime
    enrollments: tuple[EnrollmentSection, ...]
    categories: tuple[CategoryTotal, ...]
    supervisors: tuple[str, ...]
    private_note: str = field(default="")


def transcript_build(*, trainee: Trainee) -> Transcript:
    """Everything the PDF shows, in a fixed number of queries whatever the number of sessions."""
    enrollments = list(
        Enrollment.objects.filter(trainee=trainee)
        .select_related("program__institution", "requirement_set", "snapshot")
        .order_by("start_date")
    )
    private_ids = set(
        ProgramCategory.objects.filter(
            program__enrollments__trainee=trainee, private=True
        ).values_list("category_id", flat=True)
    )
    rows = (
        Session.objects.filter(trainee=trainee, withdrawn_at__isnull=True)
        .values("category_id", "category__name", "status")
        .annotate(minutes=Sum("duration_minutes"), count=Count("id"))
        .order_by("category__name")
    )
    by_category: dict[int, dict[str, object]] = {}
    for row in rows:
        entry = by_category.setdefault(
            row["category_id"],
            {"name": row["category__name"], "minutes": defaultdict(int), "sessions": 0},
        )
        entry["minutes"][row["status"]] += row["minutes"]  # type: ignore[index]
        entry["sessions"] = int(entry["sessions"]) + row["count"]  # type: ignore[call-overload]
    categories = tuple(
        CategoryTotal(
            name=str(entry["name"]),
            private=category_id in private_ids,
            minutes_by_status=dict(entry["minutes"]),  # type: ignore[call-overload]
            sessions=int(entry["sessions"]),  # type: ignore[call-overload]
        )
        for category_id, entry in by_category.items()
    )
    assigned = SupervisorAssignment.objects.filter(enrollment__trainee=trainee).values_list(
        "supervisor__full_name", "supervisor__email"
    )
    verifiers = (
        Session.objects.filter(trainee=trainee, status=SessionStatus.VERIFIED)
        .exclude(Q(category_id__in=private_ids))
        .values_list(
            "verified_by__full_name", "verified_by__email", "external_confirmation__confirmed_name"
        )
        .distinct()
    )
    # A session confirmed by e-mail link has no verifying user; name the confirmer instead
    # (non-private categories only, as above: a private category's confirmer is a therapist).
    names = sorted(
        {
            name or email or f"{confirmer} (by email link)"
            for name, email, confirmer in verifiers
            if name or email or confirmer
        }
        | {name or email for name, email in assigned if name or email}
    )
    sections = []
    for enrollment in enrollments:
        snapshot = getattr(enrollment, "snapshot", None)
        result = result_from_dict(snapshot.result) if snapshot is not None else None
        sections.append(
            EnrollmentSection(
                enrollment=enrollment,
                start=enrollment.start_date,
                end=enrollment_window_end(enrollment),
                requirements=result.requirements if result else (),
                as_of=result.as_of if result else None,
            )
        )
    return Transcript(
        trainee=trainee,
        generated_at=timezone.now(),
        enrollments=tuple(sections),
        categories=categories,
        supervisors=tuple(names),
    )


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = DEJAVU.exists() and DEJAVU_BOLD.exists()
        if self.unicode:
            self.add_font("body", "", str(DEJAVU))
            self.add_font("body", "B", str(DEJAVU_BOLD))
        self.family = "body" if self.unicode else "helvetica"
        self.set_auto_page_break(auto=True, margin=15)

    def text_of(self, value: str) -> str:
        # The core fonts only know Latin-1; replace what they cannot draw rather than fail.
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def line_of(self, value: str, *, size: int = 10, bold: bool = False, height: float = 6) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, height, self.text_of(value), new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[int], *, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", 9)
        for text, width in zip(cells, widths, strict=True):
            self.cell(width, 6, self.text_of(text), border="B")
        self.ln(6)


STATUS_LABELS = {
    "met": "Met",
    "on_track": "On track",
    "at_risk": "At risk",
    "behind": "Behind",
    "not_started": "Not started",
}


def transcript_pdf(*, transcript: Transcript) -> bytes:
    pdf = _Pdf()
    pdf.add_page()
    user = transcript.trainee.user
    pdf.line_of("Training transcript", size=16, bold=True, height=9)
    pdf.line_of(f"Trainee: {user.full_name or user.email} ({user.email})")
    pdf.line_of(f"Generated: {transcript.generated_at:%Y-%m-%d %H:%M} UTC")
    pdf.ln(2)
    for section in transcript.enrollments:
        enrollment = section.enrollment
        pdf.line_of(
            f"{enrollment.program.name} - {enrollment.program.institution.name}",
            size=12,
            bold=True,
            height=8,
        )
        pdf.line_of(
            f"Period: {section.start:%Y-%m-%d} to {section.end:%Y-%m-%d}; "
            f"status: {enrollment.get_status_display()}; "
            f"requirement set version {enrollment.requirement_set.version}"
            + (f"; standings as of {section.as_of:%Y-%m-%d}" if section.as_of else "")
        )
        widths = [80, 35, 35, 30]
        pdf.row(["Requirement", "Credited", "Required", "Status"], widths, bold=True)
        for requirement in section.requirements:
            pdf.row(
                [
                    requirement.name[:48],
                    format_amount(requirement.credited, requirement.unit),
                    format_amount(requirement.required, requirement.unit),
                    STATUS_LABELS.get(requirement.status, requirement.status),
                ],
                widths,
            )
        pdf.ln(4)
    pdf.line_of("Totals by category", size=12, bold=True, height=8)
    widths = [70, 28, 28, 28, 26]
    pdf.row(["Category", "Verified", "Submitted", "Draft/other", "Sessions"], widths, bold=True)
    for total in transcript.categories:
        submitted = total.minutes_by_status.get(SessionStatus.SUBMITTED, 0)
        other = total.total_minutes - total.verified_minutes - submitted
        pdf.row(
            [
                total.name[:40],
                format_minutes(total.verified_minutes),
                format_minutes(submitted),
                format_minutes(other),
                str(total.sessions),
            ],
            widths,
        )
    pdf.ln(4)
    pdf.line_of("Supervisors", size=12, bold=True, height=8)
    pdf.line_of(", ".join(transcript.supervisors) or "None recorded")
    pdf.ln(4)
    pdf.line_of(
        "Withdrawn sessions are not included. Providers and notes of private categories "
        "(such as personal therapy) are never shown on a transcript.",
        size=8,
    )
    return bytes(pdf.output())


def transcript_csv(*, trainee: Trainee, include_private: bool = False) -> str:
    """Every session of the trainee, withdrawn ones flagged. Private details only on request."""
    private_ids = set(
        ProgramCategory.objects.filter(
            program__enrollments__trainee=trainee, private=True
        ).values_list("category_id", flat=True)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    sessions = (
        Session.objects.filter(trainee=trainee)
        .select_related("category", "provider", "verified_by", "external_confirmation")
        .order_by("date", "start_time", "id")
    )
    for s in sessions.iterator(chunk_size=2000):
        show_details = include_private or s.category_id not in private_ids
        provider = (s.provider.get_full_name() if s.provider else s.provider_name) or ""
        verifier = s.verified_by.get_full_name() if s.verified_by else ""
        if not verifier and s.status == SessionStatus.VERIFIED and s.external_confirmation:
            verifier = f"{s.external_confirmation.confirmed_name} (by email link)"
        writer.writerow(
            [
                s.pk,
                s.date.isoformat(),
                s.start_time.strftime("%H:%M") if s.start_time else "",
                s.duration_minutes,
                s.category.key,
                s.format,
                s.group_size or "",
                s.modality,
                s.status,
                verifier if show_details else "",
                s.verified_at.date().isoformat() if s.verified_at else "",
                "yes" if s.is_withdrawn else "",
                provider if show_details else "",
                s.notes if show_details else "",
            ]
        )
    return out.getvalue()
