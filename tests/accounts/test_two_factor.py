"""Two-factor sign-in: set-up, the code step of signing in, backup codes, turning it off.

Time is frozen (Monday 15 June 2026, noon UTC) and moved by hand, so each TOTP code is computed
here from the device's key for the exact 30-second step the server sees.
"""

from base64 import b32encode
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import TwoFactorMiddleware
from accounts.models import LoginAttempt
from accounts.services.sign_in import LOGIN_LOCKED, LOGIN_MAX_FAILURES
from accounts.services.two_factor import (
    BACKUP_CODE_COUNT,
    CODE_MISSING,
    CODE_THROTTLED,
    CODE_WRONG,
    DISABLE_REQUIRED,
    two_factor_setup_begin,
    two_factor_setup_confirm,
)
from accounts.two_factor_session import STATE_MAX_AGE, STATE_SESSION_KEY
from accounts.views.two_factor import PENDING_EXPIRED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"
PAGE = "/accounts/two-factor/"
DISABLE = "/accounts/two-factor/turn-off/"
NEW_CODES = "/accounts/two-factor/backup-codes/"
OVERVIEW = "/programs/riverside-mft/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock():
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Give `user` a confirmed authenticator and backup codes, through the services."""
    device = two_factor_setup_begin(user=user)
    device, codes = two_factor_setup_confirm(user=user, code=code_for(device))
    return device, codes.codes


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def password_step(client, user, **extra):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD}, **extra)


# --- set-up --------------------------------------------------------------------------------


def test_setup_shows_a_qr_code_and_the_secret_and_confirms_with_a_current_code(
    client, director, clock
):
    client.force_login(director)

    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    secret = b32encode(device.bin_key).decode()
    html = page.content.decode()

    assert page.status_code == 200
    assert 'class="qr-code"><title>QR code to scan with your authenticator app</title><path' in html
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert device.confirmed is False

    clock.shift(30)
    done = client.post(SETUP, {"code": code_for(device)})

    device.refresh_from_db()
    codes = done.context["codes"]
    assert done.status_code == 200
    assert device.confirmed is True
    assert len(codes) == BACKUP_CODE_COUNT == len(set(codes))
    assert sorted(
        StaticToken.objects.filter(device__user=director).values_list("token", flat=True)
    ) == sorted(codes)
    for code in codes:
        assert code in done.content.decode()
    # The session that set it up counts as verified: it stays signed in.
    assert client.get(PAGE).status_code == 200
    assert signed_in(client)


def test_reloading_the_setup_page_keeps_the_same_secret(client, director, clock):
    client.force_login(director)

    client.get(SETUP)
    client.get(SETUP)

    assert TOTPDevice.objects.filter(user=director).count() == 1


def test_a_secret_shown_to_another_browser_is_never_the_one_confirmed(director, clock):
    """Someone with only the password opens the set-up page first: the secret they read must
    not become the person's authenticator when the person sets it up in their own browser."""

    intruder, owner = Client(), Client()
    intruder.force_login(director)
    intruder.get(SETUP)
    seen_by_intruder = TOTPDevice.objects.get(user=director)

    owner.force_login(director)
    owner.get(SETUP)
    shown_to_owner = TOTPDevice.objects.get(user=director)
    done = owner.post(SETUP, {"code": code_for(shown_to_owner)})

    assert done.status_code == 200
    assert shown_to_owner.pk != seen_by_intruder.pk
    assert list(TOTPDevice.objects.filter(user=director).values_list("pk", "confirmed")) == [
        (shown_to_owner.pk, True)
    ]
    # The intruder's code, from the discarded secret, confirms nothing either.
    clock.shift(30)
    late = intruder.post(SETUP, {"code": f"{totp(seen_by_intruder.bin_key):06d}"})
    assert late.status_code == 302  # already on: sent to the two-factor page
    assert TOTPDevice.objects.get(user=director).pk == shown_to_owner.pk


@pytest.mark.parametrize("code", ["000000", "12345", "not-a-code"])
def test_a_wrong_setup_code_confirms_nothing(client, director, clock, code):
    client.force_login(director)
    client.get(SETUP)

    response = client.post(SETUP, {"code": code})

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [CODE_WRONG]
    assert TOTPDevice.objects.get(user=director).confirmed is False
    assert not StaticDevice.objects.filter(user=director).exists()


