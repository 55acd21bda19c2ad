from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    TraineeFactory,
    UserFactory,
)
from tests.snapshots import settle_snapshots
from trainees.services.compliance import snapshots_refresh
from trainees.services.countersign import session_countersign

pytestmark = pytest.mark.django_db

URL = "/programs/riverside-mft/"


@pytest.fixture
def cast(trainee, other_trainee, refresh, supervisor, category):
    """Tess is behind; Oli has 10 verified hours (client contact met)."""
    for day in range(1, 11):
        session = SessionFactory(
            trainee=other_trainee,
            date=date(2026, 3, day),
            duration_minutes=60,
            category=category("client_individual"),
            status="submitted",
        )
        other_trainee.user.refresh_from_db()
    refresh(trainee)
    refresh(other_trainee)
    from trainees.models import Session

    reviewer = UserFactory(email="reviewer@example.org")
    from tests.factories import SupervisorAssignmentFactory

    SupervisorAssignmentFactory(
        enrollment=other_trainee.enrollments.get(), supervisor=reviewer, starts_on=date(2026, 1, 5)
    )
    for session in Session.objects.filter(trainee=other_trainee):
        session_countersign(session=session, supervisor=reviewer)
    settle_snapshots()
    return {"behind": trainee, "fine": other_trainee, "reviewer": reviewer, "last": session}


def test_director_sees_behind_first_with_how_far_behind(login_as, director, cast):
    page = login_as(director).get(URL)

    attention = page.context["attention"]
    shortfalls = {
        row.enrollment.trainee.user.full_name: {
            s.requirement.key: s.behind_by for s in row.shortfalls
        }
        for row in attention
    }
    assert shortfalls == {
        "Oli Othertrainee": {"therapy_sessions": 1},
        "Tess Trainee": {"client_contact": 267, "therapy_sessions": 1},
    }
    assert "Client contact: 4 h 27 min (behind since 15 Jun 2026)" in page.content.decode()


def test_matrix_has_a_cell_per_requirement(login_as, director, cast):
    page = login_as(director).get(URL)

    overview = page.context["overview"]
    assert [c.key for c in overview.columns] == ["client_contact", "therapy_sessions"]
    cells = {
        row.enrollment.trainee.user.full_name: [(c.status, c.credited) for c in row.cells]
        for row in overview.rows
    }
    assert cells == {
        "Oli Othertrainee": [("met", 600), ("behind", 0)],
        "Tess Trainee": [("behind", 0), ("behind", 0)],
    }


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=tess", ["Tess Trainee"]),
        ("q=OTHER.trainee@", ["Oli Othertrainee"]),
        ("requirement=client_contact&status=met", ["Oli Othertrainee"]),
        ("requirement=client_contact&status=behind", ["Tess Trainee"]),
        ("status=behind", ["Oli Othertrainee", "Tess Trainee"]),
        ("sort=-name", ["Tess Trainee", "Oli Othertrainee"]),
        ("supervisor={supervisor}", ["Tess Trainee"]),
        ("supervisor={reviewer}", ["Oli Othertrainee"]),
        ("cohort=spring", ["Tess Trainee"]),
        ("enrollments=completed", []),
    ],
)
def test_matrix_filters_and_sorts(login_as, director, cast, supervisor, query, names):
    cohort = CohortFactory(
        program=cast["behind"].enrollments.get().program, slug="spring", name="Spring"
    )
    cast["behind"].enrollments.update(cohort=cohort)
    query = query.format(supervisor=supervisor.pk, reviewer=cast["reviewer"].pk)

    page = login_as(director).get(f"{URL}?{query}")

    assert [row.enrollment.trainee.user.full_name for row in page.context["overview"].rows] == names


def test_another_programs_director_gets_404(login_as, other_director, cast, enrollment):
    client = login_as(other_director)

    for url in (
        URL,
        f"{URL}enrollments/{enrollment.pk}/",
        f"{URL}exports/compliance.csv",
        f"{URL}exports/report.pdf",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["supervisor", "trainee"])
def test_supervisors_and_trainees_have_no_overview(request, login_as, persona, enrollment):
    person = request.getfixturevalue(persona)
    client = login_as(getattr(person, "user", person))

    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}enrollments/{enrollment.pk}/").status_code == 404


def test_director_lands_on_their_programs(login_as, director):
    response = login_as(director).get("/")

    assert response.url == "/programs/"
    assert "Riverside MFT" in login_as(director).get("/programs/").content.decode()


def test_overview_query_count_is_constant_as_trainees_grow(login_as, director, program, cast):
    client = login_as(director)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}?sort=status").status_code == 200
        return len(queries)

    few = count()
    cohort = CohortFactory(program=program)
    new = [
        EnrollmentFactory(trainee=TraineeFactory(), program=program, cohort=cohort)
        for _ in range(60)
    ]
    snapshots_refresh(enrollments=new)

    assert count() == few


@pytest.mark.parametrize("persona", ["supervisor", "director", "other_director"])
def test_staff_start_pages_show_no_private_details(request, login_as, private_session, persona):
    client = login_as(request.getfixturevalue(persona))

    html = client.get("/", follow=True).content.decode()

    assert PRIVATE_PROVIDER not in html
    assert PRIVATE_NOTES not in html
