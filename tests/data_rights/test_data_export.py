"""A trainee downloads everything held about them; nobody else's data is ever in it."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.models import AccessLogEntry, Attestation
from trainees.services.access_log import STAFF_TRAINEE_DETAIL

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%the trainee's own letter\n"


def _download(client):
    response = client.post("/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive, json.loads(archive.read("data.json"))


@pytest.fixture
def letter(trainee, category):
    attestation = Attestation(
        trainee=trainee,
        category=category("personal_therapy"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        minutes=600,
        original_name="../therapist letter.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attestation.file.save("random-name.pdf", ContentFile(PDF), save=False)
    attestation.save()
    return attestation


def test_the_export_holds_private_notes_for_their_owner(
    trainee_client, trainee, enrollment, private_session, client_session, letter
):
    archive, data = _download(trainee_client)

    assert data["profile"]["email"] == "trainee@example.org"
    assert data["profile"]["full_name"] == "Tess Trainee"
    assert "password" not in data["profile"]
    assert [e["id"] for e in data["enrollments"]] == [enrollment.pk]
    by_id = {s["id"]: s for s in data["sessions"]}
    assert sorted(by_id) == sorted([private_session.pk, client_session.pk])
    assert by_id[private_session.pk]["notes"] == PRIVATE_NOTES
    assert by_id[private_session.pk]["provider_name"] == PRIVATE_PROVIDER
    assert [(a["id"], a["minutes"]) for a in data["attestations"]] == [(letter.pk, 600)]
    name = data["attestations"][0]["file_in_archive"]
    assert name == f"attestations/{letter.pk}-therapist letter.pdf"
    assert archive.read(name) == PDF
    assert set(data) == {
        "exported_at",
        "profile",
        "enrollments",
        "leaves",
        "supervisor_assignments",
        "milestones",
        "sessions",
        "recurring_sessions",
        "attestations",
        "waivers",
        "preferences",
        "access_log",
        "external_confirmations",
    }


def test_the_export_includes_the_access_log(trainee_client, trainee, enrollment, director):
    AccessLogEntry.objects.create(
        trainee=trainee,
        enrollment=enrollment,
        user=director,
        viewer_name="Dana Director",
        operation=STAFF_TRAINEE_DETAIL,
    )

    _, data = _download(trainee_client)

    assert [(e["viewer_name"], e["operation"]) for e in data["access_log"]] == [
        ("Dana Director", STAFF_TRAINEE_DETAIL)
    ]


def test_another_trainees_data_is_never_included(
    trainee_client, trainee, other_trainee, other_session, category, director
):
    SessionFactory(
        trainee=other_trainee,
        date=date(2026, 6, 3),
        category=category("personal_therapy"),
        provider_name="Dr Other Therapist",
        notes="the other trainee's secret",
    )
    other_enrollment = other_trainee.enrollments.get()
    AccessLogEntry.objects.create(
        trainee=other_trainee,
        enrollment=other_enrollment,
        user=director,
        viewer_name="Dana Director",
        operation=STAFF_TRAINEE_DETAIL,
    )

    archive, data = _download(trainee_client)

    text = archive.read("data.json").decode()
    for secret in (
        "other.trainee@example.org",
        "Oli Othertrainee",
        "Dr Other Therapist",
        "the other trainee's secret",
        "other trainee's own note",
    ):
        assert secret not in text
    assert data["sessions"] == []
    assert data["access_log"] == []
    assert [e["id"] for e in data["enrollments"]] == [trainee.enrollments.get().pk]
    assert archive.namelist() == ["data.json"]


@pytest.mark.parametrize("persona", ["director", "supervisor", "other_director"])
def test_staff_cannot_download_a_trainees_data(
    request, login_as, trainee, private_session, persona
):
    response = login_as(request.getfixturevalue(persona)).post("/privacy/export/")

    assert response.status_code == 404


def test_the_export_page_offers_the_download(trainee_client):
    page = trainee_client.get("/privacy/export/")

    assert page.status_code == 200
    assert b"Download my data" in page.content


def test_the_export_includes_confirmation_requests_but_not_their_secrets(
    trainee_client, trainee, enrollment, category, frozen_today
):
    from confirmations.services.requests import external_confirmation_request

    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        category=category("client_individual"),
        status="submitted",
    )
    request = external_confirmation_request(
        trainee=trainee,
        actor=trainee.user,
        session_ids=[session.pk],
        confirmer_name="Ezra External",
        confirmer_email="ezra@example.com",
        message="For June.",
    )
    request.token_digest = "f" * 64
    request.confirmer_ip = "203.0.113.9"
    request.save()

    _, data = _download(trainee_client)

    [exported] = data["external_confirmations"]
    assert (exported["id"], exported["category"], exported["sessions"]) == (
        request.pk,
        "client_individual",
        [session.pk],
    )
    assert (exported["confirmer_name"], exported["confirmer_email"], exported["message"]) == (
        "Ezra External",
        "ezra@example.com",
        "For June.",
    )
    assert not {"token_digest", "confirmer_ip", "confirmer_user_agent"} & exported.keys()
    assert "f" * 64 not in json.dumps(data) and "203.0.113.9" not in json.dumps(data)
