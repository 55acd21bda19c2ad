"""Who may, and who must, sign in with a second factor: the question accounts asks upward.

Both answers depend on roles that live in higher rooms (a program's directors and coordinators,
the supervisors of a trainee), and accounts is the lowest room: it imports none of them. So
accounts states the questions here, and settings.TWO_FACTOR_POLICY names the class that answers
them (trainees.two_factor_policy.ProgramTwoFactorPolicy), as AUTHENTICATION_BACKENDS names the
code that checks a password. Without it, only site staff may turn two-factor sign-in on and no
one is required to.
"""

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db.models import Exists, OuterRef, Value
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True, slots=True)
class ProgramPolicy:
    """A program's rule for its managers, as the two-factor pages show it."""

    name: str
    required: bool
    # Where its director changes the rule; None for those who may not.
    change_url: str | None = None


class TwoFactorPolicy(Protocol):
    def required_of(self, user_ref: OuterRef) -> Exists | Value:
        """An expression, true when a program the person manages requires a second factor
        (a subquery, so the sign-in gate answers in one query with the device check)."""
        ...

    def requiring(self, user: "User") -> list[ProgramPolicy]:
        """The programs that require it of this person, by name."""
        ...

    def directed(self, user: "User") -> list[ProgramPolicy]:
        """The programs whose rule this person sets (they direct them)."""
        ...

    def may_use(self, user: "User") -> bool:
        """Whether the person is offered two-factor sign-in at all (staff of some kind)."""
        ...


class SiteStaffOnly:
    """The policy without programs: site staff may use it, nobody must."""

    def required_of(self, user_ref: OuterRef) -> Exists | Value:
        return Value(False)

    def requiring(self, user: "User") -> list[ProgramPolicy]:
        return []

    def directed(self, user: "User") -> list[ProgramPolicy]:
        return []

    def may_use(self, user: "User") -> bool:
        return bool(user.is_staff or user.is_superuser)


@cache
def two_factor_policy() -> TwoFactorPolicy:
    path = getattr(settings, "TWO_FACTOR_POLICY", None)
    policy: TwoFactorPolicy = import_string(path)() if path else SiteStaffOnly()
    return policy
