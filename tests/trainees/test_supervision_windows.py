"""A supervisor sees a trainee's sessions dated within their assignment, and the trainee's
enrollment only while the assignment has not ended; what they verified or provided stays theirs.
Today is 15 June 2026 (frozen_today)."""

from datetime import date

import pytest

from programs.models import ProgramRole
from tests.factories import (
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    UserFactory,
)
from trainees.selectors.access import enrollments_visible_to, sessions_visible_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def locum(program):
    user = UserFactory(email="locum@example.org", full_name="Lou Locum")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.SUPERVISOR)
    return user


@pytest.fixture
def by_month(trainee):
    """A client session on the 10th of January to June."""
    return {
        month: SessionFactory(trainee=trainee, date=date(2026, month, 10)) for month in range(1, 7)
    }


def visible_months(user, by_month) -> list[int]:
    ids = set(sessions_visible_to(user).values_list("pk", flat=True))
    return [month for month, session in by_month.items() if session.pk in ids]


def test_a_supervisor_who_took_over_in_march_sees_from_march(locum, enrollment, by_month):
    SupervisorAssignmentFactory(enrollment=enrollment, supervisor=locum, starts_on=date(2026, 3, 1))

    assert visible_months(locum, by_month) == [3, 4, 5, 6]
    assert list(enrollments_visible_to(locum)) == [enrollment]


def test_an_ended_assignment_keeps_its_window_and_loses_the_enrollment(locum, enrollment, by_month):
    SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=locum,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 4, 30),
    )

    assert visible_months(locum, by_month) == [2, 3, 4]
    assert list(enrollments_visible_to(locum)) == []


def test_an_assignment_ending_today_still_counts_today(locum, enrollment, by_month):
    SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=locum,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 15),
    )

    assert visible_months(locum, by_month) == [5, 6]
    assert list(enrollments_visible_to(locum)) == [enrollment]


def test_what_they_verified_or_provided_stays_visible_outside_any_assignment(
    locum, trainee, by_month
):
    signed = SessionFactory(
        trainee=trainee,
        date=date(2026, 1, 20),
        status="verified",
        verified_by=locum,
        verified_at="2026-01-21T10:00:00Z",
    )
    provided = SessionFactory(trainee=trainee, date=date(2026, 1, 21), provider=locum)

    ids = set(sessions_visible_to(locum).values_list("pk", flat=True))

    assert ids == {signed.pk, provided.pk}


def test_a_former_supervisor_gets_404_for_the_enrollment_over_the_api(
    api_client, locum, enrollment
):
    from accounts.services.tokens import personal_token_create

    SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=locum,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 4, 30),
    )
    _, issued = personal_token_create(user=locum, name="test")

    response = api_client.get(
        f"/api/v1/enrollments/{enrollment.pk}/", HTTP_AUTHORIZATION=f"Bearer {issued.raw}"
    )

    assert response.status_code == 404


def test_an_assignment_ends_at_midnight_on_the_programs_calendar(
    locum, enrollment, by_month, program
):
    """A Los Angeles program: at 23:30 on the last day there (06:30 the next day in UTC) the
    assignment has not ended yet; half an hour later it has."""
    import time_machine
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no time zones: there the day ends at midnight UTC")

    program.time_zone = "America/Los_Angeles"
    program.save()
    SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=locum,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 15),
    )

    with time_machine.travel("2026-06-16 06:30:00+00:00", tick=False):
        assert list(enrollments_visible_to(locum)) == [enrollment]
    with time_machine.travel("2026-06-16 07:00:00+00:00", tick=False):
        assert list(enrollments_visible_to(locum)) == []
