"""/api/v1/webhooks/: subscribe, list, deactivate, read the delivery log."""

import pytest
from django.utils import timezone

from accounts.services.tokens import api_key_create
from tests.factories import UserFactory
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import subscription_create

URL = "/api/v1/webhooks/"


@pytest.fixture
def as_key(api_client, api_key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")
    return api_client


@pytest.fixture
def theirs(other_program):
    return subscription_create(
        institution=other_program.institution,
        url="https://hooks.elsewhere.example/in",
        events=["session.verified"],
    )


def test_a_key_subscribes_and_sees_the_secret_only_once(as_key, program):
    response = as_key.post(
        URL,
        {"url": "https://hooks.example.org/in", "events": ["session.verified"]},
        format="json",
    )

    assert response.status_code == 201
    created = response.json()
    stored = WebhookSubscription.objects.get()
    assert created["secret"] == stored.secret
    assert created["secret"].startswith("whsec_")
    assert (created["institution"], created["events"], created["active"]) == (
        "riverside",
        ["session.verified"],
        True,
    )
    assert response["Location"] == f"{URL}{stored.pk}/"
    listed = as_key.get(URL).json()["results"]
    assert [item["id"] for item in listed] == [stored.pk]
    assert "secret" not in listed[0]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "ftp://hooks.example.org/in"}, "url", "Use an http:// or https:// address."),
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"url": "http://169.254.169.254/latest/"}, "url", "public internet addresses only"),
        ({"events": []}, "events", "Ensure this field has at least 1 elements."),
        ({"events": ["session.deleted"]}, "events", None),
        ({"institution": "elsewhere"}, "institution", None),
    ],
)
def test_a_bad_subscription_is_a_field_error_and_nothing_is_stored(
    as_key, other_program, body, field, message
):
    payload = {"url": "https://hooks.example.org/in", "events": ["session.verified"], **body}

    response = as_key.post(URL, payload, format="json")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert field in fields
    if message:
        assert message in str(fields[field])
    assert not WebhookSubscription.objects.exists()


def test_a_director_subscribes_for_their_institution_by_session(api_client, director, program):
    api_client.force_login(director)

    missing = api_client.post(
        URL, {"url": "https://hooks.example.org/in", "events": ["session.verified"]}, format="json"
    )
    named = api_client.post(
        URL,
        {
            "url": "https://hooks.example.org/in",
            "events": ["session.verified"],
            "institution": "riverside",
        },
        format="json",
    )

    assert missing.status_code == 400
    assert named.status_code == 201
    assert WebhookSubscription.objects.get().institution == program.institution


def test_staff_manage_any_institutions_webhooks(api_client, theirs):
    api_client.force_login(UserFactory(is_staff=True))

    assert [item["id"] for item in api_client.get(URL).json()["results"]] == [theirs.pk]
    assert api_client.delete(f"{URL}{theirs.pk}/").status_code == 204


def test_deleting_deactivates_and_keeps_the_log(as_key, program):
    subscription = subscription_create(
        institution=program.institution,
        url="https://hooks.example.org/in",
        events=["session.verified"],
    )

    first = as_key.delete(f"{URL}{subscription.pk}/")
    again = as_key.delete(f"{URL}{subscription.pk}/")

    assert (first.status_code, again.status_code) == (204, 204)
    subscription.refresh_from_db()
    assert subscription.active is False
    assert subscription.deactivated_at is not None
    assert as_key.get(URL).json()["results"][0]["active"] is False


def test_the_delivery_log_shows_each_status_and_filters(as_key, program):
    subscription = subscription_create(
        institution=program.institution,
        url="https://hooks.example.org/in",
        events=["session.verified"],
    )
    now = timezone.now()
    sent = WebhookDelivery.objects.create(
        subscription=subscription,
        event="session.verified",
        payload={"session": 1},
        status="sent",
        attempts=1,
        last_status_code=200,
        next_attempt_at=now,
        sent_at=now,
    )
    failed = WebhookDelivery.objects.create(
        subscription=subscription,
        event="session.verified",
        payload={"session": 2},
        status="failed",
        attempts=1,
        last_status_code=410,
        last_error="HTTP 410",
        next_attempt_at=now,
    )

    everything = as_key.get(f"{URL}{subscription.pk}/deliveries/").json()["results"]
    only_failed = as_key.get(f"{URL}{subscription.pk}/deliveries/?status=failed").json()["results"]

    assert [(d["id"], d["status"]) for d in everything] == [
        (failed.pk, "failed"),
        (sent.pk, "sent"),
    ]
    assert [(d["id"], d["last_status_code"], d["last_error"]) for d in only_failed] == [
        (failed.pk, 410, "HTTP 410")
    ]


def test_another_institutions_key_finds_nothing_and_changes_nothing(as_key, theirs):
    assert as_key.get(URL).json()["results"] == []
    assert as_key.get(f"{URL}{theirs.pk}/deliveries/").status_code == 404
    assert as_key.delete(f"{URL}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active is True


def test_a_key_without_the_scope_is_refused(api_client, program):
    _, issued = api_key_create(
        institution_id=program.institution.pk, name="Reports", scopes=["reports:read"]
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.raw}")

    response = api_client.post(
        URL, {"url": "https://hooks.example.org/in", "events": ["session.verified"]}, format="json"
    )

    assert response.status_code == 403
    assert api_client.get(URL).status_code == 403
    assert not WebhookSubscription.objects.exists()
