"""Who may and who must sign in with a second factor, from programs' roles and supervision.

The answer accounts asks for (accounts/two_factor_policy.py), named by settings.TWO_FACTOR_POLICY.
It lives here, the lowest room that knows both a program's managers and who supervises whom.
"""

from django.db.models import Exists, OuterRef, Value
from django.urls import reverse

from accounts.models import User
from accounts.two_factor_policy import ProgramPolicy
from programs.models import MANAGING_ROLES, STAFF_ROLES, ProgramRole
from programs.selectors import programs_directed_by, programs_requiring_two_factor_of
from trainees.models import Session, SupervisorAssignment


class ProgramTwoFactorPolicy:
    """A program may require a second factor of its directors and coordinators; anyone who is
    staff somewhere (site staff, a director, coordinator or supervisor, someone who countersigns
    sessions) may turn it on. Trainees who are nothing else are not offered it."""

    def required_of(self, user_ref: OuterRef) -> Exists | Value:
        return Exists(
            ProgramRole.objects.filter(
                user=user_ref, role__in=MANAGING_ROLES, program__directors_require_two_factor=True
            )
        )

    def requiring(self, user: User) -> list[ProgramPolicy]:
        return [
            ProgramPolicy(name=p.name, required=True)
            for p in programs_requiring_two_factor_of(user=user)
        ]

    def directed(self, user: User) -> list[ProgramPolicy]:
        return [
            ProgramPolicy(
                name=p.name,
                required=p.directors_require_two_factor,
                change_url=reverse("staff:security", args=[p.slug]),
            )
            for p in programs_directed_by(user=user)
        ]

    def may_use(self, user: User) -> bool:
        if user.is_staff or user.is_superuser:
            return True
        # The same people the navigation treats as managing or supervising (trainees/selectors/navigation.py).
        return (
            ProgramRole.objects.filter(user=user, role__in=STAFF_ROLES).exists()
            or SupervisorAssignment.objects.filter(supervisor=user).exists()
            or Session.objects.filter(provider=user).exists()
        )
