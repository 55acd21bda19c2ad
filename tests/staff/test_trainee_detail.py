from datetime import date

import pytest

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.models import Enrollment, LeaveOfAbsence, RequirementWaiver
from trainees.services.enrollments import LEAVE_OUTSIDE_ENROLLMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(enrollment):
    return f"/programs/riverside-mft/enrollments/{enrollment.pk}/"


def test_detail_explains_compliance_without_private_details(
    login_as, director, url, private_session, client_session, category, trainee, refresh
):
    SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 3),
        category=category("client_individual"),
        status="verified",
        verified_by=director,
        verified_at="2026-06-04T10:00:00Z",
        duration_minutes=90,
    )
    refresh(trainee)

    page = login_as(director).get(url)
    html = page.content.decode()

    assert PRIVATE_PROVIDER not in html
    assert PRIVATE_NOTES not in html
    detail = page.context["detail"]
    client_lines = next(r for r in detail.requirements if r.result.key == "client_contact").lines
    assert [(line.date, line.credited) for line in client_lines] == [
        (date(2026, 6, 8), None),
        (date(2026, 6, 3), 90),
    ]
    therapy_lines = next(r for r in detail.requirements if r.result.key == "therapy_sessions").lines
    # Self-reported therapy counts when submitted; staff see one folded total, no date.
    assert [(line.date, line.sessions, line.credited) for line in therapy_lines] == [(None, 1, 1)]
    assert [s.pk for s in detail.sessions] == [client_session.pk, client_session.pk + 1]
    assert [(t.category, t.status, t.sessions, t.minutes) for t in detail.private_totals] == [
        ("Personal therapy", "submitted", 1, 50)
    ]


def test_credited_private_sessions_are_folded_into_a_total(
    login_as, director, url, trainee, category, refresh
):
    for day in (1, 8):
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, day),
            category=category("personal_therapy"),
            provider_name=PRIVATE_PROVIDER,
            notes=PRIVATE_NOTES,
            status="verified",
            verified_by=director,
            verified_at="2026-06-09T10:00:00Z",
        )
    refresh(trainee)

    page = login_as(director).get(url)

    lines = next(
        r for r in page.context["detail"].requirements if r.result.key == "therapy_sessions"
    ).lines
    assert [(line.date, line.sessions, line.credited) for line in lines] == [(None, 2, 2)]
    assert PRIVATE_PROVIDER not in page.content.decode()


def test_recording_a_leave_changes_the_status(
    login_as, director, url, enrollment, refresh, trainee
):
    refresh(trainee)
    client = login_as(director)
    assert client.get(url).context["detail"].result.status == "behind"

    response = client.post(
        f"{url}leaves/", {"start_date": "2026-01-05", "end_date": "2026-06-15", "reason": "Illness"}
    )

    assert response.status_code == 302
    assert LeaveOfAbsence.objects.get(enrollment=enrollment).reason == "Illness"
    assert Enrollment.objects.get(pk=enrollment.pk).snapshot.status != "behind"
    assert client.get(url).context["detail"].result.status != "behind"
    history = Enrollment.objects.get(pk=enrollment.pk).leaves.get().history.first()
    assert history.history_user == director


def test_a_leave_outside_the_enrollment_is_refused_and_nothing_changes(
    login_as, director, url, enrollment
):
    response = login_as(director).post(
        f"{url}leaves/", {"start_date": "2025-01-01", "end_date": "2025-02-01"}
    )

    assert response.status_code == 400
    assert response.context["leave_form"].errors == {"start_date": [LEAVE_OUTSIDE_ENROLLMENT]}
    assert not LeaveOfAbsence.objects.exists()


def test_expected_end_and_completion(login_as, director, url, enrollment):
    client = login_as(director)

    client.post(f"{url}expected-end/", {"expected_end_date": "2027-06-30"})
    client.post(f"{url}end/", {"outcome": "completed", "on": "2026-06-15"})

    enrollment.refresh_from_db()
    assert (enrollment.expected_end_date, enrollment.status, enrollment.ended_on) == (
        date(2027, 6, 30),
        "completed",
        date(2026, 6, 15),
    )


def test_waiving_a_requirement_needs_a_reason_and_makes_it_met(
    login_as, director, url, enrollment, trainee, refresh
):
    refresh(trainee)
    client = login_as(director)

    refused = client.post(f"{url}waivers/", {"requirement_key": "therapy_sessions", "reason": ""})
    assert refused.status_code == 400
    assert not RequirementWaiver.objects.exists()

    client.post(
        f"{url}waivers/",
        {"requirement_key": "therapy_sessions", "reason": "Prior analysis accepted"},
    )

    row = Enrollment.objects.get(pk=enrollment.pk).requirement_statuses.get(key="therapy_sessions")
    assert row.status == "met"
    waiver = RequirementWaiver.objects.get()
    assert (waiver.created_by, waiver.reason) == (director, "Prior analysis accepted")


def test_adjusting_an_hour_minimum_takes_hours(
    login_as, director, url, enrollment, trainee, refresh
):
    refresh(trainee)

    login_as(director).post(
        f"{url}waivers/",
        {"requirement_key": "client_contact", "minimum": "5", "reason": "Transfer credit"},
    )

    assert RequirementWaiver.objects.get().minimum == 300
    row = Enrollment.objects.get(pk=enrollment.pk).requirement_statuses.get(key="client_contact")
    assert row.required == 300


def test_other_director_cannot_change_this_enrollment(login_as, other_director, url, enrollment):
    client = login_as(other_director)

    assert (
        client.post(
            f"{url}leaves/", {"start_date": "2026-02-01", "end_date": "2026-02-10"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"{url}end/", {"outcome": "withdrawn", "on": "2026-06-15"}).status_code == 404
    )
    assert not LeaveOfAbsence.objects.exists()
    assert Enrollment.objects.get(pk=enrollment.pk).status == "active"
