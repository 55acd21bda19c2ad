"""The program report: every enrollment's compliance, from snapshots or computed as of a date, as
cursor-paginated JSON or as CSV, in a number of queries that does not grow with the program.

Today is Monday 15 June 2026, noon UTC (frozen). Rules are tests.factories.SIMPLE_DEFINITION
(600 countersigned client minutes; 4 personal-therapy sessions). The enrollments run
2026-01-05..2027-01-03 (364 days): on day 162, 267 minutes and 1 session are expected.

The scenario:
- Tess (S-1, cohort spring): 300 verified client minutes in May and 2 therapy sessions in June:
  on track; at her pace the rest takes another 162 days, to 2026-11-24.
- Oli (cohort autumn): nothing logged: behind.
- Wes (no cohort): withdrew on 2026-05-01 with nothing logged; his window closed, so the whole
  minimum is expected by now: behind.
"""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import ActivityCategory
from tests.api.errors import invalid, not_found
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.services.compliance import snapshots_refresh_all

pytestmark = pytest.mark.usefixtures("frozen_today")

REPORT = "/api/v1/programs/riverside-mft/report/"
HEADER = (
    "enrollment,trainee,external_id,full_name,cohort,enrollment_status,status,as_of,"
    "requirement,requirement_status,unit,credited,required,expected_by_now,"
    "projected_completion,advisory"
)


def line(key: str, status: str, credited: int, expected: int, completion=None) -> dict:
    minutes = key == "client_contact"
    return {
        "key": key,
        "name": "Client contact" if minutes else "Personal therapy sessions",
        "status": status,
        "unit": "minutes" if minutes else "sessions",
        "required": 600 if minutes else 4,
        "credited": credited,
        "expected_by_now": expected,
        "projected_completion": completion,
        "advisory": False,
    }


@pytest.fixture
def scenario(program, trainee, enrollment, other_trainee, supervisor):
    spring = CohortFactory(program=program, slug="spring", name="Spring 2026")
    autumn = CohortFactory(program=program, slug="autumn", name="Autumn 2026")
    trainee.external_id = "S-1"
    trainee.save()
    enrollment.cohort = spring
    enrollment.save()
    oli = other_trainee.enrollments.get()
    oli.cohort = autumn
    oli.save()
    verified = {"status": "verified", "verified_by": supervisor, "verified_at": "2026-06-12T10:00Z"}
    for day in range(1, 7):
        SessionFactory(trainee=trainee, date=date(2026, 5, day), **verified)
    therapy = ActivityCategory.objects.get(key="personal_therapy")
    for day in (3, 10):
        SessionFactory(trainee=trainee, date=date(2026, 6, day), category=therapy, **verified)
    wes = EnrollmentFactory(
        trainee=TraineeFactory(
            user=UserFactory(email="wes@example.org", full_name="Wes Withdrawn")
        ),
        program=program,
        status="withdrawn",
        ended_on=date(2026, 5, 1),
    )
    snapshots_refresh_all()
    return {"tess": enrollment, "oli": oli, "wes": wes}


def rows(scenario) -> dict[str, dict]:
    tess, oli, wes = scenario["tess"], scenario["oli"], scenario["wes"]
    return {
        "tess": {
            "enrollment": tess.pk,
            "trainee": tess.trainee_id,
            "external_id": "S-1",
            "full_name": "Tess Trainee",
            "cohort": "spring",
            "enrollment_status": "active",
            "status": "on_track",
            "as_of": "2026-06-15",
            "requirements": [
                line("client_contact", "on_track", 300, 267, "2026-11-24"),
                line("therapy_sessions", "on_track", 2, 1, "2026-11-24"),
            ],
        },
        "oli": {
            "enrollment": oli.pk,
            "trainee": oli.trainee_id,
            "external_id": None,
            "full_name": "Oli Othertrainee",
            "cohort": "autumn",
            "enrollment_status": "active",
            "status": "behind",
            "as_of": "2026-06-15",
            "requirements": [
                line("client_contact", "behind", 0, 267),
                line("therapy_sessions", "behind", 0, 1),
            ],
        },
        "wes": {
            "enrollment": wes.pk,
            "trainee": wes.trainee_id,
            "external_id": None,
            "full_name": "Wes Withdrawn",
            "cohort": None,
            "enrollment_status": "withdrawn",
            "status": "behind",
            "as_of": "2026-06-15",
            "requirements": [
                line("client_contact", "behind", 0, 600),
                line("therapy_sessions", "behind", 0, 4),
            ],
        },
    }


