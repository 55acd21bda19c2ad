"""Everything held about one trainee, as a ZIP: JSON per kind of record, plus their documents.

Built from the trainee's own rows only (every query is filtered by the trainee, their user or
their enrollments), so another trainee's data cannot slip in. Private notes and providers are
included: this export goes to the trainee alone.
"""

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone

from confirmations.models import ExternalConfirmationRequest
from reminders.models import NotificationPreference
from trainees.models import (
    AccessLogEntry,
    Attestation,
    EnrollmentMilestone,
    LeaveOfAbsence,
    RecurringSession,
    RequirementWaiver,
    Session,
    SupervisorAssignment,
    Trainee,
)

# Never exported, even to their owner: secrets and internal bookkeeping of the account.
USER_FIELDS = ("email", "full_name", "time_zone", "is_active", "date_joined", "last_login")
# A confirmation request as its trainee made and saw it; not the link's digest (a secret) nor
# the confirmer's network address and browser (the confirmer's data, not the trainee's).
CONFIRMATION_FIELDS = (
    "confirmer_name",
    "confirmer_email",
    "message",
    "created_at",
    "expires_at",
    "emailed_at",
    "used_at",
    "revoked_at",
    "outcome",
    "confirmed_name",
    "decline_reason",
)


def _confirmations(trainee: Trainee) -> list[dict[str, Any]]:
    requests = (
        ExternalConfirmationRequest.objects.filter(trainee=trainee)
        .select_related("category")
        .prefetch_related("items")
        .order_by("pk")
    )
    return [
        {
            "id": r.pk,
            "category": r.category.key,
            "sessions": sorted(item.session_id for item in r.items.all()),
            **{field: getattr(r, field) for field in CONFIRMATION_FIELDS},
        }
        for r in requests
    ]


def _rows(objects: Iterable[Model]) -> list[dict[str, Any]]:
    return [{"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", objects)]


def _safe_name(attestation: Attestation) -> str:
    # Only the final component of the stored name, prefixed by the id so two uploads called
    # "letter.pdf" do not collide inside the archive.
    return f"attestations/{attestation.pk}-{PurePath(attestation.original_name).name or 'file'}"


def trainee_data_export_dict(*, trainee: Trainee) -> dict[str, Any]:
    """The JSON part of the export. Read-only."""
    user = trainee.user
    enrollments = trainee.enrollments.select_related("program", "cohort").order_by("pk")
    attestations = Attestation.objects.filter(trainee=trainee).order_by("pk")
    return {
        "exported_at": timezone.now(),
        "profile": {
            "trainee_id": trainee.pk,
            "external_id": trainee.external_id,
            "created_at": trainee.created_at,
            **{field: getattr(user, field) for field in USER_FIELDS},
        },
        "enrollments": [
            {**row, "program_slug": e.program.slug, "program_name": e.program.name}
            for row, e in zip(_rows(enrollments), enrollments, strict=True)
        ],
        "leaves": _rows(LeaveOfAbsence.objects.filter(enrollment__trainee=trainee).order_by("pk")),
        "supervisor_assignments": _rows(
            SupervisorAssignment.objects.filter(enrollment__trainee=trainee).order_by("pk")
        ),
        "milestones": _rows(
            EnrollmentMilestone.objects.filter(enrollment__trainee=trainee).order_by("pk")
        ),
        "sessions": _rows(Session.objects.filter(trainee=trainee).order_by("date", "pk")),
        "recurring_sessions": _rows(
            RecurringSession.objects.filter(trainee=trainee).order_by("pk")
        ),
        "attestations": [
            {**row, "file_in_archive": _safe_name(a) if a.file else None}
            for row, a in zip(_rows(attestations), attestations, strict=True)
        ],
        "waivers": _rows(
            RequirementWaiver.objects.filter(enrollment__trainee=trainee).order_by("pk")
        ),
        "preferences": _rows(NotificationPreference.objects.filter(user=user)),
        "access_log": _rows(AccessLogEntry.objects.filter(trainee=trainee).order_by("pk")),
        "external_confirmations": _confirmations(trainee),
    }


def trainee_data_export(*, trainee: Trainee) -> bytes:
    """The ZIP: `data.json` and every attestation file the trainee uploaded. Read-only."""
    buffer = io.BytesIO()
    data = trainee_data_export_dict(trainee=trainee)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for attestation in Attestation.objects.filter(trainee=trainee).order_by("pk"):
            if not attestation.file:
                continue
            with attestation.file.open("rb") as handle:
                archive.writestr(_safe_name(attestation), handle.read())
    return buffer.getvalue()
