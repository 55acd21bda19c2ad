"""A program's "directors and coordinators need two-factor sign-in" policy: who may set it, and
what it does to a manager who has no authenticator yet."""

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiScope
from accounts.services.tokens import api_key_create, personal_token_create
from accounts.services.two_factor import two_factor_setup_begin, two_factor_setup_confirm
from accounts.two_factor_session import STATE_MAX_AGE
from accounts.views.two_factor import PENDING_KEY
from programs.models import Program, ProgramRole, TwoFactorPolicyChange
from programs.services.sign_in_policy import POLICY_REASON_REQUIRED, POLICY_UNCHANGED
from tests.factories import ProgramRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/programs/riverside-mft/security/"
OVERVIEW = "/programs/riverside-mft/"
SETUP = "/accounts/two-factor/setup/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock():
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def policy_on(program):
    Program.objects.filter(pk=program.pk).update(directors_require_two_factor=True)
    program.refresh_from_db()
    return program


@pytest.fixture
def coordinator(program):
    user = UserFactory(email="coordinator@example.org")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.COORDINATOR)
    return user


def _state(program):
    program.refresh_from_db()
    return program.directors_require_two_factor, TwoFactorPolicyChange.objects.count()


# --- the policy page ----------------------------------------------------------------------------


def test_a_director_turns_the_policy_on_with_a_reason_and_it_is_recorded(client, director, program):
    client.force_login(director)
    assert client.get(URL).status_code == 200

    response = client.post(URL, {"required": "on", "reason": "Audit finding 2026-04"})

    assert response.status_code == 302
    assert response["Location"] == URL
    change = TwoFactorPolicyChange.objects.get()
    assert (change.program, change.required, change.changed_by, change.reason) == (
        program,
        True,
        director,
        "Audit finding 2026-04",
    )
    assert _state(program) == (True, 1)


def test_a_director_turns_the_policy_off_again(client, director, policy_on, clock):
    device = two_factor_setup_begin(user=director)
    two_factor_setup_confirm(user=director, code=f"{totp(device.bin_key):06d}")
    clock.shift(30)
    client.post("/accounts/login/", {"username": director.email, "password": PASSWORD})
    client.post("/accounts/two-factor/verify/", {"code": f"{totp(device.bin_key):06d}"})

    response = client.post(URL, {"reason": "Policy moved to the institution"})

    assert response.status_code == 302
    assert _state(policy_on) == (False, 1)
    assert TwoFactorPolicyChange.objects.get().required is False


def test_a_change_needs_a_reason(client, director, program):
    client.force_login(director)

    response = client.post(URL, {"required": "on", "reason": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [POLICY_REASON_REQUIRED]
    assert _state(program) == (False, 0)


def test_saving_the_same_policy_records_nothing(client, director, program):
    client.force_login(director)

    response = client.post(URL, {"reason": "No change"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [POLICY_UNCHANGED]
    assert _state(program) == (False, 0)


@pytest.mark.parametrize("persona", ["other_director", "supervisor", "coordinator", "trainee"])
def test_only_the_programs_director_may_see_or_change_the_policy(request, client, program, persona):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"required": "on", "reason": "Because"}).status_code == 404
    assert _state(program) == (False, 0)


def test_site_staff_use_the_admin_not_this_page(client, program):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, program):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


# --- what the policy does -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "coordinator"])
@pytest.mark.parametrize(
    "url",
    [
        OVERVIEW,
        f"{OVERVIEW}exports/",
        f"{OVERVIEW}cohorts/",
        f"{OVERVIEW}security/",
        "/programs/",
        "/",
    ],
)
def test_a_manager_without_a_device_is_sent_to_set_up(request, client, policy_on, persona, url):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_the_set_up_page_and_signing_out_stay_reachable(client, director, policy_on):
    client.force_login(director)

    setup = client.get(SETUP)
    assert setup.status_code == 200
    assert "Riverside MFT requires two-factor sign-in" in setup.content.decode()

    assert client.post("/accounts/logout/").status_code == 302
    assert client.get(OVERVIEW)["Location"] == f"/accounts/login/?next={OVERVIEW}"


def test_the_api_refuses_the_browser_session_of_a_manager_without_a_device(
    client, director, policy_on
):
    client.force_login(director)

    response = client.get("/api/v1/programs/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_api_keys_and_personal_tokens_are_unaffected(client, director, policy_on):
    _, key = api_key_create(
        institution_id=policy_on.institution.pk, name="SIS", scopes=[ApiScope.PROGRAMS_READ]
    )
    _, token = personal_token_create(user=director, name="cli")

    by_key = client.get("/api/v1/programs/", HTTP_AUTHORIZATION=f"Api-Key {key.raw}")
    by_token = client.get("/api/v1/programs/", HTTP_AUTHORIZATION=f"Bearer {token.raw}")

    assert by_key.status_code == 200
    assert by_token.status_code == 200


def test_after_set_up_the_manager_reaches_the_overview(client, director, policy_on, clock):
    client.force_login(director)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)

    done = client.post(SETUP, {"code": f"{totp(device.bin_key):06d}"})

    assert done.status_code == 200
    assert client.get(OVERVIEW).status_code == 200


@pytest.mark.parametrize("persona", ["supervisor", "other_director"])
def test_others_are_not_held_by_the_policy(request, client, policy_on, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert SETUP not in [url for url, _ in response.redirect_chain]


def test_the_pending_sign_in_state_is_not_a_session_for_the_policy(client, director, policy_on):
    # Without a device the password alone signs in, and the gate sends the director to set-up.
    response = client.post(
        "/accounts/login/", {"username": director.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == SETUP
    assert PENDING_KEY not in client.session


def test_the_director_who_turns_it_on_is_sent_to_set_up_at_once(client, director, program):
    client.force_login(director)

    client.post(URL, {"required": "on", "reason": "Audit finding"})

    assert client.get(OVERVIEW)["Location"] == SETUP


def test_a_manager_already_signed_in_is_held_within_five_minutes(
    client, coordinator, program, clock
):
    client.force_login(coordinator)
    assert client.get(OVERVIEW).status_code == 200

    Program.objects.filter(pk=program.pk).update(directors_require_two_factor=True)
    clock.shift(STATE_MAX_AGE + 1)

    assert client.get(OVERVIEW)["Location"] == SETUP


def test_the_two_factor_page_links_a_director_to_their_programs_policy(
    client, director, other_director
):
    client.force_login(director)

    html = client.get("/accounts/two-factor/").content.decode()

    assert f'href="{URL}"' in html
    assert "/programs/elsewhere-psy/security/" not in html