@pytest.fixture
def as_director(api_client, director):
    api_client.force_login(director)
    return api_client


def test_the_report_lists_every_enrollment_from_snapshots(as_director, scenario):
    response = as_director.get(REPORT)

    assert response.status_code == 200
    expected = rows(scenario)
    assert response.json() == {
        "next": None,
        "results": [expected["tess"], expected["oli"], expected["wes"]],
    }


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ({"cohort": "spring"}, ["tess"]),
        ({"cohort": "nobody"}, []),
        ({"status": "behind"}, ["oli", "wes"]),
        ({"status": "on_track"}, ["tess"]),
        ({"enrollment_status": "withdrawn"}, ["wes"]),
        ({"enrollment_status": "active", "status": "behind"}, ["oli"]),
        ({"requirement": "client_contact"}, ["tess", "oli", "wes"]),
        ({"requirement": "therapy_sessions", "status": "on_track"}, ["tess"]),
        ({"requirement": "therapy_sessions", "status": "behind"}, ["oli", "wes"]),
        ({"requirement": "no_such_requirement"}, []),
    ],
)
def test_the_report_filters(as_director, scenario, query, who):
    response = as_director.get(REPORT, query)

    expected = rows(scenario)
    assert response.json() == {"next": None, "results": [expected[name] for name in who]}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (
            {"status": "fine"},
            {"status": ['"fine" is not a valid choice.']},
        ),
        (
            {"enrollment_status": "graduated"},
            {"enrollment_status": ['"graduated" is not a valid choice.']},
        ),
        (
            {"as_of": "yesterday"},
            {"as_of": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"page_size": "0"}, {"page_size": ["Ensure this value is greater than or equal to 1."]}),
        ({"cursor": "not-ours"}, {"cursor": ["Invalid cursor."]}),
    ],
)
def test_bad_report_parameters_are_field_errors(as_director, scenario, query, fields):
    response = as_director.get(REPORT, query)

    assert response.status_code == 400
    assert response.json() == invalid(fields)


def test_the_report_as_of_a_date_is_computed_for_that_date(as_director, scenario):
    response = as_director.get(REPORT, {"as_of": "2026-03-01", "cohort": "spring"})

    # 1 March is day 56 of 364: 600 x 56 // 364 = 92 minutes expected and none logged yet.
    tess = rows(scenario)["tess"]
    assert response.json() == {
        "next": None,
        "results": [
            {
                **tess,
                "status": "behind",
                "as_of": "2026-03-01",
                "requirements": [
                    line("client_contact", "behind", 0, 92),
                    line("therapy_sessions", "on_track", 0, 0),
                ],
            }
        ],
    }


def test_the_report_as_of_a_date_filters_on_the_computed_status(as_director, scenario):
    response = as_director.get(REPORT, {"as_of": "2026-03-01", "status": "on_track"})

    assert response.json() == {"next": None, "results": []}


@pytest.fixture
def five_enrollments(program, enrollment, other_trainee):
    for n in range(3):
        EnrollmentFactory(
            trainee=TraineeFactory(user=UserFactory(email=f"extra{n}@example.org")),
            program=program,
        )
    snapshots_refresh_all()


@pytest.mark.parametrize("as_of", [None, "2026-06-15"])
def test_the_cursor_walks_every_row_once(as_director, five_enrollments, as_of):
    query = {"page_size": "2", **({"as_of": as_of} if as_of else {})}
    pages = [as_director.get(REPORT, query).json()]
    while pages[-1]["next"]:
        pages.append(as_director.get(pages[-1]["next"]).json())

    assert [len(page["results"]) for page in pages] == [2, 2, 1]
    assert pages[0]["next"].startswith(f"http://testserver{REPORT}?page_size=2")
    seen = [row["enrollment"] for page in pages for row in page["results"]]
    assert seen == sorted(set(seen))
    assert len(seen) == 5


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param({"HTTP_ACCEPT": "text/csv"}, id="accept-header"),
        pytest.param({"QUERY_STRING": "format=csv"}, id="format-parameter"),
    ],
)
def test_the_report_as_csv(as_director, scenario, ask):
    response = as_director.get(REPORT, **ask)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="riverside-mft-compliance.csv"'
    tess, oli, wes = scenario["tess"], scenario["oli"], scenario["wes"]
    t, o, w = tess.trainee_id, oli.trainee_id, wes.trainee_id
    assert csv_text(response).split("\r\n") == [
        HEADER,
        f"{tess.pk},{t},S-1,Tess Trainee,spring,active,on_track,2026-06-15,"
        "client_contact,on_track,minutes,300,600,267,2026-11-24,false",
        f"{tess.pk},{t},S-1,Tess Trainee,spring,active,on_track,2026-06-15,"
        "therapy_sessions,on_track,sessions,2,4,1,2026-11-24,false",
        f"{oli.pk},{o},,Oli Othertrainee,autumn,active,behind,2026-06-15,"
        "client_contact,behind,minutes,0,600,267,,false",
        f"{oli.pk},{o},,Oli Othertrainee,autumn,active,behind,2026-06-15,"
        "therapy_sessions,behind,sessions,0,4,1,,false",
        f"{wes.pk},{w},,Wes Withdrawn,,withdrawn,behind,2026-06-15,"
        "client_contact,behind,minutes,0,600,600,,false",
        f"{wes.pk},{w},,Wes Withdrawn,,withdrawn,behind,2026-06-15,"
        "therapy_sessions,behind,sessions,0,4,4,,false",
        "",
    ]