def test_an_empty_code_is_named(client, director, clock):
    client.force_login(director)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    response = client.post(SETUP, {"code": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [CODE_MISSING]
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False


@pytest.mark.parametrize("persona", ["trainee", "other_trainee"])
def test_trainees_are_not_offered_two_factor(request, client, persona, clock):
    user = request.getfixturevalue(persona).user
    client.force_login(user)

    home = client.get("/", follow=True).content.decode()

    assert PAGE not in home
    assert client.get(PAGE).status_code == 404
    assert client.get(SETUP).status_code == 404
    assert client.post(SETUP, {"code": "123456"}).status_code == 404
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", ["director", "supervisor"])
def test_staff_find_the_two_factor_page_in_the_navigation(request, client, persona, clock):
    client.force_login(request.getfixturevalue(persona))

    assert f'href="{PAGE}"' in client.get("/", follow=True).content.decode()
    assert client.get(PAGE).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (PAGE, SETUP):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"


# --- signing in ------------------------------------------------------------------------------


def test_sign_in_with_a_device_needs_the_code_before_any_page(client, director, clock):
    device, _ = enrol(director)
    clock.shift(30)

    first = password_step(client, director)

    assert first.status_code == 302
    assert first["Location"] == VERIFY
    assert not signed_in(client)
    assert client.get(VERIFY).status_code == 200

    second = client.post(VERIFY, {"code": code_for(device)})

    assert second.status_code == 302
    assert second["Location"] == "/"
    assert signed_in(client)
    assert client.get(OVERVIEW).status_code == 200


def test_the_code_step_keeps_the_page_asked_for(client, director, clock):
    device, _ = enrol(director)
    clock.shift(30)

    client.post(
        f"{LOGIN}?next={OVERVIEW}",
        {"username": director.email, "password": PASSWORD, "next": OVERVIEW},
    )
    response = client.post(VERIFY, {"code": code_for(device)})

    assert response["Location"] == OVERVIEW


@pytest.mark.parametrize(
    "url",
    [
        "/",
        OVERVIEW,
        f"{OVERVIEW}exports/",
        f"{OVERVIEW}exports/compliance.csv",
        f"{OVERVIEW}security/",
        PAGE,
        "/admin/",
        "/reminders/deliveries/",
    ],
)
def test_after_the_password_step_no_page_is_served(client, director, clock, url):
    enrol(director)
    password_step(client, director)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN) or response["Location"].startswith(
        "/admin/login/"
    )
    assert not signed_in(client)


def test_after_the_password_step_the_api_refuses_the_session(client, director, clock):
    enrol(director)
    password_step(client, director)

    response = client.get("/api/v1/programs/")

    assert response.status_code == 401


def test_a_wrong_code_signs_no_one_in_and_counts_as_a_failed_sign_in(client, director, clock):
    enrol(director)
    clock.shift(30)
    password_step(client, director, REMOTE_ADDR="10.0.0.1")

    response = client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [CODE_WRONG]
    assert not signed_in(client)
    assert LoginAttempt.objects.filter(email=director.email, ip_address="10.0.0.1").count() == 1
    assert client.get(OVERVIEW).status_code == 302


def test_wrong_codes_are_throttled_by_the_device(client, director, clock):
    device, _ = enrol(director)
    clock.shift(30)
    password_step(client, director)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})  # refused without a check: the device waits 1 s

    throttled = client.post(VERIFY, {"code": code_for(device)})

    assert throttled.status_code == 400
    assert throttled.context["form"].errors["code"] == [CODE_THROTTLED.format(seconds=1)]
    assert not signed_in(client)

    clock.shift(2)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert signed_in(client)


def test_wrong_codes_lock_the_sign_in_like_wrong_passwords(client, director, clock):
    enrol(director)
    password_step(client, director, REMOTE_ADDR="10.0.0.1")
    for _ in range(LOGIN_MAX_FAILURES):
        clock.shift(20)  # past the device's own back-off (1, 2, 4, 8, 16 s)
        client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    clock.shift(60)

    again = password_step(client, director, REMOTE_ADDR="10.0.0.1")

    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [LOGIN_LOCKED]
    assert not signed_in(client)


