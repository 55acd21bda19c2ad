from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import ProgramCategory
from trainees.models import Attestation
from trainees.services.attestations import (
    FILE_TOO_LARGE,
    FILE_TYPE,
    MAX_ATTESTATION_BYTES,
    NOT_ATTESTED_CATEGORY,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fake but starts right\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def attested(program, category):
    ProgramCategory.objects.filter(program=program, category=category("personal_therapy")).update(
        verification="attestation"
    )
    return category("personal_therapy")


def _upload(client, category, content=PDF, name="letter.pdf", **extra):
    data = {
        "category": category.pk,
        "period_start": "2026-01-05",
        "period_end": "2026-05-31",
        "hours": "40",
        "sessions": "",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }
    data.update(extra)
    return client.post("/attestations/", data)


def test_upload_stores_the_file_privately_under_a_random_name(trainee_client, attested, tmp_path):
    response = _upload(trainee_client, attested)

    attestation = Attestation.objects.get()
    assert response.status_code == 302
    assert attestation.minutes == 2400
    assert attestation.original_name == "letter.pdf"
    assert attestation.content_type == "application/pdf"
    assert attestation.file.name.startswith("attestations/")
    assert "letter" not in attestation.file.name
    assert (tmp_path / attestation.file.name).read_bytes() == PDF


def test_the_type_is_decided_by_content_not_name(trainee_client, attested):
    response = _upload(
        trainee_client, attested, content=b"<html>not a pdf</html>", name="sneaky.pdf"
    )

    assert response.context["form"].errors["file"] == [FILE_TYPE]
    assert Attestation.objects.count() == 0


def test_large_files_are_refused(trainee_client, attested):
    response = _upload(trainee_client, attested, content=PDF + b"0" * MAX_ATTESTATION_BYTES)

    assert response.context["form"].errors["file"] == [FILE_TOO_LARGE]


def test_only_attested_categories_are_accepted(trainee_client, attested, category):
    response = _upload(trainee_client, category("client_individual"))

    assert (
        NOT_ATTESTED_CATEGORY in str(response.context["form"].errors)
        or "category" in response.context["form"].errors
    )
    assert Attestation.objects.count() == 0


def test_download_is_an_attachment_for_the_owner(trainee_client, attested):
    _upload(trainee_client, attested)
    attestation = Attestation.objects.get()

    response = trainee_client.get(f"/attestations/{attestation.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["other_trainee", "supervisor", "director"])
def test_nobody_else_can_download(request, trainee_client, login_as, attested, persona):
    _upload(trainee_client, attested)
    attestation = Attestation.objects.get()
    person = request.getfixturevalue(persona)

    response = login_as(getattr(person, "user", person)).get(
        f"/attestations/{attestation.pk}/download/"
    )

    assert response.status_code == 404


def test_the_media_root_is_not_served_by_url(trainee_client, attested):
    _upload(trainee_client, attested)
    attestation = Attestation.objects.get()

    assert trainee_client.get(f"/media/{attestation.file.name}").status_code == 404
    assert date(2026, 1, 5) == attestation.period_start
