import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER

pytestmark = pytest.mark.django_db

BASE = "/programs/riverside-mft/exports/"


@pytest.fixture
def director_client(login_as, director, private_session, other_trainee, refresh):
    refresh(other_trainee)
    return login_as(director)


def test_csv_matrix_has_a_row_per_trainee_and_no_private_details(director_client):
    response = director_client.get(f"{BASE}compliance.csv")

    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="riverside-mft-compliance-'
    )
    assert [
        (r["trainee"], r["status"], r["client_contact_required"], r["client_contact_unit"])
        for r in rows
    ] == [
        ("Oli Othertrainee", "behind", "600", "minutes"),
        ("Tess Trainee", "behind", "600", "minutes"),
    ]
    assert PRIVATE_PROVIDER not in body and PRIVATE_NOTES not in body


def test_csv_follows_the_overview_filters(director_client):
    rows = list(
        csv.DictReader(
            io.StringIO(director_client.get(f"{BASE}compliance.csv?q=tess").content.decode())
        )
    )

    assert [r["trainee"] for r in rows] == ["Tess Trainee"]


def test_csv_as_of_a_past_date_is_computed_for_that_date(director_client):
    rows = list(
        csv.DictReader(
            io.StringIO(
                director_client.get(f"{BASE}compliance.csv?as_of=2026-01-10").content.decode()
            )
        )
    )

    assert {r["as_of"] for r in rows} == {"2026-01-10"}
    assert {r["client_contact_expected_by_now"] for r in rows} != {"267"}


def test_xlsx_matrix(director_client):
    response = director_client.get(f"{BASE}compliance.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:6] == [
        "trainee",
        "email",
        "external_id",
        "cohort",
        "enrollment_status",
        "status",
    ]
    assert [v[0] for v in values[1:]] == ["Oli Othertrainee", "Tess Trainee"]
    flat = " ".join(str(v) for row in values for v in row)
    assert PRIVATE_PROVIDER not in flat and PRIVATE_NOTES not in flat


def test_pdf_report_as_of_a_date(director_client):
    response = director_client.get(f"{BASE}report.pdf?as_of=2026-05-31")

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Compliance report: Riverside MFT" in text
    assert "as of 2026-05-31" in text
    assert "Tess Trainee" in text and "Oli Othertrainee" in text
    assert PRIVATE_PROVIDER not in text and PRIVATE_NOTES not in text


@pytest.mark.parametrize("name", ["compliance.csv", "compliance.xlsx", "report.pdf"])
def test_exports_are_404_outside_scope(login_as, other_director, supervisor, name, enrollment):
    assert login_as(other_director).get(f"{BASE}{name}").status_code == 404
    assert login_as(supervisor).get(f"{BASE}{name}").status_code == 404