def test_the_right_password_does_not_clear_the_count_of_wrong_codes(client, director, clock):
    device, _ = enrol(director)
    password_step(client, director, REMOTE_ADDR="10.0.0.1")
    for _ in range(LOGIN_MAX_FAILURES - 1):
        clock.shift(20)
        client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    clock.shift(40)

    restart = password_step(client, director, REMOTE_ADDR="10.0.0.1")
    assert restart["Location"] == VERIFY
    assert LoginAttempt.objects.filter(email=director.email).count() == LOGIN_MAX_FAILURES - 1
    client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    clock.shift(60)
    response = client.post(VERIFY, {"code": code_for(device)}, REMOTE_ADDR="10.0.0.1")

    assert response.context["form"].errors["code"] == [LOGIN_LOCKED]
    assert not signed_in(client)


def test_a_successful_code_clears_the_failures(client, director, clock):
    device, _ = enrol(director)
    password_step(client, director, REMOTE_ADDR="10.0.0.1")
    client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    clock.shift(40)

    client.post(VERIFY, {"code": code_for(device)}, REMOTE_ADDR="10.0.0.1")

    assert signed_in(client)
    assert LoginAttempt.objects.count() == 0


def test_the_right_code_after_some_wrong_ones_is_locked_out_at_the_limit(client, director, clock):
    device, _ = enrol(director)
    password_step(client, director, REMOTE_ADDR="10.0.0.1")
    for _ in range(LOGIN_MAX_FAILURES):
        clock.shift(20)
        client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    clock.shift(40)

    response = client.post(VERIFY, {"code": code_for(device)}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [LOGIN_LOCKED]
    assert not signed_in(client)


def test_a_code_cannot_be_used_twice(client, director, clock):
    device, _ = enrol(director)
    clock.shift(30)
    code = code_for(device)
    password_step(client, director)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    clock.shift(5)  # same 30-second step: the code is still "current"

    password_step(client, director)
    replay = client.post(VERIFY, {"code": code})

    assert replay.status_code == 400
    assert replay.context["form"].errors["code"] == [CODE_WRONG]
    assert not signed_in(client)


def test_a_backup_code_signs_in_once(client, director, clock):
    _, codes = enrol(director)

    password_step(client, director)
    used = client.post(VERIFY, {"code": codes[0].upper()})
    assert used.status_code == 302
    assert signed_in(client)
    client.post("/accounts/logout/")

    clock.shift(60)
    password_step(client, director)
    again = client.post(VERIFY, {"code": codes[0]})

    assert again.status_code == 400
    assert again.context["form"].errors["code"] == [CODE_WRONG]
    assert StaticToken.objects.filter(device__user=director).count() == BACKUP_CODE_COUNT - 1


def test_a_half_finished_sign_in_expires(client, director, clock):
    device, _ = enrol(director)
    password_step(client, director)
    clock.shift(6 * 60)

    response = client.post(VERIFY, {"code": code_for(device)}, follow=True)

    assert response.redirect_chain[-1][0] == LOGIN
    assert PENDING_EXPIRED in response.content.decode()
    assert not signed_in(client)


def test_a_password_change_voids_a_half_finished_sign_in(client, director, clock):
    device, _ = enrol(director)
    password_step(client, director)
    director.set_password("another-long-password")
    director.save()
    clock.shift(30)

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not signed_in(client)


def test_the_code_step_without_a_password_step_goes_back_to_sign_in(client, director):
    response = client.get(VERIFY)

    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_people_without_a_device_sign_in_with_their_password_alone(client, director, trainee):
    for user in (director, trainee.user):
        client.post("/accounts/logout/")
        response = password_step(client, user)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert signed_in(client)


def test_a_session_that_skipped_the_code_step_is_ended(client, director, clock):
    # Such a session can only come from another sign-in path (or from before the set-up
    # elsewhere); force_login stands in for it.
    enrol(director)
    client.force_login(director)

    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)


# --- the Django admin --------------------------------------------------------------------------


