from datetime import date

import pytest

from tests.factories import SessionFactory
from trainees.models import RecurringSession, Session
from trainees.services.recurring import ALREADY_DECIDED, recurring_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly_therapy(trainee, category):
    # Tuesdays, 50 minutes, from Tuesday 2 June 2026.
    return recurring_create(
        trainee=trainee,
        actor=trainee.user,
        category=category("personal_therapy"),
        weekday=1,
        duration_minutes=50,
        starts_on=date(2026, 6, 2),
        provider_name="Dr Weekly",
    )


def test_a_pattern_proposes_each_week_without_creating_sessions(trainee_client, weekly_therapy):
    page = trainee_client.get("/recurring/")

    assert [p.date for p in page.context["proposals"]] == [date(2026, 6, 2), date(2026, 6, 9)]
    assert Session.objects.count() == 0


def test_confirming_logs_the_session_once(trainee_client, trainee, weekly_therapy):
    url = f"/recurring/{weekly_therapy.pk}/confirm/"

    trainee_client.post(url, {"date": "2026-06-09"})
    again = trainee_client.post(url, {"date": "2026-06-09"}, follow=True)

    session = Session.objects.get()
    assert (session.date, session.duration_minutes, session.status, session.provider_name) == (
        date(2026, 6, 9),
        50,
        "submitted",
        "Dr Weekly",
    )
    assert (
        ALREADY_DECIDED in again.content.decode()
        or "not one of the pattern" in again.content.decode()
    )
    assert [p.date for p in trainee_client.get("/recurring/").context["proposals"]] == [
        date(2026, 6, 2)
    ]


def test_skipping_removes_the_proposal_and_logs_nothing(trainee_client, weekly_therapy):
    trainee_client.post(f"/recurring/{weekly_therapy.pk}/skip/", {"date": "2026-06-02"})

    assert [p.date for p in trainee_client.get("/recurring/").context["proposals"]] == [
        date(2026, 6, 9)
    ]
    assert Session.objects.count() == 0


def test_a_date_that_is_not_proposed_cannot_be_confirmed(trainee_client, weekly_therapy):
    trainee_client.post(f"/recurring/{weekly_therapy.pk}/confirm/", {"date": "2026-06-10"})

    assert Session.objects.count() == 0


def test_creating_a_pattern_from_the_page(trainee_client, category):
    response = trainee_client.post(
        "/recurring/",
        {
            "category": category("supervision_individual").pk,
            "weekday": "3",
            "duration_minutes": "60",
            "starts_on": "2026-06-01",
        },
    )

    assert response.status_code == 302
    assert RecurringSession.objects.get().weekday == 3


def test_another_trainees_pattern_is_not_found(client, frozen_today, other_trainee, weekly_therapy):
    client.force_login(other_trainee.user)

    for action in ("confirm", "skip", "stop"):
        assert (
            client.post(
                f"/recurring/{weekly_therapy.pk}/{action}/", {"date": "2026-06-09"}
            ).status_code
            == 404
        )
    assert Session.objects.count() == 0
    assert RecurringSession.objects.get().stopped_at is None


def test_dashboard_offers_one_click_confirmation(trainee_client, weekly_therapy):
    SessionFactory  # noqa: B018 - the dashboard reads patterns, not sessions

    html = trainee_client.get("/").content.decode()

    assert "Did these happen?" in html
    assert f'action="/recurring/{weekly_therapy.pk}/confirm/"' in html
