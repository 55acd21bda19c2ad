"""Two-factor sign-in: set up an authenticator app, verify codes, backup codes, turn it off.

Built on django-otp. Codes are single-use: a TOTP device remembers the time step of the last code
it accepted (`last_t`) and refuses any code at or before it, and a backup code is deleted when
used. Every check runs through `django_otp.verify_token`, which locks the device row for the
check, so two requests racing with one code cannot both pass. Wrong codes back off exponentially
per device (django-otp's throttling: 1, 2, 4, 8 ... seconds).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.selectors.two_factor import (
    programs_requiring_two_factor_of,
    totp_device_confirmed,
    user_may_use_two_factor,
)

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

CODE_MISSING = "Enter the 6-digit code from your authenticator app, or a backup code."
CODE_WRONG = (
    "That code is not right, or it was already used. Enter the current code from your "
    "authenticator app (check that the phone's clock is set automatically), or an unused backup code."
)
CODE_THROTTLED = "Too many wrong codes. Wait {seconds} seconds, then enter the current code."
SETUP_NOT_OFFERED = "Two-factor sign-in is offered to staff only."
SETUP_ALREADY_ON = "Two-factor sign-in is already on for your account."
SETUP_NOT_STARTED = "Start the set-up again: no authenticator is waiting to be confirmed."
NOT_ON = "Two-factor sign-in is not on for your account."
DISABLE_REQUIRED = (
    "{programs} requires two-factor sign-in of its directors and coordinators, so you cannot turn "
    "it off."
)


@dataclass(frozen=True)
class BackupCodes:
    codes: list[str]


def _normalise(code: str) -> str:
    # Authenticator apps show "123 456"; backup codes are read aloud or copied with hyphens.
    return "".join(ch for ch in code if ch.isalnum()).lower()


def _wait_seconds(device: Device) -> int | None:
    """Seconds until the device accepts another attempt, or None when it accepts one now."""
    if not isinstance(device, ThrottlingMixin):
        return None
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until: datetime | None = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _throttled_error(device: Device) -> ValidationError | None:
    seconds = _wait_seconds(device)
    if seconds is None:
        return None
    return ValidationError({"code": CODE_THROTTLED.format(seconds=seconds)}, code="throttled")


def _candidates(*, user: User, code: str) -> list[Device]:
    """The device a code is meant for: six digits is an authenticator code, anything else a
    backup code. Checking one device only means one wrong code costs one throttle step."""
    if code.isdigit() and len(code) == 6:
        device = totp_device_confirmed(user=user)
        return [device] if device else []
    return list(StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk")[:1])


def two_factor_verify(*, user: User, code: str) -> Device:
    """Check a code against the person's confirmed devices; the code is used up.

    Returns the device that accepted it. Raises ValidationError (field `code`) for a missing,
    wrong, replayed or throttled code. Not idempotent: a code passes once.
    """
    code = _normalise(code)
    if not code:
        raise ValidationError({"code": CODE_MISSING}, code="required")
    devices = _candidates(user=user, code=code)
    for device in devices:
        throttled = _throttled_error(device)
        if throttled is not None:
            raise throttled
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    raise ValidationError({"code": CODE_WRONG}, code="wrong")


def two_factor_setup_begin(*, user: User, resume: int | None = None) -> TOTPDevice:
    """A new authenticator waiting to be confirmed, or the one `resume` names if it is still
    waiting (the set-up page passes the one this browser started, so a reload shows the same
    secret and a half-scanned code stays valid).

    Starting afresh discards every other unconfirmed authenticator of the person: a secret shown
    to one browser (perhaps someone who has only the password) never becomes the one another
    browser confirms.
    """
    if not user_may_use_two_factor(user=user):
        raise ValidationError(SETUP_NOT_OFFERED, code="not_offered")
    if totp_device_confirmed(user=user) is not None:
        raise ValidationError(SETUP_ALREADY_ON, code="already_on")
    with transaction.atomic():
        waiting = TOTPDevice.objects.filter(user=user, confirmed=False)
        if resume is not None:
            pending = waiting.filter(pk=resume).first()
            if pending is not None:
                return pending
        waiting.delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def _backup_codes_replace(*, user: User) -> BackupCodes:
    # The device row stays and only its codes change: a session signed in with a backup code
    # is verified by this device, and deleting it would sign that session out.
    devices = StaticDevice.objects.filter(user=user).order_by("pk")
    device = devices.first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    else:
        devices.exclude(pk=device.pk).delete()
        StaticToken.objects.filter(device=device).delete()
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return BackupCodes(codes=codes)


def two_factor_setup_confirm(
    *, user: User, code: str, device_id: int | None = None
) -> tuple[TOTPDevice, BackupCodes]:
    """Confirm the pending authenticator (`device_id`: the one this browser was shown; the set-up
    page always names it) with a current code from it, and issue backup codes (returned once;
    they are not shown again). Raises ValidationError for a wrong code."""
    with transaction.atomic():
        waiting = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
        if device_id is not None:
            waiting = waiting.filter(pk=device_id)
        device = waiting.order_by("pk").first()
        if device is None:
            raise ValidationError(
                SETUP_ALREADY_ON if totp_device_confirmed(user=user) else SETUP_NOT_STARTED,
                code="not_pending",
            )
        throttled = _throttled_error(device)
        if throttled is not None:
            raise throttled
        normalised = _normalise(code)
        if not normalised:
            raise ValidationError({"code": CODE_MISSING}, code="required")
        # A wrong code's throttle step must be committed, so the error is raised after the block.
        accepted = device.verify_token(normalised)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # One authenticator per person: others left by abandoned set-ups go.
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _backup_codes_replace(user=user)
    if not accepted:
        raise ValidationError({"code": CODE_WRONG}, code="wrong")
    return device, codes


def backup_codes_regenerate(*, user: User, code: str) -> BackupCodes:
    """New backup codes (the old ones stop working), after a current code. Raises ValidationError."""
    if totp_device_confirmed(user=user) is None:
        raise ValidationError(NOT_ON, code="not_on")
    two_factor_verify(user=user, code=code)
    with transaction.atomic():
        return _backup_codes_replace(user=user)


def two_factor_disable(*, user: User, code: str) -> None:
    """Remove the person's authenticator and backup codes, after a current code (or a backup
    code). Refused while a program they manage requires two-factor sign-in."""
    required_by = programs_requiring_two_factor_of(user=user)
    if required_by:
        raise ValidationError(
            DISABLE_REQUIRED.format(programs=", ".join(p.name for p in required_by)),
            code="required",
        )
    if (
        totp_device_confirmed(user=user) is None
        and not StaticDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        raise ValidationError(NOT_ON, code="not_on")
    two_factor_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
