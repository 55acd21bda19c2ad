"""API credentials: institution keys (`Authorization: Api-Key ...`) and personal tokens (`Bearer`).

Today is Monday 15 June 2026, noon UTC (frozen). Every refusal is a 401 in the one error shape,
with a challenge naming both schemes; a refused credential is never marked as used.
"""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import ApiKey, ApiScope, PersonalToken
from accounts.services.tokens import (
    api_key_create,
    api_key_revoke,
    digest_of,
    personal_token_create,
    personal_token_revoke,
)
from api.authentication import INVALID_CREDENTIAL
from tests.api.errors import NOT_AUTHENTICATED, error
from tests.factories import SessionFactory
from trainees.models import Session

pytestmark = pytest.mark.usefixtures("frozen_today")

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
PROGRAMS = "/api/v1/programs/"
RIVERSIDE = {
    "slug": "riverside-mft",
    "name": "Riverside MFT",
    "institution": "riverside",
    "time_zone": "UTC",
    "week_start": "monday",
    "latest_version": None,
}
CHALLENGE = 'Api-Key realm="api", Bearer realm="api"'
REFUSED = error(401, "authentication_failed", INVALID_CREDENTIAL)


def get_with(api_client, authorization: str):
    return api_client.get(PROGRAMS, HTTP_AUTHORIZATION=authorization)


def assert_refused(response, body=REFUSED) -> None:
    assert response.status_code == 401
    assert response.json() == body
    assert response["WWW-Authenticate"] == CHALLENGE


def test_a_valid_api_key_reads_its_institutions_programs(api_client, api_key):
    response = get_with(api_client, f"Api-Key {api_key.raw}")

    assert response.status_code == 200
    assert response.json() == [RIVERSIDE]


def test_a_request_without_credentials_is_challenged(api_client, program):
    response = api_client.get(PROGRAMS)

    assert_refused(response, error(401, "not_authenticated", NOT_AUTHENTICATED))


def test_an_unknown_authorization_scheme_counts_as_no_credentials(api_client, api_key):
    # The scheme is matched exactly; anything else is not ours to judge, so the caller is anonymous.
    response = get_with(api_client, f"api-key {api_key.raw}")

    assert_refused(response, error(401, "not_authenticated", NOT_AUTHENTICATED))


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda key, token: "Api-Key ", id="empty"),
        pytest.param(lambda key, token: "Api-Key not-a-key", id="not-a-credential"),
        pytest.param(lambda key, token: "Api-Key csk_deadbeef_unknown", id="unknown-prefix"),
        pytest.param(lambda key, token: f"Api-Key {key.raw[:-4]}AAAA", id="wrong-secret"),
        pytest.param(lambda key, token: f"Api-Key {key.raw}x", id="secret-too-long"),
        pytest.param(lambda key, token: f"Api-Key {token.raw}", id="token-sent-as-key"),
        pytest.param(lambda key, token: f"Bearer {key.raw}", id="key-sent-as-token"),
        pytest.param(lambda key, token: f"Bearer {token.raw[:-4]}AAAA", id="token-wrong-secret"),
        pytest.param(lambda key, token: "Bearer cst_", id="token-without-secret"),
    ],
)
def test_a_bad_credential_is_refused(api_client, api_key, personal_token, make_header):
    response = get_with(api_client, make_header(api_key, personal_token))

    assert_refused(response)
    api_key.refresh_from_db()
    personal_token.refresh_from_db()
    assert api_key.last_used_at is None
    assert personal_token.last_used_at is None


def test_an_expired_api_key_is_refused(api_client, program, frozen_today):
    _, issued = api_key_create(
        institution_id=program.institution.pk,
        name="Short-lived",
        scopes=["programs:read"],
        expires_at=NOW + timedelta(days=1),
    )
    assert get_with(api_client, f"Api-Key {issued.raw}").status_code == 200

    frozen_today.move_to(NOW + timedelta(days=1))
    response = get_with(api_client, f"Api-Key {issued.raw}")

    assert_refused(response)


def test_a_revoked_api_key_is_refused(api_client, api_key):
    api_key_revoke(key=api_key)

    response = get_with(api_client, f"Api-Key {api_key.raw}")

    assert_refused(response)


def test_revoking_twice_keeps_the_first_revocation_time(api_key, frozen_today):
    api_key_revoke(key=api_key)
    frozen_today.shift(timedelta(hours=1))

    api_key_revoke(key=api_key)

    assert ApiKey.objects.get().revoked_at == NOW


def test_an_api_key_records_when_it_was_last_used(api_client, api_key, frozen_today):
    assert api_key.last_used_at is None

    get_with(api_client, f"Api-Key {api_key.raw}")

    api_key.refresh_from_db()
    assert api_key.last_used_at == NOW


