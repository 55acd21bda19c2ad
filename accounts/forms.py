"""Sign-in with database-backed throttling, and the invitation's set-password form."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest

from accounts.selectors.two_factor import user_has_two_factor
from accounts.services.sign_in import (
    LOGIN_LOCKED,
    login_failure_record,
    login_is_locked,
    login_success_record,
)


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address. Behind a proxy, configure it to set REMOTE_ADDR (never trust XFF here)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_username(self) -> str:
        # Emails are stored lower-cased; Ana@X.org signs in as ana@x.org.
        return str(self.cleaned_data["username"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        ip = client_ip(self.request)
        if email and login_is_locked(email=email, ip_address=ip):
            raise forms.ValidationError(LOGIN_LOCKED, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                login_failure_record(email=email, ip_address=ip)
            raise
        user = self.get_user()
        # With a second step to come, the failures are cleared only when that step succeeds:
        # otherwise the right password would reset the count of wrong codes (views_two_factor).
        if user is None or not user_has_two_factor(user=user):
            login_success_record(email=email, ip_address=ip)
        return cleaned


class InvitationPasswordForm(SetPasswordForm):
    """Django's set-password form: two entries, the password validators explain themselves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PlainPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TwoFactorCodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a backup code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        required=False,  # the service says what is missing, in the same words everywhere
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
