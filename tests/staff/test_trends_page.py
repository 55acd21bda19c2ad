"""The cohort trend page: who may see it, what it shows, and what it costs."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import ProgramRole
from tests.factories import CohortFactory, EnrollmentFactory, ProgramRoleFactory, UserFactory
from trainees.models import WeeklyStatus

pytestmark = pytest.mark.django_db

URL = "/programs/riverside-mft/trends/"


def put(enrollment, monday: date, status: str) -> None:
    WeeklyStatus.objects.create(
        enrollment=enrollment,
        week_start=monday,
        status=status,
        as_of=monday + timedelta(days=6),
        recorded_at=datetime(2026, 6, 1, tzinfo=UTC),
    )


@pytest.fixture
def history(program, enrollment, other_trainee):
    """Spring: Tess and Oli over three weeks; Autumn: one trainee over the last two weeks."""
    spring = CohortFactory(
        program=program, slug="spring", name="Spring 2026", starts_on=date(2026, 1, 5)
    )
    autumn = CohortFactory(
        program=program, slug="autumn", name="Autumn 2025", starts_on=date(2025, 9, 1)
    )
    oli = other_trainee.enrollments.get()
    for e in (enrollment, oli):
        e.cohort = spring
        e.save()
    for monday, tess, oli_status in (
        (date(2026, 5, 25), "not_started", "not_started"),
        (date(2026, 6, 1), "on_track", "at_risk"),
        (date(2026, 6, 8), "behind", "met"),
    ):
        put(enrollment, monday, tess)
        put(oli, monday, oli_status)
    veteran = EnrollmentFactory(program=program, cohort=autumn)
    put(veteran, date(2026, 6, 8), "behind")
    put(veteran, date(2026, 6, 15), "on_track")
    return {"spring": spring, "autumn": autumn}


def sections(html: str) -> dict[str, str]:
    """Each cohort's section of the page, by cohort slug."""
    parts = re.split(r'<section class="card" aria-labelledby="trend-\d+" data-cohort="', html)
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts[1:]}


def table_rows(section: str) -> list[list[str]]:
    rows = re.findall(r'<tr data-week="[^"]+">(.*?)</tr>', section, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


# Who may see it


@pytest.fixture
def coordinator(program):
    user = UserFactory(email="coordinator@example.org")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.COORDINATOR)
    return user


def test_signed_out_visitors_are_sent_to_sign_in(client, program):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(f"/accounts/login/?next={URL}")


@pytest.mark.parametrize("persona", ["director", "coordinator", "staff"])
def test_the_programs_managers_and_site_staff_see_it(request, login_as, history, persona):
    user = (
        UserFactory(email="staff@example.org", is_staff=True)
        if persona == "staff"
        else request.getfixturevalue(persona)
    )

    response = login_as(user).get(URL)

    assert response.status_code == 200
    assert set(sections(response.content.decode())) == {"spring", "autumn"}


@pytest.mark.parametrize("persona", ["other_director", "supervisor", "trainee"])
def test_everyone_else_gets_404(request, login_as, history, persona):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)  # the trainee fixture is a Trainee

    assert login_as(user).get(URL).status_code == 404


def test_a_program_that_does_not_exist_is_404_too(login_as, director):
    assert login_as(director).get("/programs/nowhere/trends/").status_code == 404


def test_the_overview_links_to_it(login_as, director):
    page = login_as(director).get("/programs/riverside-mft/").content.decode()

    assert f'<a href="{URL}">Trends</a>' in page


# What it shows


def test_a_table_row_per_week_with_exact_counts_and_shares(login_as, director, history):
    html = login_as(director).get(URL).content.decode()

    found = sections(html)
    assert table_rows(found["spring"]) == [
        ["25 May 2026", "2", "2", "0", "0", "100 %"],
        ["1 Jun 2026", "2", "1", "1", "0", "50 %"],
        ["8 Jun 2026", "2", "1", "0", "1", "50 %"],
    ]
    assert table_rows(found["autumn"]) == [
        ["8 Jun 2026", "1", "0", "0", "1", "0 %"],
        ["15 Jun 2026", "1", "1", "0", "0", "100 %"],
    ]
    # Newest cohort first, like the cohort filter.
    assert list(found) == ["spring", "autumn"]


