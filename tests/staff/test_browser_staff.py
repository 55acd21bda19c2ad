"""Staff paths in a real browser: a supervisor clears a week in one action; a director goes from
the overview to a behind trainee's explanation, records a leave and sees the status change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programs.models import ActivityCategory, ProgramRole
from tests.browser import browser_page
from tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import Session
from trainees.services.compliance import trainee_snapshots_refresh

# Transactional (the browser talks to a live server); the suite's conftest restores the
# category vocabulary that flushing removes.
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def page():
    with browser_page(accept_downloads=False) as opened:
        yield opened


@pytest.fixture
def cast():
    today = timezone.now().date()
    program = ProgramFactory(slug="browser-staff", name="Browser Staff Program")
    supervisor = UserFactory(email="sup@example.org", full_name="Sam Supervisor")
    ProgramRoleFactory(program=program, user=supervisor, role=ProgramRole.Role.SUPERVISOR)
    director = UserFactory(email="dir@example.org", full_name="Dana Director")
    ProgramRoleFactory(program=program, user=director, role=ProgramRole.Role.DIRECTOR)
    trainee = TraineeFactory(user=UserFactory(email="behind@example.org", full_name="Bea Behind"))
    enrollment = EnrollmentFactory(
        trainee=trainee,
        program=program,
        start_date=today - timedelta(days=200),
        expected_end_date=today + timedelta(days=165),
    )
    SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=supervisor, starts_on=enrollment.start_date
    )
    monday = today - timedelta(days=today.weekday() + 7)
    week = [
        SessionFactory(
            trainee=trainee,
            date=monday + timedelta(days=offset),
            duration_minutes=60,
            category=ActivityCategory.objects.get(key="client_individual"),
            status="submitted",
        )
        for offset in (0, 2, 4)
    ]
    trainee_snapshots_refresh(trainee_id=trainee.pk)
    return {"supervisor": supervisor, "director": director, "enrollment": enrollment, "week": week}


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_supervisor_countersigns_a_week_in_one_action(page, live_server, cast):
    sign_in(page, live_server, "sup@example.org")
    page.wait_for_url(f"{live_server.url}/supervise/")

    page.get_by_role("button", name="Verify whole week (3)").click()

    page.wait_for_selector(".messages")
    assert "Verified 3 sessions." in page.locator(".messages").inner_text()
    assert "Nothing is waiting for you." in page.content()
    assert {s.status for s in Session.objects.filter(pk__in=[s.pk for s in cast["week"]])} == {
        "verified"
    }


def test_director_finds_a_behind_trainee_records_a_leave_and_sees_the_status_change(
    page, live_server, cast
):
    enrollment = cast["enrollment"]
    sign_in(page, live_server, "dir@example.org")
    page.wait_for_url(f"{live_server.url}/programs/")
    page.get_by_role("link", name="Browser Staff Program").click()

    attention = page.locator("table.attention")
    assert "Bea Behind" in attention.inner_text()
    attention.get_by_role("link", name="Bea Behind").click()

    assert "Behind" in page.locator("#overall-status").inner_text()
    requirement = page.locator('[data-requirement="client_contact"]')
    requirement.locator("details.explain > summary").click()
    assert (
        "Not counted: waiting for verification"
        in requirement.locator("details.explain table").inner_text()
    )

    leave = page.get_by_role("form", name="Record a leave")
    leave.get_by_label("First day").fill(enrollment.start_date.isoformat())
    leave.get_by_label("Last day").fill(timezone.now().date().isoformat())
    leave.get_by_label("Reason").fill("Medical leave")
    leave.get_by_role("button", name="Record leave").click()

    page.wait_for_selector(".messages")
    assert "Leave recorded" in page.locator(".messages").inner_text()
    assert "Behind" not in page.locator("#overall-status").inner_text()
