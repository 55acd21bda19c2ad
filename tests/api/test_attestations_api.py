"""/api/v1/attestations/: upload through the web's service, list and download by scope; private
categories stay the trainee's."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import ActivityCategory, ProgramCategory
from trainees.models import Attestation
from trainees.services.attestations import FILE_TYPE, NOT_ATTESTED_CATEGORY, attestation_upload

URL = "/api/v1/attestations/"
PDF = b"%PDF-1.4\n%a letter\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def attested(program):
    """Supervision is verified by attestation (not private); personal therapy too (private)."""
    ProgramCategory.objects.filter(
        program=program, category__key__in=["supervision_individual", "personal_therapy"]
    ).update(verification="attestation")


def upload(client, category="supervision_individual", content=PDF, name="letter.pdf"):
    return client.post(
        URL,
        {
            "category": category,
            "period_start": "2026-01-05",
            "period_end": "2026-05-31",
            "minutes": "600",
            "file": SimpleUploadedFile(name, content),
        },
        format="multipart",
    )


def stored(trainee, key: str) -> Attestation:
    return attestation_upload(
        trainee=trainee,
        actor=trainee.user,
        category=ActivityCategory.objects.get(key=key),
        period_start=date(2026, 1, 5),
        period_end=date(2026, 5, 31),
        upload=SimpleUploadedFile("therapist letter.pdf", PDF),
        sessions=12,
    )


def test_a_trainee_uploads_and_downloads_an_attachment(api_client, trainee, attested):
    api_client.force_login(trainee.user)

    response = upload(api_client)

    assert response.status_code == 201
    attestation = Attestation.objects.get()
    body = response.json()
    assert body["id"] == attestation.pk
    assert (body["category"], body["minutes"], body["content_type"], body["size"]) == (
        "supervision_individual",
        600,
        "application/pdf",
        len(PDF),
    )
    download = api_client.get(body["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"content": b"<html>no</html>", "name": "sneaky.pdf"}, "file", FILE_TYPE),
        ({"category": "client_individual"}, "category", NOT_ATTESTED_CATEGORY),
        ({"category": "no_such_category"}, "category", NOT_ATTESTED_CATEGORY),
    ],
)
def test_the_services_validation_answers_as_field_errors(
    api_client, trainee, attested, kwargs, field, message
):
    api_client.force_login(trainee.user)

    response = upload(api_client, **kwargs)

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert not Attestation.objects.exists()


def test_private_category_documents_are_the_trainees_alone(
    api_client, trainee, supervisor, director, api_key, attested
):
    # given
    private = stored(trainee, "personal_therapy")
    shared = stored(trainee, "supervision_individual")

    # then: the trainee sees both
    api_client.force_login(trainee.user)
    assert {a["id"] for a in api_client.get(URL).json()["results"]} == {private.pk, shared.pk}
    assert api_client.get(f"{URL}{private.pk}/download/").status_code == 200

    # and staff and keys see only the other one, and cannot fetch the private one
    for sign_in in (
        lambda: api_client.force_login(supervisor),
        lambda: api_client.force_login(director),
        lambda: (
            api_client.logout(),
            api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}"),
        ),
    ):
        sign_in()
        assert [a["id"] for a in api_client.get(URL).json()["results"]] == [shared.pk]
        assert api_client.get(f"{URL}{private.pk}/download/").status_code == 404
        assert api_client.get(f"{URL}{shared.pk}/download/").status_code == 200


def test_an_api_key_cannot_upload(api_client, api_key, attested):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")

    assert upload(api_client).status_code == 403
    assert not Attestation.objects.exists()
