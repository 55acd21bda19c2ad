"""Every list endpoint and list page costs the same number of queries whatever its length.

Each case counts the queries of one request with a few rows, adds many more rows of the kind the
list shows, and counts again: the two must be equal.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from reminders.models import Delivery
from tests.factories import CohortFactory, EnrollmentFactory, SessionFactory, UserFactory
from trainees.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def _count(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _more_sessions(trainee, n):
    for i in range(n):
        SessionFactory(trainee=trainee, date=date(2026, 2, 2) + timedelta(days=i % 90))


def _more_enrollments(program, n):
    for _ in range(n):
        EnrollmentFactory(program=program)


def _more_access_entries(trainee, n):
    viewer = UserFactory()
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                trainee=trainee, user=viewer, viewer_name="Viewer", operation="staff.trainee_detail"
            )
            for _ in range(n)
        ]
    )


def _more_deliveries(user, n):
    now = datetime(2026, 6, 15, tzinfo=UTC)
    Delivery.objects.bulk_create(
        [Delivery(recipient=user, kind="log_week", period=f"w{i}", due_at=now) for i in range(n)]
    )


@pytest.mark.parametrize(
    ("who", "url", "grow"),
    [
        ("trainee", "/api/v1/sessions/", lambda c: _more_sessions(c["trainee"], 30)),
        ("director", "/api/v1/sessions/", lambda c: _more_sessions(c["trainee"], 30)),
        ("director", "/api/v1/enrollments/", lambda c: _more_enrollments(c["program"], 15)),
        ("director", "/api/v1/trainees/", lambda c: _more_enrollments(c["program"], 15)),
        ("director", "/api/v1/programs/", lambda c: None),
        (
            "director",
            "/api/v1/programs/riverside-mft/cohorts/",
            lambda c: [CohortFactory(program=c["program"]) for _ in range(10)],
        ),
        ("trainee", "/sessions/", lambda c: _more_sessions(c["trainee"], 30)),
        ("trainee", "/privacy/access-log/", lambda c: _more_access_entries(c["trainee"], 30)),
        ("director", "/programs/riverside-mft/", lambda c: _more_enrollments(c["program"], 15)),
        (
            "director",
            "/programs/riverside-mft/cohorts/",
            lambda c: [CohortFactory(program=c["program"]) for _ in range(10)],
        ),
        ("staff", "/reminders/deliveries/", lambda c: _more_deliveries(c["trainee"].user, 30)),
    ],
)
def test_a_longer_list_costs_no_more_queries(
    client, frozen_today, trainee, director, program, enrollment, who, url, grow
):
    cast = {"trainee": trainee, "program": program}
    viewer = {
        "trainee": trainee.user,
        "director": director,
        "staff": User.objects.create_user(email="staff@example.org", is_staff=True),
    }[who]
    client.force_login(viewer)
    _more_sessions(trainee, 2)

    few = _count(client, url)
    grow(cast)
    many = _count(client, url)

    assert many == few
