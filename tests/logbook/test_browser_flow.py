"""The trainee's path end to end in a real browser: invitation to a credited hour on a PDF."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from programs.models import ProgramRole
from tests.browser import browser_page
from tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    ProgramRoleFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import Session
from trainees.services.compliance import trainee_snapshots_refresh
from trainees.services.countersign import session_countersign
from trainees.services.enrollments import enrollment_invite

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page():
    with browser_page(accept_downloads=True) as opened:
        yield opened


@pytest.fixture
def cast():
    today = timezone.now().date()
    program = ProgramFactory(slug="browser-mft", name="Browser MFT")
    supervisor = UserFactory(email="sup@example.org", full_name="Sam Supervisor")
    ProgramRoleFactory(program=program, user=supervisor, role=ProgramRole.Role.SUPERVISOR)
    trainee = TraineeFactory(
        user=UserFactory(email="new.trainee@example.org", full_name="Nora Newcomer", password=None)
    )
    enrollment = EnrollmentFactory(
        trainee=trainee,
        program=program,
        start_date=today - timedelta(days=60),
        expected_end_date=today + timedelta(days=300),
    )
    SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=supervisor, starts_on=enrollment.start_date
    )
    trainee_snapshots_refresh(trainee_id=trainee.pk)
    return {"trainee": trainee, "enrollment": enrollment, "supervisor": supervisor}


def _client_contact(page):
    return page.locator('[data-requirement="client_contact"]')


def test_invitation_to_credited_hour_on_the_transcript(page, live_server, cast, tmp_path):
    issued = enrollment_invite(enrollment=cast["enrollment"])

    # Invitation: set a password, land signed in on the dashboard.
    page.goto(f"{live_server.url}/accounts/invitation/{issued.token}/")
    page.locator("#id_new_password1").fill("a-long-browser-passphrase")
    page.locator("#id_new_password2").fill("a-long-browser-passphrase")
    page.get_by_role("button", name="Set password and continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert _client_contact(page).get_attribute("data-credited") == "0"
    assert _client_contact(page).get_attribute("data-pending") == "0"

    # Log a session as a draft: the bar shows it as logged but not counted.
    page.get_by_role("link", name="Log a session").first.click()
    page.get_by_label("Category").select_option(label="Direct client contact: individual")
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_label("Send for verification now").uncheck()
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(f"{live_server.url}/")
    assert (
        "Logged 1 h of Direct client contact: individual" in page.locator(".messages").inner_text()
    )
    assert _client_contact(page).get_attribute("data-pending") == "60"
    assert _client_contact(page).locator(".pending").count() == 1
    assert "Logged, not counted yet: 1 h" in _client_contact(page).inner_text()

    # Submit it.
    page.get_by_role("link", name="View or change it").click()
    page.get_by_role("button", name="Submit for verification").click()
    assert "Waiting for verification" in page.locator("h1 + .status").inner_text()

    # The supervisor countersigns (through the service layer).
    session = Session.objects.get(trainee=cast["trainee"])
    session_countersign(session=session, supervisor=cast["supervisor"])

    # Credited now, and explained on demand.
    page.goto(f"{live_server.url}/")
    assert _client_contact(page).get_attribute("data-credited") == "60"
    assert "1 h of 10 h" in _client_contact(page).locator(".figures").inner_text()
    _client_contact(page).locator("summary").click()
    page.wait_for_selector('[data-requirement="client_contact"] .explain-body table')
    assert "1 h" in _client_contact(page).locator(".explain-body table").inner_text()

    # The PDF transcript says so.
    page.get_by_role("link", name="Transcript").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF transcript").click()
    path = tmp_path / "transcript.pdf"
    download.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Nora Newcomer" in text
    assert "Browser MFT" in text
    assert "Sam Supervisor" in text
    assert "Client contact" in text
    assert "1 h" in text
