from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SessionFactory
from trainees.models import Session
from trainees.services.session_rules import FUTURE_DATE

pytestmark = pytest.mark.django_db


def test_the_grid_shows_the_iso_week_and_moves_between_weeks(trainee_client):
    page = trainee_client.get("/timesheet/?week=2026-W24")

    assert page.context["days"][0] == date(2026, 6, 8)
    assert page.context["previous"] == "2026-W23"
    assert page.context["next"] == "2026-W25"
    assert "Week 2026-W24" in page.content.decode()


def test_saving_cells_logs_adjusts_and_removes_drafts(trainee_client, trainee, category):
    client_id = category("client_individual").pk
    existing = SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        date=date(2026, 6, 9),
        duration_minutes=50,
    )

    response = trainee_client.post(
        "/timesheet/",
        {
            "week": "2026-W24",
            f"cell-{client_id}-2026-06-08": "60",
            f"cell-{client_id}-2026-06-09": "0",
        },
    )

    assert response.status_code == 302
    live = Session.objects.filter(trainee=trainee, withdrawn_at__isnull=True)
    assert [(s.date, s.duration_minutes, s.status) for s in live] == [
        (date(2026, 6, 8), 60, "draft")
    ]
    existing.refresh_from_db()
    assert existing.is_withdrawn


def test_an_invalid_cell_saves_nothing_and_says_why(trainee_client, trainee, category):
    client_id = category("client_individual").pk

    response = trainee_client.post(
        "/timesheet/",
        {
            "week": "2026-W25",
            f"cell-{client_id}-2026-06-15": "60",
            f"cell-{client_id}-2026-06-16": "30",
        },
    )

    assert response.status_code == 200
    assert FUTURE_DATE in response.content.decode()
    assert Session.objects.count() == 0


def test_submitted_time_is_shown_but_not_editable(trainee_client, trainee, category):
    SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        date=date(2026, 6, 10),
        status="submitted",
    )

    html = trainee_client.get("/timesheet/?week=2026-W24").content.decode()

    assert "+50 min sent" in html


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_staff_have_no_timesheet(request, login_as, persona):
    assert login_as(request.getfixturevalue(persona)).get("/timesheet/").status_code == 404


def test_timesheet_query_count_does_not_grow_with_sessions(trainee_client, trainee, category):
    def count():
        with CaptureQueriesContext(connection) as queries:
            trainee_client.get("/timesheet/?week=2026-W24")
        return len(queries)

    few = count()
    for day in range(8, 15):
        for _ in range(3):
            SessionFactory(
                trainee=trainee,
                category=category("client_individual"),
                date=date(2026, 6, day),
                status="submitted",
            )

    assert count() == few