def test_last_used_is_written_at_most_once_a_minute(api_client, api_key, frozen_today):
    get_with(api_client, f"Api-Key {api_key.raw}")
    frozen_today.shift(timedelta(seconds=59))
    get_with(api_client, f"Api-Key {api_key.raw}")
    api_key.refresh_from_db()
    assert api_key.last_used_at == NOW

    frozen_today.shift(timedelta(seconds=2))
    get_with(api_client, f"Api-Key {api_key.raw}")

    api_key.refresh_from_db()
    assert api_key.last_used_at == NOW + timedelta(seconds=61)


def test_a_personal_token_acts_as_its_person(api_client, personal_token, trainee):
    session = SessionFactory(trainee=trainee, date=date(2026, 6, 1), notes="Went well")

    response = api_client.get(
        "/api/v1/sessions/", HTTP_AUTHORIZATION=f"Bearer {personal_token.raw}"
    )

    assert response.status_code == 200
    # Notes are the trainee's alone: seeing them proves the request ran as the trainee.
    assert [(s["id"], s["notes"]) for s in response.json()["results"]] == [
        (session.pk, "Went well")
    ]
    personal_token.refresh_from_db()
    assert personal_token.last_used_at == NOW


def test_a_personal_token_can_log_a_session_as_its_person(api_client, personal_token, trainee):
    response = api_client.post(
        "/api/v1/sessions/",
        {"date": "2026-06-01", "duration_minutes": 50, "category": "client_individual"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {personal_token.raw}",
    )

    assert response.status_code == 201
    assert Session.objects.get().trainee == trainee


def test_a_revoked_personal_token_is_refused(api_client, personal_token):
    personal_token_revoke(token=personal_token)

    response = get_with(api_client, f"Bearer {personal_token.raw}")

    assert_refused(response)
    assert PersonalToken.objects.get().last_used_at is None


def test_an_expired_personal_token_is_refused(api_client, trainee, frozen_today):
    _, issued = personal_token_create(
        user=trainee.user, name="Phone", expires_at=NOW + timedelta(minutes=5)
    )
    frozen_today.shift(timedelta(minutes=5))

    response = get_with(api_client, f"Bearer {issued.raw}")

    assert_refused(response)


def test_a_deactivated_persons_token_is_refused(api_client, personal_token, trainee):
    trainee.user.is_active = False
    trainee.user.save()

    response = get_with(api_client, f"Bearer {personal_token.raw}")

    assert_refused(response)


def run_create_api_key(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_api_key_prints_the_key_once_and_stores_only_its_digest(api_client, program):
    out, err = run_create_api_key(
        "--institution",
        "riverside",
        "--name",
        "Student records",
        "--scope",
        "reports:read",
        "--scope",
        "programs:read",
    )

    key = ApiKey.objects.get()
    raw = out.removesuffix("\n")
    assert out == f"{raw}\n"
    assert raw.startswith(f"csk_{key.prefix}_")
    assert err == (
        "Created API key 'Student records' for riverside with scopes programs:read, "
        "reports:read, expiring 2027-06-15.\nStore it now: it cannot be shown again.\n"
    )
    assert key.digest == digest_of(raw)
    assert key.institution == program.institution
    assert key.scopes == ["programs:read", "reports:read"]
    assert key.expires_at == datetime(2027, 6, 15, tzinfo=UTC)
    secret = raw.split("_", 2)[2]
    stored = str(list(ApiKey.objects.values()))
    assert raw not in stored
    assert secret not in stored
    assert get_with(api_client, f"Api-Key {raw}").json() == [RIVERSIDE]


def test_create_api_key_can_make_a_key_that_never_expires(program):
    run_create_api_key(
        "--institution", "riverside", "--name", "Dashboard", "--scope", "reports:read"
    )
    run_create_api_key(
        "--institution",
        "riverside",
        "--name",
        "Forever",
        "--scope",
        "reports:read",
        "--expires-in-days",
        "0",
    )

    assert list(ApiKey.objects.values_list("name", "expires_at")) == [
        ("Dashboard", datetime(2027, 6, 15, tzinfo=UTC)),
        ("Forever", None),
    ]


def test_create_api_key_refuses_an_unknown_institution(program):
    with pytest.raises(CommandError) as raised:
        run_create_api_key("--institution", "nowhere", "--name", "X", "--scope", "reports:read")

    assert str(raised.value) == "No institution 'nowhere'."
    assert ApiKey.objects.count() == 0


def test_create_api_key_refuses_an_unknown_scope(program):
    with pytest.raises(CommandError) as raised:
        run_create_api_key("--institution", "riverside", "--name", "X", "--scope", "admin")

    assert str(raised.value) == (
        "Error: argument --scope: invalid choice: 'admin' (choose from "
        + ", ".join(repr(scope) for scope in ApiScope.values)
        + ")"
    )
    assert ApiKey.objects.count() == 0


def test_the_error_module_imports_on_its_own():
    # It once imported DRF's views at the top, which load the throttles, which import it back.
    code = "import django; django.setup(); import api.errors"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (result.returncode, result.stderr) == (0, "")
