"""A database that cannot be reached is a clean 503 with a message (JSON under /api/), whatever
raised it, a view or a middleware; the next request on a fresh connection succeeds."""

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from config.errors import DATABASE_UNAVAILABLE, SERVER_ERROR

pytestmark = pytest.mark.django_db


def unavailable(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


@pytest.fixture
def quiet_client(client: Client) -> Client:
    # Like a real server: the exception becomes the handler's response instead of re-raising.
    client.raise_request_exception = False
    return client


def test_an_api_request_gets_a_json_503_with_retry_after(quiet_client, personal_token, monkeypatch):
    monkeypatch.setattr("api.v1.sessions._visible", unavailable)

    response = quiet_client.get(
        "/api/v1/sessions/", HTTP_AUTHORIZATION=f"Bearer {personal_token.raw}"
    )

    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {
        "error": {"status": 503, "code": "unavailable", "message": DATABASE_UNAVAILABLE}
    }


def test_a_page_gets_an_html_503_even_when_a_middleware_raised(quiet_client, trainee, monkeypatch):
    quiet_client.force_login(trainee.user)
    # the session lookup, before any view runs
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db", unavailable
    )

    response = quiet_client.get("/")

    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert "If you were saving something, check whether it was saved" in body


def test_any_other_error_is_a_plain_500_without_retry_after(
    quiet_client, personal_token, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.v1.sessions._visible", broken)

    response = quiet_client.get(
        "/api/v1/sessions/", HTTP_AUTHORIZATION=f"Bearer {personal_token.raw}"
    )

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert response.json() == {
        "error": {"status": 500, "code": "server_error", "message": SERVER_ERROR}
    }


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_request_fails_that_request_and_not_the_next(
    director, enrollment, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (set DATABASE_URL)")
    client = Client(raise_request_exception=False)
    client.force_login(director)
    from staff.views import overview as overview_view

    original = overview_view.status_counts
    killed: list[int] = []

    def killed_mid_request(*args, **kwargs):
        # what a database restart does to the connection this request is using
        pid = connection.cursor().connection.info.backend_pid
        params = connection.get_connection_params()
        with psycopg.connect(
            **{k: v for k, v in params.items() if k in {"host", "port", "user", "dbname"}},
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        killed.append(pid)
        return original(*args, **kwargs)

    monkeypatch.setattr(overview_view, "status_counts", killed_mid_request)
    url = f"/programs/{enrollment.program.slug}/"

    first = client.get(url)
    # what the server does when a request ends: a connection that errored is dropped
    close_old_connections()
    monkeypatch.setattr(overview_view, "status_counts", original)
    second = client.get(url)

    assert killed and first.status_code == 503
    assert second.status_code == 200


def test_an_api_body_over_the_size_limit_is_a_json_413(quiet_client, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = quiet_client.post(
        "/api/v1/programs/riverside-mft/requirement-sets/",
        data='{"content": "' + "x" * 2000 + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}",
    )

    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "status": 413,
            "code": "too_large",
            "message": "The request body is larger than this server accepts (1000 bytes).",
        }
    }


def test_a_page_body_over_the_size_limit_is_a_413_page(quiet_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = quiet_client.post(
        "/accounts/login/",
        data="username=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert b"larger than this server accepts" in response.content


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/sessions/not-a-number/"])
def test_an_unknown_api_address_is_a_json_404(quiet_client, path):
    response = quiet_client.get(path)

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }


def test_an_unknown_page_is_an_html_404(quiet_client):
    response = quiet_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
