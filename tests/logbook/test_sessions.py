from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.models import Session
from trainees.services.session_rules import (
    DURATION_RANGE,
    FUTURE_DATE,
    GROUP_SIZE_REQUIRED,
    NO_ENROLLMENT_ON_DATE,
)
from trainees.services.sessions import NOT_EDITABLE

pytestmark = pytest.mark.django_db

NEW = "/sessions/new/"


def _post(client, **overrides):
    data = {
        "date": "2026-06-15",
        "category": "",
        "duration_minutes": "50",
        "start_time": "",
        "format": "individual",
        "group_size": "",
        "modality": "in_person",
        "provider": "",
        "provider_name": "",
        "notes": "",
        "submit_now": "on",
    }
    data.update(overrides)
    return client.post(NEW, data)


def test_new_session_form_defaults_to_today_and_the_last_category_and_duration(
    trainee_client, trainee, category, supervisor
):
    SessionFactory(
        trainee=trainee, category=category("supervision_individual"), duration_minutes=90
    )

    form = trainee_client.get(NEW).context["form"]

    assert form.initial["date"] == date(2026, 6, 15)
    assert form.initial["category"] == category("supervision_individual").pk
    assert form.initial["duration_minutes"] == 90
    assert form.initial["provider"] == supervisor.pk


def test_logging_a_supervision_names_the_assigned_supervisor_and_confirms(
    trainee_client, trainee, category, supervisor
):
    response = _post(trainee_client, category=category("supervision_individual").pk)

    session = Session.objects.get(trainee=trainee)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session.provider == supervisor
    assert session.status == "submitted"
    page = trainee_client.get("/").content.decode()
    assert (
        "Logged 50 min of Individual supervision on Mon 15 Jun 2026, sent for verification." in page
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2026-06-16"}, "date", FUTURE_DATE),
        ({"date": "2025-06-16"}, "date", NO_ENROLLMENT_ON_DATE),
        ({"format": "group"}, "group_size", GROUP_SIZE_REQUIRED),
    ],
)
def test_service_validation_is_shown_on_the_field(
    trainee_client, category, overrides, field, message
):
    response = _post(trainee_client, category=category("client_individual").pk, **overrides)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Session.objects.count() == 0


def test_zero_and_too_long_durations_are_refused(trainee_client, category):
    for minutes in ("0", "721"):
        response = _post(
            trainee_client, category=category("client_individual").pk, duration_minutes=minutes
        )
        assert "duration_minutes" in response.context["form"].errors
    assert Session.objects.count() == 0
    assert DURATION_RANGE.startswith("Duration must be between 1 and 720")


def test_a_duplicate_is_flagged_before_saving_and_saved_only_when_confirmed(
    trainee_client, trainee, category
):
    SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        date=date(2026, 6, 15),
        duration_minutes=50,
    )

    warned = _post(trainee_client, category=category("client_individual").pk)

    assert warned.status_code == 200
    assert "You already logged this." in warned.content.decode()
    assert Session.objects.count() == 1
    confirmed = _post(
        trainee_client, category=category("client_individual").pk, confirm_duplicate="on"
    )
    assert confirmed.status_code == 302
    assert Session.objects.count() == 2


def test_rejected_session_shows_the_reason_and_can_be_corrected_and_resubmitted(
    trainee_client, trainee, category
):
    session = SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        status="rejected",
        rejection_reason="Wrong date",
    )
    url = reverse("logbook:session_edit", args=[session.pk])

    page = trainee_client.get(url).content.decode()
    response = trainee_client.post(
        url,
        {
            "date": "2026-02-03",
            "category": category("client_individual").pk,
            "duration_minutes": "50",
            "format": "individual",
            "modality": "in_person",
            "submit_now": "on",
        },
    )

    assert "Returned by your supervisor:</strong> Wrong date" in page
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.date, session.status, session.rejection_reason) == (
        date(2026, 2, 3),
        "submitted",
        "",
    )


