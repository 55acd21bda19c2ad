"""Throttling: a budget per address for anonymous callers, per person (whatever credential they
use) and per API key; an exhausted budget is a 429 in the error shape, with Retry-After.

DRF binds the rates into `SimpleRateThrottle.THROTTLE_RATES` when it is imported, so overriding
the REST_FRAMEWORK setting does not reach them; the tests patch that table instead. The cache
holding the counts is cleared around every test (tests/api/conftest.py).
"""

from datetime import timedelta

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.api.errors import error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

HEALTH = "/api/v1/health/"
PROGRAMS = "/api/v1/programs/"


@pytest.fixture(autouse=True)
def small_budgets(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "2/min", "api_key": "2/min"}
    )


def throttled(seconds: int) -> dict:
    return error(
        429, "throttled", f"Request was throttled. Expected available in {seconds} seconds."
    )


def test_an_anonymous_caller_over_budget_is_told_when_to_come_back(api_client, frozen_today):
    statuses = [api_client.get(HEALTH).status_code for _ in range(3)]

    response = api_client.get(HEALTH)

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == throttled(60)
    frozen_today.shift(timedelta(seconds=45))
    assert api_client.get(HEALTH)["Retry-After"] == "15"
    frozen_today.shift(timedelta(seconds=16))
    assert api_client.get(HEALTH).status_code == 200


def test_anonymous_budgets_are_per_address(api_client):
    for _ in range(3):
        api_client.get(HEALTH, REMOTE_ADDR="192.0.2.1")

    assert api_client.get(HEALTH, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert api_client.get(HEALTH, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_a_person_has_one_budget_across_credentials(api_client, trainee, personal_token):
    api_client.force_login(trainee.user)
    assert api_client.get(PROGRAMS).status_code == 200
    api_client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {personal_token.raw}"}
    assert api_client.get(PROGRAMS, **bearer).status_code == 200

    response = api_client.get(PROGRAMS, **bearer)

    assert (response.status_code, response["Retry-After"]) == (429, "60")
    assert response.json() == throttled(60)


def test_each_api_key_has_its_own_budget(api_client, api_key, other_api_key):
    mine = {"HTTP_AUTHORIZATION": f"Api-Key {api_key.raw}"}
    theirs = {"HTTP_AUTHORIZATION": f"Api-Key {other_api_key.raw}"}
    api_client.get(PROGRAMS, **mine)
    api_client.get(PROGRAMS, **mine)

    assert api_client.get(PROGRAMS, **mine).status_code == 429
    assert api_client.get(PROGRAMS, **theirs).status_code == 200


def test_a_person_and_a_key_do_not_share_a_budget(api_client, director, api_key):
    api_client.force_login(director)
    api_client.get(PROGRAMS)
    api_client.get(PROGRAMS)
    assert api_client.get(PROGRAMS).status_code == 429
    api_client.logout()

    response = api_client.get(PROGRAMS, HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")

    assert response.status_code == 200
