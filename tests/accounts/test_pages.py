from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import Invitation, LoginAttempt
from accounts.services.invitations import (
    INVITATION_EXPIRED,
    INVITATION_INVALID,
    INVITATION_USED,
)
from accounts.services.sign_in import LOGIN_LOCKED, LOGIN_MAX_FAILURES
from tests.factories import EnrollmentFactory, TraineeFactory, UserFactory
from trainees.services.enrollments import enrollment_invite

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"


def test_sign_in_by_email_and_password(client, trainee):
    response = client.post(LOGIN, {"username": "Trainee@Example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_repeated_failures_lock_the_email_from_that_address_with_a_clear_message(client, trainee):
    for _ in range(LOGIN_MAX_FAILURES):
        client.post(
            LOGIN, {"username": "trainee@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )

    locked = client.post(
        LOGIN, {"username": "trainee@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    elsewhere = client.post(
        LOGIN, {"username": "trainee@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )

    assert locked.status_code == 200
    assert locked.context["form"].non_field_errors() == [LOGIN_LOCKED]
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_the_window(client, trainee):
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as traveller:
        for _ in range(LOGIN_MAX_FAILURES):
            client.post(LOGIN, {"username": "trainee@example.org", "password": "wrong"})
        traveller.shift(16 * 60)

        response = client.post(LOGIN, {"username": "trainee@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert LoginAttempt.objects.count() == 0


def test_password_reset_sends_a_working_link(client, trainee):
    client.post("/accounts/password-reset/", {"email": "trainee@example.org"})

    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    assert client.login(username="trainee@example.org", password="a-new-long-passphrase")


def test_password_reset_for_an_unknown_email_sends_nothing_but_looks_the_same(client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


@pytest.fixture
def invited(program):
    trainee = TraineeFactory(
        user=UserFactory(email="new@example.org", full_name="Nina New", password=None)
    )
    enrollment = EnrollmentFactory(trainee=trainee, program=program)
    return enrollment, enrollment_invite(enrollment=enrollment)


def test_an_invitation_sets_the_password_signs_in_and_is_single_use(client, invited):
    enrollment, issued = invited
    url = f"/accounts/invitation/{issued.token}/"

    page = client.get(url)
    response = client.post(
        url, {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"}
    )
    again = client.get(url)

    assert (
        "Join Program" in page.content.decode() or enrollment.program.name in page.content.decode()
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    enrollment.trainee.user.refresh_from_db()
    assert enrollment.trainee.user.check_password("a-long-new-passphrase")
    assert again.status_code == 410
    assert INVITATION_USED in again.content.decode()


def test_an_expired_invitation_is_refused(client, invited):
    _, issued = invited
    with time_machine.travel("2099-01-01"):
        response = client.get(f"/accounts/invitation/{issued.token}/")

    assert response.status_code == 410
    assert INVITATION_EXPIRED in response.content.decode()


def test_a_tampered_invitation_is_refused(client, invited):
    _, issued = invited

    response = client.get(f"/accounts/invitation/{issued.token[:-2]}xx/")

    assert response.status_code == 410
    assert INVITATION_INVALID in response.content.decode()


def test_a_weak_password_is_explained_and_the_invitation_stays_open(client, invited):
    _, issued = invited

    response = client.post(
        f"/accounts/invitation/{issued.token}/",
        {"new_password1": "short", "new_password2": "short"},
    )

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_invite_trainee_command_prints_a_link(invited):
    enrollment, _ = invited
    out = StringIO()

    call_command("invite_trainee", "--enrollment", str(enrollment.pk), stdout=out)

    assert out.getvalue().startswith("http://127.0.0.1:8000/accounts/invitation/")
    assert Invitation.objects.count() == 2
