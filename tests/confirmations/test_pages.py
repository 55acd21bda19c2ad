"""Pages of confirmation by e-mail link: the trainee's requests, and the confirmer's page."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from confirmations.models import ExternalConfirmationRequest
from confirmations.services import requests as ext
from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.models import Session
from trainees.services.transcript import transcript_build, transcript_csv

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LIST = "/confirmations/"
NEW = "/confirmations/new/"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/confirm/[^/\s]+/)")
CONFIRMER = "Dr Ezra Externalsupervisor"
CONFIRMER_EMAIL = "ezra@external.example"


@pytest.fixture
def submitted(trainee, category, refresh):
    sessions = [
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, 1),
            start_time=time(9, 30),
            duration_minutes=60,
            category=category("supervision_individual"),
            format="group",
            group_size=4,
            modality="video",
            status="submitted",
            notes="supervision notes stay private",
            provider_name="Someone",
        ),
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, 8),
            duration_minutes=90,
            category=category("supervision_individual"),
            status="submitted",
        ),
    ]
    refresh(trainee)
    return sessions


def _ask(client, sessions, django_capture_on_commit_callbacks, **overrides):
    data = {
        "sessions": [s.pk for s in sessions],
        "confirmer_name": CONFIRMER,
        "confirmer_email": CONFIRMER_EMAIL,
        "message": "",
    }
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(NEW, data)


def _link(mailoutbox) -> str:
    match = LINK.search(mailoutbox[-1].body)
    assert match is not None
    return match.group(1)


@pytest.fixture
def link(trainee_client, submitted, mailoutbox, django_capture_on_commit_callbacks):
    response = _ask(trainee_client, submitted, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    return _link(mailoutbox)


# --- who may open the trainee's pages ----------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, NEW])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("persona", ["director", "supervisor"])
def test_staff_cannot_ask_for_a_trainee(login_as, request, submitted, persona):
    staff = login_as(request.getfixturevalue(persona))

    assert staff.get(LIST).status_code == 404
    response = staff.post(
        NEW,
        {
            "sessions": [submitted[0].pk],
            "confirmer_name": CONFIRMER,
            "confirmer_email": CONFIRMER_EMAIL,
        },
    )

    assert response.status_code == 404
    assert ExternalConfirmationRequest.objects.count() == 0


def test_another_trainee_cannot_cancel_resend_or_use_my_sessions(
    link, client, other_trainee, submitted, mailoutbox
):
    mine = ExternalConfirmationRequest.objects.get()
    client.force_login(other_trainee.user)

    assert client.post(f"/confirmations/{mine.pk}/cancel/").status_code == 404
    assert client.post(f"/confirmations/{mine.pk}/resend/").status_code == 404
    response = client.post(
        NEW,
        {"sessions": [submitted[1].pk], "confirmer_name": "X", "confirmer_email": "x@example.com"},
    )

    assert response.status_code == 200
    assert "sessions" in response.context["form"].errors
    mine.refresh_from_db()
    assert (mine.revoked_at, mine.state) == (None, "pending")
    assert ExternalConfirmationRequest.objects.count() == 1
    assert len(mailoutbox) == 1


# --- asking, listing, cancelling ---------------------------------------------------------------


def test_the_form_offers_only_submitted_sessions_not_already_asked_for(
    trainee_client, trainee, submitted, client_session, category
):
    other_category = SessionFactory(
        trainee=trainee, category=category("client_individual"), status="submitted"
    )
    withdrawn = SessionFactory(
        trainee=trainee,
        category=category("client_individual"),
        status="submitted",
        withdrawn_at=NOW,
    )

    page = trainee_client.get(f"{NEW}?session={submitted[0].pk}")

    offered = [s.pk for s in page.context["sessions"]]
    # Grouped by category name; drafts and withdrawn sessions are not offered.
    assert offered == [other_category.pk, submitted[0].pk, submitted[1].pk]
    assert client_session.pk not in offered and withdrawn.pk not in offered
    assert page.context["chosen_ids"] == {str(submitted[0].pk)}
    assert f'value="{submitted[0].pk}" checked' in page.content.decode()


def test_asking_sends_exactly_this_email(
    trainee_client, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    response = _ask(
        trainee_client,
        submitted,
        django_capture_on_commit_callbacks,
        message="Thanks for the June group.",
    )

    assert response.status_code == 302
    assert response["Location"] == LIST
    request = ExternalConfirmationRequest.objects.get()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    path = _link(mailoutbox)
    assert email.to == [CONFIRMER_EMAIL]
    assert email.reply_to == ["trainee@example.org"]
    assert email.subject == (
        "Tess Trainee asks you to confirm 2 sessions of Individual supervision"
    )
    assert email.body == (
        f"Hello {CONFIRMER},\n\n"
        "Tess Trainee (Riverside MFT) asks you to confirm that you provided these individual "
        "supervision sessions:\n\n"
        "- Mon 01 Jun 2026 at 09:30, 1 h, Individual supervision, Group (4 participants), video\n"
        "- Mon 08 Jun 2026, 1 h 30 min, Individual supervision, Individual, in person\n\n"
        'Their message: "Thanks for the June group."\n\n'
        "Open this link to see the sessions and confirm them (or say what is not accurate); no "
        "account is needed:\n"
        f"http://127.0.0.1:8000{path}\n\n"
        "The link works once, until Monday 29 June 2026, 12:00 (UTC). If you do not know Tess "
        "Trainee, ignore this e-mail; replying reaches Tess Trainee.\n"
    )
    html = email.alternatives[0][0]
    assert f'href="http://127.0.0.1:8000{path}"' in html
    for private in ("supervision notes stay private", "Someone"):
        assert private not in email.body
        assert private not in html
    assert request.expires_at == NOW + timedelta(days=14)


def test_the_request_list_shows_each_state_and_costs_a_fixed_number_of_queries(
    trainee_client, trainee, category, mailoutbox, django_capture_on_commit_callbacks
):
    def ask_one(day: int) -> None:
        session = SessionFactory(
            trainee=trainee,
            date=date(2026, 5, day),
            category=category("supervision_individual"),
            status="submitted",
        )
        _ask(trainee_client, [session], django_capture_on_commit_callbacks)

    ask_one(1)
    with CaptureQueriesContext(connection) as few:
        assert trainee_client.get(LIST).status_code == 200
    for day in range(2, 8):
        ask_one(day)
    with CaptureQueriesContext(connection) as many:
        page = trainee_client.get(LIST)

    assert len(many) == len(few)
    assert len(page.context["requests"]) == 7
    assert page.content.decode().count("Waiting for confirmation") == 7


def test_cancelling_a_request_from_the_list(trainee_client, link, client):
    request = ExternalConfirmationRequest.objects.get()

    response = trainee_client.post(f"/confirmations/{request.pk}/cancel/")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.revoked_at == NOW
    assert Client().get(link).status_code == 410


# --- the confirmer's page ----------------------------------------------------------------------


def test_the_confirmer_sees_exactly_what_they_confirm_without_signing_in(link, submitted):
    page = Client().get(link)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Tess Trainee" in html and "Riverside MFT" in html
    assert [line.text for line in page.context["lines"]] == [
        "Mon 01 Jun 2026 at 09:30, 1 h, Individual supervision, Group (4 participants), video",
        "Mon 08 Jun 2026, 1 h 30 min, Individual supervision, Individual, in person",
    ]
    assert "supervision notes stay private" not in html
    assert "Someone" not in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert "Cache-Control" in page and "no-cache" in page["Cache-Control"]
    assert 'name="viewport"' in html
    # No external assets: every stylesheet and script is served by the site itself.
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []


def test_confirming_on_the_page_verifies_the_sessions_and_the_link_is_then_gone(
    link, submitted, trainee_client
):
    confirmer = Client()

    done = confirmer.post(
        link,
        {"confirmed_name": CONFIRMER, "attest": "on", "action": "confirm"},
        HTTP_USER_AGENT="PhoneBrowser/1.0",
        REMOTE_ADDR="198.51.100.7",
    )

    assert done.status_code == 200
    assert "The sessions are confirmed." in done.content.decode()
    request = ExternalConfirmationRequest.objects.get()
    assert (request.outcome, request.confirmed_name, request.confirmer_ip) == (
        "confirmed",
        CONFIRMER,
        "198.51.100.7",
    )
    assert request.confirmer_user_agent == "PhoneBrowser/1.0"
    assert [s.status for s in Session.objects.filter(pk__in=[s.pk for s in submitted])] == [
        "verified",
        "verified",
    ]
    again = confirmer.get(link)
    assert again.status_code == 410
    assert ext.LINK_CONFIRMED in again.content.decode()
    detail = trainee_client.get(f"/sessions/{submitted[0].pk}/").content.decode()
    assert f"Confirmed by {CONFIRMER} (by email link) on 15 Jun 2026" in detail


def test_a_missing_name_or_box_keeps_the_form_and_changes_nothing(link, submitted):
    page = Client().post(link, {"confirmed_name": "", "action": "confirm"})

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "confirmed_name": [ext.NAME_REQUIRED],
        "attest": [ext.ATTEST_REQUIRED],
    }
    assert ExternalConfirmationRequest.objects.get().state == "pending"
    assert {s.status for s in Session.objects.filter(pk__in=[s.pk for s in submitted])} == {
        "submitted"
    }


def test_declining_on_the_page_needs_a_reason_then_tells_the_trainee(
    link, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    confirmer = Client()
    empty = confirmer.post(link, {"action": "decline", "decline_reason": ""})
    assert empty.context["form"].errors == {"decline_reason": [ext.DECLINE_REASON_REQUIRED]}

    with django_capture_on_commit_callbacks(execute=True):
        done = confirmer.post(
            link, {"action": "decline", "decline_reason": "I only ran the 8 June session."}
        )

    assert done.status_code == 200
    assert "nothing was confirmed" in done.content.decode()
    assert ExternalConfirmationRequest.objects.get().state == "declined"
    assert mailoutbox[-1].to == ["trainee@example.org"]
    assert "I only ran the 8 June session." in mailoutbox[-1].body


def test_a_changed_session_is_refused_with_a_clear_message(link, submitted, trainee):
    Session.objects.filter(pk=submitted[1].pk).update(duration_minutes=30)

    page = Client().post(link, {"confirmed_name": CONFIRMER, "attest": "on", "action": "confirm"})

    assert page.status_code == 200
    assert ext.SESSIONS_CHANGED in page.content.decode()
    assert Session.objects.filter(status="verified").count() == 0


def test_expired_and_tampered_links_are_clear_pages_not_errors(link):
    confirmer = Client()
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]

    assert confirmer.get(tampered).status_code == 404
    assert confirmer.get("/confirm/garbage/").status_code == 404
    assert (
        confirmer.post(tampered, {"confirmed_name": CONFIRMER, "attest": "on"}).status_code == 404
    )
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        expired = confirmer.get(link)
    assert expired.status_code == 410
    assert ext.LINK_EXPIRED in expired.content.decode()


def test_the_form_keeps_its_csrf_protection(link):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(link, {"confirmed_name": CONFIRMER, "attest": "on"})

    assert response.status_code == 403
    assert ExternalConfirmationRequest.objects.get().state == "pending"


def test_guessing_links_is_throttled(link):
    confirmer = Client()
    for attempt in range(5):
        assert confirmer.post(f"/confirm/guess-{attempt}/", {}).status_code == 404

    locked = confirmer.post(link, {"confirmed_name": CONFIRMER, "attest": "on"})

    assert locked.status_code == 429
    assert ExternalConfirmationRequest.objects.get().state == "pending"


# --- privacy: a private category confirmed by the trainee's therapist -------------------------


@pytest.fixture
def therapy_confirmed(
    trainee_client, private_session, mailoutbox, django_capture_on_commit_callbacks
):
    _ask(
        trainee_client,
        [private_session],
        django_capture_on_commit_callbacks,
        confirmer_name="Dr Theo Therapist",
        confirmer_email="theo@therapy.example",
    )
    response = Client().post(
        _link(mailoutbox),
        {"confirmed_name": "Dr Theo Therapist", "attest": "on", "action": "confirm"},
    )
    assert response.status_code == 200
    private_session.refresh_from_db()
    assert private_session.status == "verified"
    return private_session


def test_staff_never_see_who_confirmed_a_private_session(
    therapy_confirmed, director, enrollment, api_key
):
    # A client of the director's own (the trainee's client still holds their flash messages).
    staff = Client()
    staff.force_login(director)
    staff_page = staff.get(f"/programs/riverside-mft/enrollments/{enrollment.pk}/")
    api = Client().get("/api/v1/sessions/", HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")

    for body in (staff_page.content.decode(), api.content.decode()):
        for secret in ("Theo", "theo@therapy.example", PRIVATE_PROVIDER, PRIVATE_NOTES):
            assert secret not in body
    assert (staff_page.status_code, api.status_code) == (200, 200)
    totals = [
        (t.category, t.status, t.sessions) for t in staff_page.context["detail"].private_totals
    ]
    assert totals == [("Personal therapy", "verified", 1)]
    transcript = transcript_build(trainee=therapy_confirmed.trainee)
    assert not any("Theo" in name for name in transcript.supervisors)
    staff_csv = transcript_csv(trainee=therapy_confirmed.trainee)
    assert "Theo" not in staff_csv


def test_the_trainee_sees_their_therapist_confirmation(therapy_confirmed, trainee_client):
    detail = trainee_client.get(f"/sessions/{therapy_confirmed.pk}/").content.decode()
    assert "Confirmed by Dr Theo Therapist (by email link) on 15 Jun 2026" in detail
    own_csv = transcript_csv(trainee=therapy_confirmed.trainee, include_private=True)
    assert "Dr Theo Therapist (by email link)" in own_csv


def test_staff_see_an_external_supervisor_of_a_non_private_category(
    link, submitted, login_as, director, enrollment, api_client
):
    Client().post(link, {"confirmed_name": CONFIRMER, "attest": "on", "action": "confirm"})

    page = login_as(director).get(f"/programs/riverside-mft/enrollments/{enrollment.pk}/")
    api_client.force_authenticate(director)
    data = api_client.get(f"/api/v1/sessions/{submitted[0].pk}/").json()

    assert f"Confirmed by {CONFIRMER} (by email link)" in page.content.decode()
    assert (data["verified_by"], data["verification_method"], data["confirmed_by_name"]) == (
        None,
        "email_link",
        CONFIRMER,
    )