def test_the_admins_own_sign_in_form_sends_people_to_ours(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302


def test_site_staff_reach_the_admin_after_the_code_and_can_remove_a_lost_device(
    client, director, clock
):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    admin_device, _ = enrol(admin)
    lost, _ = enrol(director)
    clock.shift(30)

    client.post(
        f"{LOGIN}?next=/admin/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert client.get("/admin/").status_code == 302  # still on the code step
    assert client.post(VERIFY, {"code": code_for(admin_device)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    backup = StaticDevice.objects.get(user=director)
    for url in (
        f"/admin/otp_totp/totpdevice/{lost.pk}/delete/",
        f"/admin/otp_static/staticdevice/{backup.pk}/delete/",
    ):
        assert client.post(url, {"post": "yes"}).status_code == 302

    assert not TOTPDevice.objects.filter(user=director).exists()
    assert not StaticDevice.objects.filter(user=director).exists()
    other = type(client)()
    response = other.post(LOGIN, {"username": director.email, "password": PASSWORD})
    assert response["Location"] == "/"


# --- backup codes and turning it off ---------------------------------------------------------


def verified_client(client, user, device, clock):
    clock.shift(30)
    password_step(client, user)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    return client


def test_turning_off_needs_a_current_code(client, director, clock):
    device, _ = enrol(director)
    verified_client(client, director, device, clock)

    wrong = client.post(DISABLE, {"disable-code": "000000"})
    assert wrong.status_code == 400
    assert wrong.context["disable_form"].errors["code"] == [CODE_WRONG]
    assert TOTPDevice.objects.filter(user=director, confirmed=True).exists()

    clock.shift(30)
    done = client.post(DISABLE, {"disable-code": code_for(device)})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=director).exists()
    assert not StaticDevice.objects.filter(user=director).exists()
    # Still signed in; next time the password is enough.
    assert client.get(PAGE).status_code == 200


def test_turning_off_with_a_backup_code(client, director, clock):
    device, codes = enrol(director)
    verified_client(client, director, device, clock)

    assert client.post(DISABLE, {"disable-code": codes[3]}).status_code == 302
    assert not TOTPDevice.objects.filter(user=director).exists()


def test_turning_off_is_refused_while_the_program_requires_it(client, director, program, clock):
    device, _ = enrol(director)
    verified_client(client, director, device, clock)
    program.directors_require_two_factor = True
    program.save()
    clock.shift(30)

    response = client.post(DISABLE, {"disable-code": code_for(device)})

    assert response.status_code == 400
    assert response.context["disable_form"].non_field_errors() == [
        DISABLE_REQUIRED.format(programs="Riverside MFT")
    ]
    assert TOTPDevice.objects.filter(user=director, confirmed=True).exists()


def test_new_backup_codes_replace_the_old_ones_after_a_code(client, director, clock):
    device, old = enrol(director)
    verified_client(client, director, device, clock)

    refused = client.post(NEW_CODES, {"codes-code": "000000"})
    assert refused.status_code == 400
    assert sorted(
        StaticToken.objects.filter(device__user=director).values_list("token", flat=True)
    ) == sorted(old)

    clock.shift(30)
    response = client.post(NEW_CODES, {"codes-code": code_for(device)})

    new = response.context["codes"]
    assert response.status_code == 200
    assert len(new) == BACKUP_CODE_COUNT
    assert set(new).isdisjoint(old)
    assert sorted(
        StaticToken.objects.filter(device__user=director).values_list("token", flat=True)
    ) == sorted(new)


def test_new_backup_codes_keep_a_session_signed_in_with_a_backup_code(client, director, clock):
    """The page suggests new codes after a backup-code sign-in; making them must not end the
    session that the used code verified."""
    device, codes = enrol(director)
    password_step(client, director)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302

    clock.shift(30)
    response = client.post(NEW_CODES, {"codes-code": code_for(device)})

    assert response.status_code == 200
    assert client.get(PAGE).status_code == 200
    assert signed_in(client)


# --- what the gate remembers -------------------------------------------------------------------


def test_the_gate_costs_a_signed_in_person_without_a_device_no_query(client, trainee, clock):
    client.force_login(trainee.user)

    request = RequestFactory().get("/")
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(client.session.session_key)
    assert STATE_SESSION_KEY in request.session  # loaded here, as the session middleware would
    request.user = trainee.user
    request.user.is_verified = lambda: False
    gate = TwoFactorMiddleware(lambda r: HttpResponse("ok"))

    with CaptureQueriesContext(connection) as queries:
        response = gate(request)

    assert response.content == b"ok"
    assert [q["sql"] for q in queries.captured_queries] == []


def test_a_device_set_up_in_another_browser_ends_this_session_within_five_minutes(
    client, director, clock
):
    client.force_login(director)
    enrol(director)  # elsewhere

    assert client.get("/programs/").status_code == 200
    clock.shift(STATE_MAX_AGE + 1)
    response = client.get("/programs/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)