def test_an_svg_per_cohort_with_a_point_per_recorded_week(login_as, director, history):
    html = login_as(director).get(URL).content.decode()

    found = sections(html)
    assert [s.count("<svg") for s in found.values()] == [1, 1]
    assert found["spring"].count("<circle") == 3
    assert found["autumn"].count("<circle") == 2
    # Four weeks on the shared axis (25 May to 15 June): 430 units over 3 steps.
    assert '<polyline points="40.0,10.0 183.3,93.0 326.7,93.0"' in found["spring"]
    assert '<polyline points="326.7,176.0 470.0,10.0"' in found["autumn"]
    assert "<title>Week of 1 Jun 2026: 1 of 2 on track (50 %)</title>" in found["spring"]
    assert (
        'aria-label="Spring 2026: share of trainees on track each week, from 100 % in the week of '
        '25 May 2026 to 50 % in the week of 8 Jun 2026"' in found["spring"]
    )
    assert "On track means an overall status of on track, met, or not started" in html
    assert "Weekly history starts on 25 May 2026." in html


def test_filtering_by_cohort(login_as, director, history):
    response = login_as(director).get(f"{URL}?cohort=autumn")

    found = sections(response.content.decode())
    assert list(found) == ["autumn"]
    assert len(table_rows(found["autumn"])) == 2


@pytest.mark.parametrize(
    ("period", "first_week", "weeks"),
    [
        ("12", "25 May 2026", 3),
        ("26", "5 Jan 2026", 4),
        ("52", "1 Sep 2025", 5),
        ("all", "16 Jun 2025", 6),
    ],
)
def test_filtering_by_period(login_as, director, enrollment, history, period, first_week, weeks):
    # given: older weeks (today is Monday 15 June 2026; 16 June 2025 is 52 weeks back)
    for monday in (date(2025, 6, 16), date(2025, 9, 1), date(2026, 1, 5)):
        put(enrollment, monday, "on_track")

    response = login_as(director).get(f"{URL}?period={period}")

    rows = table_rows(sections(response.content.decode())["spring"])
    assert (rows[0][0], len(rows)) == (first_week, weeks)


def test_the_last_12_weeks_start_11_weeks_before_this_one(login_as, director, enrollment):
    put(enrollment, date(2026, 3, 23), "behind")  # 12 weeks back: out
    put(enrollment, date(2026, 3, 30), "on_track")  # 11 weeks back: in

    html = login_as(director).get(f"{URL}?period=12").content.decode()

    assert [row[0] for row in table_rows(sections(html)[""])] == ["30 Mar 2026"]


def test_an_unknown_cohort_is_a_form_error_and_shows_everything(login_as, director, history):
    response = login_as(director).get(f"{URL}?cohort=nope")

    assert "nope is not one of the available choices" in response.content.decode()
    assert set(sections(response.content.decode())) == {"spring", "autumn"}


def test_before_any_recording_the_page_says_when_history_starts(login_as, director, enrollment):
    html = login_as(director).get(URL).content.decode()

    assert "<svg" not in html
    assert "No weekly statuses recorded yet. Weekly history starts on 15 Jun 2026" in html


def test_an_empty_selection_says_so(login_as, director, history):
    html = login_as(director).get(f"{URL}?cohort=autumn&period=12").content.decode()
    assert "<svg" in html

    CohortFactory(program=history["spring"].program, slug="empty", name="Empty")
    html = login_as(director).get(f"{URL}?cohort=empty").content.decode()

    assert "<svg" not in html
    assert "No weeks recorded for this selection. Weekly history starts on 25 May 2026" in html


def test_other_programs_rows_do_not_count(login_as, director, history, other_program):
    put(EnrollmentFactory(program=other_program), date(2026, 6, 8), "met")

    html = login_as(director).get(URL).content.decode()

    assert set(sections(html)) == {"spring", "autumn"}
    assert "Weekly history starts on 25 May 2026." in html


# What it costs


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_same_queries_for_one_cohort_or_many(login_as, director, program, enrollment):
    client = login_as(director)
    put(enrollment, date(2026, 6, 8), "on_track")
    few = _count(client, URL)

    for i in range(6):
        cohort = CohortFactory(program=program, slug=f"c{i}", name=f"Cohort {i}")
        for _ in range(4):
            e = EnrollmentFactory(program=program, cohort=cohort)
            for k in range(10):
                put(e, date(2026, 4, 6) + timedelta(weeks=k), "behind" if k % 3 else "met")
    many = _count(client, URL)

    html = client.get(URL).content.decode()
    assert len(sections(html)) == 7
    assert few == many