def test_verified_session_is_read_only_and_offers_a_correction(
    trainee_client, trainee, category, supervisor
):
    session = SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        status="verified",
        verified_by=supervisor,
        verified_at="2026-02-03T10:00:00Z",
    )

    detail = trainee_client.get(
        reverse("logbook:session_detail", args=[session.pk])
    ).content.decode()
    edit = trainee_client.get(reverse("logbook:session_edit", args=[session.pk]), follow=True)

    assert "Verified sessions are read-only." in detail
    assert "ask for a correction" in detail.lower() or "for a correction" in detail
    assert NOT_EDITABLE in edit.content.decode()
    session.refresh_from_db()
    assert session.status == "verified"


def test_submit_withdraw_and_restore(trainee_client, client_session):
    pk = client_session.pk

    trainee_client.post(reverse("logbook:session_submit", args=[pk]))
    client_session.refresh_from_db()
    assert client_session.status == "submitted"
    trainee_client.post(reverse("logbook:session_withdraw", args=[pk]))
    client_session.refresh_from_db()
    assert client_session.is_withdrawn
    trainee_client.post(reverse("logbook:session_restore", args=[pk]))
    client_session.refresh_from_db()
    assert not client_session.is_withdrawn
    assert client_session.status == "submitted"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("session_detail", "get"),
        ("session_edit", "get"),
        ("session_edit", "post"),
        ("session_submit", "post"),
        ("session_withdraw", "post"),
        ("session_restore", "post"),
    ],
)
def test_another_trainees_session_is_not_found_and_unchanged(
    trainee_client, other_session, name, method
):
    url = reverse(f"logbook:{name}", args=[other_session.pk])

    response = getattr(trainee_client, method)(url, {})

    assert response.status_code == 404
    fresh = Session.objects.get(pk=other_session.pk)
    assert (fresh.status, fresh.withdrawn_at, fresh.date) == ("draft", None, other_session.date)


@pytest.mark.parametrize("persona", ["supervisor", "director", "other_director"])
@pytest.mark.parametrize("name", ["session_detail", "session_edit"])
def test_staff_cannot_open_a_trainees_session_page(
    request, login_as, private_session, persona, name
):
    client = login_as(request.getfixturevalue(persona))

    response = client.get(reverse(f"logbook:{name}", args=[private_session.pk]))

    assert response.status_code == 404
    assert PRIVATE_PROVIDER not in response.content.decode()


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_staff_have_no_session_list_or_log_form(request, login_as, private_session, persona):
    client = login_as(request.getfixturevalue(persona))

    for url in ("/sessions/", NEW):
        response = client.get(url)
        assert response.status_code == 404
        assert PRIVATE_NOTES not in response.content.decode()


def test_the_trainee_sees_their_own_private_details(trainee_client, private_session):
    html = trainee_client.get(
        reverse("logbook:session_detail", args=[private_session.pk])
    ).content.decode()

    assert PRIVATE_PROVIDER in html
    assert PRIVATE_NOTES in html


def test_session_list_filters_by_status_and_category(
    trainee_client, trainee, category, other_session
):
    SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        status="draft",
        date=date(2026, 3, 2),
    )
    SessionFactory(
        trainee=trainee,
        category=category("personal_therapy"),
        status="submitted",
        date=date(2026, 3, 3),
    )

    drafts = trainee_client.get("/sessions/?status=draft").context["page"].object_list
    therapy = trainee_client.get(f"/sessions/?category={category('personal_therapy').pk}").context[
        "page"
    ]

    assert [s.date for s in drafts] == [date(2026, 3, 2)]
    assert [s.date for s in therapy.object_list] == [date(2026, 3, 3)]


def test_session_pages_query_count_does_not_grow_with_sessions(trainee_client, trainee, category):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert trainee_client.get(url).status_code == 200
        return len(queries)

    first = SessionFactory(trainee=trainee, category=category("client_individual"))
    few = (
        count("/sessions/"),
        count(NEW),
        count(reverse("logbook:session_detail", args=[first.pk])),
    )
    for offset in range(60):
        SessionFactory(
            trainee=trainee,
            category=category("client_individual"),
            date=date(2026, 1, 5) + timedelta(days=offset),
        )

    many = (
        count("/sessions/"),
        count(NEW),
        count(reverse("logbook:session_detail", args=[first.pk])),
    )

    assert many == few
    assert max(many) <= 12