def test_the_csv_honours_filters_and_as_of(as_director, scenario):
    response = as_director.get(
        REPORT, {"format": "csv", "as_of": "2026-03-01", "enrollment_status": "withdrawn"}
    )

    # Wes's window is 2026-01-05..2026-05-01 (117 days); on day 56: 600 x 56 // 117 = 287.
    rows_ = list(csv.DictReader(io.StringIO(csv_text(response))))
    assert [
        (r["full_name"], r["as_of"], r["requirement"], r["expected_by_now"]) for r in rows_
    ] == [
        ("Wes Withdrawn", "2026-03-01", "client_contact", "287"),
        ("Wes Withdrawn", "2026-03-01", "therapy_sessions", "1"),
    ]


def test_the_report_is_for_the_programs_managers_and_keys_only(api_client, scenario, trainee):
    api_client.force_login(trainee.user)

    response = api_client.get(REPORT)

    assert response.json() == not_found()


def test_another_institutions_key_does_not_find_the_report(api_client, scenario, other_api_key):
    for ask in ({}, {"HTTP_ACCEPT": "text/csv"}):
        response = api_client.get(REPORT, HTTP_AUTHORIZATION=f"Api-Key {other_api_key.raw}", **ask)

        assert response.status_code == 404
    assert (
        api_client.get(REPORT, HTTP_AUTHORIZATION=f"Api-Key {other_api_key.raw}").json()
        == not_found()
    )


def test_the_institutions_key_reads_the_report(api_client, scenario, api_key):
    response = api_client.get(REPORT, HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")

    assert [row["full_name"] for row in response.json()["results"]] == [
        "Tess Trainee",
        "Oli Othertrainee",
        "Wes Withdrawn",
    ]


# --- A constant number of queries ---------------------------------------------------------------


def enroll_with_a_session(program, supervisor, numbers: range) -> None:
    for n in numbers:
        trainee = TraineeFactory(user=UserFactory(email=f"bulk{n}@example.org"))
        EnrollmentFactory(trainee=trainee, program=program)
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, 1),
            status="verified",
            verified_by=supervisor,
            verified_at="2026-06-02T10:00Z",
        )
    snapshots_refresh_all()


def queries_for(client, query: dict) -> tuple[int, int]:
    """(queries, rows) for one report request, reading a CSV body to its end inside the count."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, query)
        if query.get("format") == "csv":
            count = len(csv_text(response).strip().split("\r\n")) - 1
        else:
            count = len(response.json()["results"])
    assert response.status_code == 200
    return len(captured.captured_queries), count


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({}, id="json"),
        pytest.param({"format": "csv"}, id="csv"),
        pytest.param({"as_of": "2026-06-15"}, id="json-as-of"),
        pytest.param({"format": "csv", "as_of": "2026-06-15"}, id="csv-as-of"),
    ],
)
def test_the_report_costs_the_same_queries_for_3_or_30_enrollments(
    api_client, program, supervisor, api_key, query
):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")
    lines_per_row = 2 if query.get("format") == "csv" else 1
    enroll_with_a_session(program, supervisor, range(3))
    api_client.get(REPORT)  # the key's first use records it; later ones within the minute do not
    small, small_rows = queries_for(api_client, query)

    enroll_with_a_session(program, supervisor, range(3, 30))
    large, large_rows = queries_for(api_client, query)

    assert (small_rows, large_rows) == (3 * lines_per_row, 30 * lines_per_row)
    assert small == large
    assert large <= 10
