"""Two-factor sign-in pages: the code step of signing in, set-up, backup codes, turning it off.

The code step never trusts a half-signed-in session: after the password, the session holds only
`PENDING_KEY` (who, with which password, since when) and `login()` is called after the code.
Until then the visitor is anonymous everywhere else on the site.
"""

import time
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TwoFactorCodeForm, client_ip
from accounts.models import User
from accounts.selectors.two_factor import (
    backup_codes_left,
    programs_directed_by,
    programs_requiring_two_factor_of,
    totp_device_confirmed,
    user_may_use_two_factor,
)
from accounts.services.sign_in import (
    LOGIN_LOCKED,
    login_failure_record,
    login_is_locked,
    login_success_record,
)
from accounts.services.two_factor import (
    BackupCodes,
    backup_codes_regenerate,
    two_factor_disable,
    two_factor_setup_begin,
    two_factor_setup_confirm,
    two_factor_verify,
)
from accounts.two_factor_session import two_factor_state_remember
from core.views import apply_errors

PENDING_KEY = "two_factor_pending"
# The unconfirmed authenticator this browser's set-up page showed.
SETUP_DEVICE_SESSION_KEY = "two_factor_setup_device"
# Long enough to find the phone, short enough that a forgotten half-sign-in goes stale.
PENDING_SECONDS = 5 * 60
PENDING_EXPIRED = "Your sign-in took too long. Enter your e-mail and password again."


def two_factor_pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    """Remember, in this browser's session only, that `user` passed the password step."""
    # A fresh session key: whoever knew the old one gains nothing from the password step.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0],
        # Changing the password (e.g. a reset) in the meantime voids the pending sign-in.
        "auth_hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = User.objects.filter(pk=int(pending.get("user_id", 0)), is_active=True).first()
    if user is None or not constant_time_compare(
        user.get_session_auth_hash(), str(pending.get("auth_hash", ""))
    ):
        del request.session[PENDING_KEY]
        return None
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        messages.info(request, PENDING_EXPIRED)
        return redirect("accounts:login")
    user, pending = found
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if login_is_locked(email=user.email, ip_address=ip):
            form.add_error("code", LOGIN_LOCKED)
        else:
            try:
                device = two_factor_verify(user=user, code=form.cleaned_data["code"])
            except ValidationError as error:
                # Wrong codes count with wrong passwords in the database-backed lock.
                login_failure_record(email=user.email, ip_address=ip)
                apply_errors(form, error)
            else:
                del request.session[PENDING_KEY]
                login(request, user, backend=pending["backend"])
                otp_login(request, device)
                login_success_record(email=user.email, ip_address=ip)
                if isinstance(device, StaticDevice):
                    left = backup_codes_left(user=user)
                    messages.warning(
                        request,
                        f"You signed in with a backup code; {left} left. "
                        "Make new ones on the two-factor page if you are running out.",
                    )
                return redirect(pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "email": user.email},
        status=400 if form.errors else 200,
    )


def _eligible_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user_may_use_two_factor(user=user):
        # Trainees are not offered two-factor sign-in; to them the page does not exist.
        raise Http404
    return user


def _security_context(user: User) -> dict[str, Any]:
    return {
        "device": totp_device_confirmed(user=user),
        "has_backup_device": StaticDevice.objects.filter(user=user, confirmed=True).exists(),
        "backup_codes_left": backup_codes_left(user=user),
        "required_by": programs_requiring_two_factor_of(user=user),
        "directed": programs_directed_by(user=user),
        "disable_form": TwoFactorCodeForm(prefix="disable"),
        "codes_form": TwoFactorCodeForm(prefix="codes"),
    }


@login_required
@never_cache
@require_http_methods(["GET"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    return render(request, "accounts/two_factor.html", _security_context(user))


def _qr_svg(device: TOTPDevice) -> str:
    # segno writes only <svg> and <path> elements from the encoded bits: nothing to escape.
    return mark_safe(  # noqa: S308 (segno's own SVG of the device's key, no user text)
        segno.make(device.config_url, error="m").svg_inline(
            scale=4,
            border=4,
            svgclass="qr-code",
            lineclass=None,
            title="QR code to scan with your authenticator app",
        )
    )


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _codes_page(request: HttpRequest, codes: BackupCodes, *, first: bool) -> HttpResponse:
    # Rendered, not redirected: backup codes are shown this once.
    return render(request, "accounts/two_factor_codes.html", {"codes": codes.codes, "first": first})


@login_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    if totp_device_confirmed(user=user) is not None:
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    # The authenticator this browser was shown; no other browser's can be confirmed here.
    started = request.session.get(SETUP_DEVICE_SESSION_KEY)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor_setup_confirm(
                # Nothing started in this browser: id 0 matches no device, "start again".
                user=user,
                code=form.cleaned_data["code"],
                device_id=started or 0,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(SETUP_DEVICE_SESSION_KEY, None)
            # This session proved the code: it is verified, and stays signed in.
            otp_login(request, device)
            two_factor_state_remember(request, user)
            messages.success(request, "Two-factor sign-in is on.")
            return _codes_page(request, codes, first=True)
    device = two_factor_setup_begin(user=user, resume=started)
    request.session[SETUP_DEVICE_SESSION_KEY] = device.pk
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _secret_text(device),
            "required_by": programs_requiring_two_factor_of(user=user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@sensitive_post_parameters("disable-code")
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    form = TwoFactorCodeForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            two_factor_disable(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Otherwise the gate, remembering a device, would end this now unverified session.
            two_factor_state_remember(request, user)
            messages.success(
                request, "Two-factor sign-in is off. Your backup codes no longer work."
            )
            return redirect("accounts:two_factor")
    context = _security_context(user) | {"disable_form": form}
    return render(request, "accounts/two_factor.html", context, status=400)


@login_required
@sensitive_post_parameters("codes-code")
@never_cache
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    form = TwoFactorCodeForm(request.POST, prefix="codes")
    if form.is_valid():
        try:
            codes = backup_codes_regenerate(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _codes_page(request, codes, first=False)
    context = _security_context(user) | {"codes_form": form}
    return render(request, "accounts/two_factor.html", context, status=400)
