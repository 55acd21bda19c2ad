from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.services.countersign import session_countersign

pytestmark = pytest.mark.django_db


def test_dashboard_shows_each_requirement_with_status_text_and_pace(trainee_client, enrollment):
    # when
    response = trainee_client.get("/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Client contact" in html
    assert "Personal therapy sessions" in html
    assert 'data-requirement="client_contact" data-credited="0" data-pending="0"' in html
    assert "0 min</strong> of 10 h" in html
    assert "Expected by now: 4 h 27 min" in html
    assert 'class="status status-behind">Behind<' in html


def test_banner_says_exactly_what_the_program_sees_of_private_categories(trainee_client):
    html = trainee_client.get("/").content.decode()

    assert "Personal therapy is private. Only you see who the provider is" in html
    assert "see only the totals that count toward each requirement" in html


def test_a_logged_draft_shows_as_pending_and_a_verified_one_as_credited(
    trainee_client, trainee, client_session, supervisor, refresh
):
    html = trainee_client.get("/").content.decode()
    assert 'data-requirement="client_contact" data-credited="0" data-pending="60"' in html
    assert "Logged, not counted yet: 1 h" in html

    client_session.status = "submitted"
    client_session.save()
    session_countersign(session=client_session, supervisor=supervisor)

    html = trainee_client.get("/").content.decode()
    assert 'data-requirement="client_contact" data-credited="60" data-pending="0"' in html
    assert "1 h</strong> of 10 h" in html


def test_explanation_lists_the_sessions_behind_the_number(
    trainee_client, enrollment, private_session, client_session
):
    url = reverse("logbook:requirement_explain", args=[enrollment.pk, "client_contact"])

    response = trainee_client.get(url, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "8 Jun 2026" in html
    assert "Not counted: draft, not submitted yet" in html
    assert reverse("logbook:session_detail", args=[client_session.pk]) in html


def test_explanation_of_another_trainees_enrollment_is_not_found(trainee_client, other_trainee):
    other = other_trainee.enrollments.get()

    url = reverse("logbook:requirement_explain", args=[other.pk, "client_contact"])

    assert trainee_client.get(url).status_code == 404


def test_unknown_requirement_is_not_found(trainee_client, enrollment):
    url = reverse("logbook:requirement_explain", args=[enrollment.pk, "nope"])

    assert trainee_client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "director", "other_director"])
def test_staff_never_see_private_details_on_the_home_page(
    request, login_as, private_session, persona
):
    client = login_as(request.getfixturevalue(persona))

    # Staff are sent to their own start page (programs or the countersign queue).
    response = client.get("/", follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert PRIVATE_PROVIDER not in html
    assert PRIVATE_NOTES not in html


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_staff_cannot_open_the_trainees_explanations(
    request, login_as, enrollment, private_session, persona
):
    client = login_as(request.getfixturevalue(persona))
    url = reverse("logbook:requirement_explain", args=[enrollment.pk, "therapy_sessions"])

    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_sessions(
    trainee_client, trainee, category, refresh, enrollment
):
    few = _queries(trainee_client, "/")
    for offset in range(40):
        SessionFactory(
            trainee=trainee,
            date=date(2026, 2, 2) + timedelta(days=offset),
            category=category("client_individual"),
            status="submitted",
        )
    refresh(trainee)

    many = _queries(trainee_client, "/")
    explain = _queries(
        trainee_client,
        reverse("logbook:requirement_explain", args=[enrollment.pk, "client_contact"]),
    )

    assert many == few
    assert many <= 12
    assert explain <= 12
