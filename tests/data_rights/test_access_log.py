"""Every staff view of a trainee's record is logged, and only that trainee reads the log."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SessionFactory
from trainees.models import AccessLogEntry
from trainees.services.access_log import (
    API_ENROLLMENT_COMPLIANCE,
    API_SESSION_DETAIL,
    STAFF_TRAINEE_DETAIL,
)

pytestmark = pytest.mark.django_db


def _entries():
    return list(
        AccessLogEntry.objects.order_by("pk").values_list(
            "trainee_id", "enrollment_id", "user_id", "api_key_id", "viewer_name", "operation"
        )
    )


def test_staff_trainee_detail_is_logged_with_one_insert(login_as, director, enrollment, trainee):
    client = login_as(director)
    url = f"/programs/riverside-mft/enrollments/{enrollment.pk}/"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert _entries() == [
        (trainee.pk, enrollment.pk, director.pk, None, "Dana Director", STAFF_TRAINEE_DETAIL)
    ]
    inserts = [q for q in queries.captured_queries if "access" in q["sql"] and "INSERT" in q["sql"]]
    assert len(inserts) == 1


def test_a_forbidden_staff_view_logs_nothing(login_as, other_director, enrollment):
    response = login_as(other_director).get(f"/programs/riverside-mft/enrollments/{enrollment.pk}/")

    assert response.status_code == 404
    assert _entries() == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_staff_export_of_one_trainee_is_logged(
    login_as, director, enrollment, trainee, other_trainee, fmt
):
    path = "report.pdf" if fmt == "pdf" else f"compliance.{fmt}"

    response = login_as(director).get(f"/programs/riverside-mft/exports/{path}", {"q": "Tess"})

    assert response.status_code == 200
    assert [(e[0], e[1], e[5]) for e in _entries()] == [
        (trainee.pk, enrollment.pk, f"staff.export_{fmt}")
    ]


def test_a_program_wide_export_is_not_logged_per_trainee(
    login_as, director, trainee, other_trainee
):
    response = login_as(director).get("/programs/riverside-mft/exports/compliance.csv")

    assert response.status_code == 200
    assert _entries() == []


def test_api_compliance_by_key_is_logged_with_the_key(api_client, api_key, enrollment, trainee):
    response = api_client.get(
        f"/api/v1/enrollments/{enrollment.pk}/compliance/",
        HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}",
    )

    assert response.status_code == 200
    assert _entries() == [
        (
            trainee.pk,
            enrollment.pk,
            None,
            api_key.pk,
            "API key: Student records",
            API_ENROLLMENT_COMPLIANCE,
        )
    ]


def test_api_compliance_read_by_the_trainee_is_not_logged(api_client, personal_token, enrollment):
    response = api_client.get(
        f"/api/v1/enrollments/{enrollment.pk}/compliance/",
        HTTP_AUTHORIZATION=f"Bearer {personal_token.raw}",
    )

    assert response.status_code == 200
    assert _entries() == []


def test_api_session_detail_by_a_supervisor_is_logged(
    api_client, supervisor, trainee, category, frozen_today
):
    session = SessionFactory(
        trainee=trainee, date=date(2026, 6, 1), category=category("client_individual")
    )
    api_client.force_authenticate(supervisor)

    response = api_client.get(f"/api/v1/sessions/{session.pk}/")

    assert response.status_code == 200
    assert _entries() == [
        (trainee.pk, None, supervisor.pk, None, "Sam Supervisor", API_SESSION_DETAIL)
    ]


def test_api_session_detail_by_the_trainee_is_not_logged(api_client, trainee, category):
    session = SessionFactory(trainee=trainee, category=category("client_individual"))
    api_client.force_authenticate(trainee.user)

    response = api_client.get(f"/api/v1/sessions/{session.pk}/")

    assert response.status_code == 200
    assert _entries() == []


def test_the_trainee_reads_who_viewed_their_record(login_as, director, enrollment, trainee):
    login_as(director).get(f"/programs/riverside-mft/enrollments/{enrollment.pk}/")

    page = login_as(trainee.user).get("/privacy/access-log/")

    assert page.status_code == 200
    assert [(e.viewer_name, e.operation) for e in page.context["entries"]] == [
        ("Dana Director", STAFF_TRAINEE_DETAIL)
    ]
    assert "Dana Director" in page.content.decode()


def test_a_trainee_never_sees_another_trainees_entries(
    login_as, director, program, trainee, other_trainee
):
    other_enrollment = other_trainee.enrollments.get()
    login_as(director).get(f"/programs/riverside-mft/enrollments/{other_enrollment.pk}/")

    page = login_as(trainee.user).get("/privacy/access-log/")

    assert page.status_code == 200
    assert list(page.context["entries"]) == []
    assert "Dana Director" not in page.content.decode()


@pytest.mark.parametrize("persona", ["director", "supervisor", "other_director"])
def test_the_access_log_page_does_not_exist_for_staff(request, login_as, trainee, persona):
    response = login_as(request.getfixturevalue(persona)).get("/privacy/access-log/")

    assert response.status_code == 404


def test_the_access_log_page_needs_a_sign_in(client):
    response = client.get("/privacy/access-log/")

    assert response.status_code == 302
