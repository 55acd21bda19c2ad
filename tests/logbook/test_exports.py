import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.services.countersign import session_countersign

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def verified(trainee, category, supervisor, refresh):
    session = SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        status="submitted",
        duration_minutes=90,
    )
    session_countersign(session=session, supervisor=supervisor)
    return session


def test_pdf_transcript_has_the_licensing_essentials_and_no_private_details(
    trainee_client, verified, private_session
):
    response = trainee_client.get("/transcript.pdf")

    # PDF text wraps where the layout decides; compare with whitespace folded.
    text = " ".join(_pdf_text(response).split())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="transcript-20260615.pdf"'
    assert "Training transcript" in text
    assert "Tess Trainee" in text
    assert "Riverside MFT" in text
    assert "Period: 2026-01-05 to 2027-01-03" in text
    assert "Client contact" in text
    assert "1 h 30 min" in text
    assert "Sam Supervisor" in text
    assert "Generated: 2026-06-15" in text
    assert PRIVATE_PROVIDER not in text
    assert PRIVATE_NOTES not in text


def test_csv_lists_every_own_session_without_private_details_unless_asked(
    trainee_client, verified, private_session, other_session
):
    plain = list(csv.DictReader(io.StringIO(trainee_client.get("/sessions.csv").content.decode())))
    full = list(
        csv.DictReader(io.StringIO(trainee_client.get("/sessions.csv?private=1").content.decode()))
    )

    assert [row["id"] for row in plain] == [str(verified.pk), str(private_session.pk)]
    assert plain[0]["verified_by"] == "Sam Supervisor"
    assert (plain[1]["provider"], plain[1]["notes"]) == ("", "")
    assert (full[1]["provider"], full[1]["notes"]) == (PRIVATE_PROVIDER, PRIVATE_NOTES)


@pytest.mark.parametrize("persona", ["supervisor", "director", "other_trainee"])
@pytest.mark.parametrize("url", ["/transcript/", "/transcript.pdf", "/sessions.csv"])
def test_exports_of_the_trainee_are_not_reachable_by_others(
    request, login_as, private_session, persona, url
):
    person = request.getfixturevalue(persona)
    client = login_as(getattr(person, "user", person))

    response = client.get(url)

    if persona == "other_trainee":
        # Their own (empty) export: never the trainee's.
        assert response.status_code == 200
        body = response.content if url != "/transcript.pdf" else _pdf_text(response).encode()
        assert PRIVATE_PROVIDER.encode() not in body
        assert b"Tess Trainee" not in body
    else:
        assert response.status_code == 404


def test_export_query_counts_do_not_grow_with_sessions(trainee_client, trainee, category):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert trainee_client.get(url).status_code == 200
        return len(queries)

    SessionFactory(trainee=trainee, category=category("client_individual"))
    few = (count("/transcript.pdf"), count("/sessions.csv"))
    for offset in range(50):
        SessionFactory(
            trainee=trainee,
            category=category("client_individual"),
            date=date(2026, 1, 5) + timedelta(days=offset),
        )

    many = (count("/transcript.pdf"), count("/sessions.csv"))

    assert many == few
