"""Routes whose only authority is a signed token. The matrix shows a bad token is refused by
status; Django's password-reset confirmation answers a bad link with 200 and an "invalid link"
page, so the status alone would not show the token was checked: this does. An external
confirmation link is checked beyond its signature: it must carry the nonce last e-mailed."""

from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from confirmations.services.requests import SALT
from tests.authorization.world import World, stored_rows


def test_a_bad_password_reset_token_changes_no_password(world: World) -> None:
    # given: a real account's id with a token that was never issued
    user = world.people["trainee"]
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": "bad-token"},
    )
    before = dict(User.objects.values_list("pk", "password"))

    # when
    shown = Client().get(path)
    posted = Client().post(
        path, {"new_password1": "a-new-horse-battery", "new_password2": "a-new-horse-battery"}
    )

    # then
    assert shown.status_code == 200
    assert shown.context["validlink"] is False
    assert posted.status_code == 200
    assert posted.context["validlink"] is False
    assert dict(User.objects.values_list("pk", "password")) == before


def test_a_signed_confirmation_link_without_the_emailed_nonce_confirms_nothing(
    world: World,
) -> None:
    # given: a correctly signed link naming the trainee's waiting request, with a nonce that was
    # never e-mailed (what a link replaced by "send again" looks like)
    request = world.confirmation["ours"]
    token = signing.dumps({"i": request.pk, "n": "never-issued"}, salt=SALT, compress=True)
    path = reverse("confirmations:confirm", kwargs={"token": token})
    before = stored_rows()

    # when
    shown = Client().get(path)
    posted = Client().post(
        path, {"confirmed_name": "Pat Outside", "attest": "on", "action": "confirm"}
    )

    # then
    assert shown.status_code == 404
    assert posted.status_code == 404
    assert stored_rows() == before
