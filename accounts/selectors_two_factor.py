"""Reads for two-factor sign-in: who may use it, who must, and which devices a person has.

A "device" here is a confirmed authenticator (TOTP) device, or a backup-code device that still
holds codes: either one can complete a sign-in, so either one means "this person signs in with a
second factor". A backup-code device with no codes left cannot, and does not count.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorPolicyChange, User
from programs.models import Program, ProgramRole
from trainees.models import Session, SupervisorAssignment
from trainees.selectors.access import MANAGING_ROLES

STAFF_ROLES = (
    ProgramRole.Role.DIRECTOR,
    ProgramRole.Role.COORDINATOR,
    ProgramRole.Role.SUPERVISOR,
)


@dataclass(frozen=True)
class TwoFactorState:
    has_device: bool
    # A program the person directs or coordinates requires a second factor of its managers.
    required: bool


def _confirmed_totp(user_ref: OuterRef) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user_ref, confirmed=True)


def _usable_backup_codes(user_ref: OuterRef) -> QuerySet[StaticDevice]:
    return StaticDevice.objects.filter(user=user_ref, confirmed=True).filter(
        Exists(StaticToken.objects.filter(device=OuterRef("pk")))
    )


def _requiring_programs(user_ref: OuterRef) -> QuerySet[ProgramRole]:
    return ProgramRole.objects.filter(
        user=user_ref, role__in=MANAGING_ROLES, program__directors_require_two_factor=True
    )


def two_factor_state(*, user: User) -> TwoFactorState:
    """One query: does the person have a device, and does one of their programs require one?"""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(_confirmed_totp(OuterRef("pk")))
            | Exists(_usable_backup_codes(OuterRef("pk"))),
            required=Exists(_requiring_programs(OuterRef("pk"))),
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
    """Staff (site staff, a director, coordinator or supervisor anywhere, or someone who
    countersigns sessions) may turn it on.

    Trainees who are nothing else are not offered it; someone who already has a device (a former
    supervisor, say) can still see and turn off what they have.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # The same people the navigation treats as managing or supervising (programs/nav.py).
    return (
        ProgramRole.objects.filter(user=user, role__in=STAFF_ROLES).exists()
        or SupervisorAssignment.objects.filter(supervisor=user).exists()
        or Session.objects.filter(provider=user).exists()
        or user_has_two_factor(user=user)
    )


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def programs_requiring_two_factor_of(*, user: User) -> list[Program]:
    return list(
        Program.objects.filter(
            roles__user=user,
            roles__role__in=MANAGING_ROLES,
            directors_require_two_factor=True,
        )
        .distinct()
        .order_by("name")
    )


def programs_directed_by(*, user: User) -> QuerySet[Program]:
    """Programs whose two-factor policy this person may set: those they direct."""
    return (
        Program.objects.filter(roles__user=user, roles__role=ProgramRole.Role.DIRECTOR)
        .distinct()
        .order_by("name")
    )


def program_policy_changes(*, program: Program, limit: int = 20) -> list[TwoFactorPolicyChange]:
    """The latest changes to the program's sign-in policy, newest first, with who made them."""
    return list(
        TwoFactorPolicyChange.objects.filter(program=program).select_related("changed_by")[:limit]
    )
