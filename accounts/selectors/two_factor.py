"""Reads for two-factor sign-in: who may use it, who must, and which devices a person has.

A "device" here is a confirmed authenticator (TOTP) device, or a backup-code device that still
holds codes: either one can complete a sign-in, so either one means "this person signs in with a
second factor". A backup-code device with no codes left cannot, and does not count. Who may and
who must use one is the programs' business (accounts/two_factor_policy.py).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.two_factor_policy import ProgramPolicy, two_factor_policy


@dataclass(frozen=True)
class TwoFactorState:
    has_device: bool
    # A program the person directs or coordinates requires a second factor of its managers.
    required: bool


# django-otp ships no type hints: its querysets are typed here, where they are made.


def _confirmed_totp(user_ref: OuterRef) -> QuerySet[TOTPDevice]:
    devices: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user_ref, confirmed=True)
    return devices


def _usable_backup_codes(user_ref: OuterRef) -> QuerySet[StaticDevice]:
    devices: QuerySet[StaticDevice] = StaticDevice.objects.filter(
        user=user_ref, confirmed=True
    ).filter(Exists(StaticToken.objects.filter(device=OuterRef("pk"))))
    return devices


def two_factor_state(*, user: User) -> TwoFactorState:
    """One query: does the person have a device, and does one of their programs require one?"""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(_confirmed_totp(OuterRef("pk")))
            | Exists(_usable_backup_codes(OuterRef("pk"))),
            required=two_factor_policy().required_of(OuterRef("pk")),
        )
        .values_list("has_device", "required")
        .first()
    )
    if row is None:
        return TwoFactorState(has_device=False, required=False)
    return TwoFactorState(has_device=bool(row[0]), required=bool(row[1]))


def user_has_two_factor(*, user: User) -> bool:
    return two_factor_state(user=user).has_device


def user_may_use_two_factor(*, user: User) -> bool:
    """Staff of some kind may turn it on (see the policy); someone who already has a device (a
    former supervisor, say) can still see and turn off what they have."""
    if not user.is_authenticated:
        return False
    return two_factor_policy().may_use(user) or user_has_two_factor(user=user)


def programs_requiring_two_factor_of(*, user: User) -> list[ProgramPolicy]:
    return two_factor_policy().requiring(user)


def programs_directed_by(*, user: User) -> list[ProgramPolicy]:
    """Programs whose two-factor policy this person may set: those they direct."""
    return two_factor_policy().directed(user)


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def backup_codes_left(*, user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left
