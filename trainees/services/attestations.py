"""Attestation uploads: documents that verify categories a program marks `attestation`.

The type is decided by the file's first bytes, never by its name or the browser's claim; the
stored name is random (the original is kept for display only), and files live under MEDIA_ROOT,
which no URL serves: the download view checks permission and sends an attachment.
"""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from accounts.models import User
from programs.models import ActivityCategory, ProgramCategory, Verification
from trainees.models import Attestation, Trainee
from trainees.services.sessions import NOT_YOUR_SESSION

MAX_ATTESTATION_BYTES = 5 * 1024 * 1024
FILE_TOO_LARGE = "The file is larger than 5 MB."
FILE_EMPTY = "The file is empty."
FILE_TYPE = "Upload a PDF, PNG or JPEG file."
NOT_ATTESTED_CATEGORY = "None of your programs verifies this category by attestation."
PERIOD_ORDER = "The period cannot end before it starts."
AMOUNT_REQUIRED = "Give the hours or the number of sessions the document covers."

# Magic numbers: what the bytes say, whatever the file is called.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes, or None when not allowed."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def attested_category_ids(*, trainee: Trainee) -> set[int]:
    return set(
        ProgramCategory.objects.filter(
            program__enrollments__trainee=trainee, verification=Verification.ATTESTATION
        ).values_list("category_id", flat=True)
    )


def attestation_upload(
    *,
    trainee: Trainee,
    actor: User,
    category: ActivityCategory,
    period_start: date,
    period_end: date,
    upload: UploadedFile,
    minutes: int | None = None,
    sessions: int | None = None,
) -> Attestation:
    """Store a document for the trainee. Raises ValidationError by field, PermissionDenied."""
    if actor.pk != trainee.user_id:
        raise PermissionDenied(NOT_YOUR_SESSION)
    errors: dict[str, list[str]] = {}
    if category.pk not in attested_category_ids(trainee=trainee):
        errors["category"] = [NOT_ATTESTED_CATEGORY]
    if period_end < period_start:
        errors["period_end"] = [PERIOD_ORDER]
    if minutes is None and sessions is None:
        errors["minutes"] = [AMOUNT_REQUIRED]
    size = upload.size or 0
    if size > MAX_ATTESTATION_BYTES:
        errors["file"] = [FILE_TOO_LARGE]
    elif size == 0:
        errors["file"] = [FILE_EMPTY]
    sniffed = None
    if "file" not in errors:
        upload.seek(0)
        sniffed = sniff_type(upload.read(16))
        upload.seek(0)
        if sniffed is None:
            errors["file"] = [FILE_TYPE]
    if errors or sniffed is None:
        raise ValidationError(errors)
    content_type, extension = sniffed
    original = get_valid_filename(upload.name or f"document.{extension}")[:200]
    attestation = Attestation(
        trainee=trainee,
        category=category,
        period_start=period_start,
        period_end=period_end,
        minutes=minutes,
        sessions=sessions,
        original_name=original,
        content_type=content_type,
        size=size,
    )
    with transaction.atomic():
        attestation.file.save(
            f"{secrets.token_hex(16)}.{extension}", ContentFile(upload.read()), save=False
        )
        attestation.full_clean()
        attestation.save()
    return attestation
