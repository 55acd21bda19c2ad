"""Which navigation a signed-in person gets: trainee links, staff links, or both."""

from dataclasses import dataclass

from django import template

from accounts.models import User
from trainees.models import Trainee
from trainees.selectors.access import programs_managed_by
from trainees.views.supervisor import is_supervisor

register = template.Library()


@dataclass(frozen=True, slots=True)
class Roles:
    trainee: bool
    manages: bool
    supervises: bool


@register.simple_tag
def roles_of(user: object) -> Roles:
    if not isinstance(user, User) or not user.is_authenticated:
        return Roles(trainee=False, manages=False, supervises=False)
    trainee = Trainee.objects.filter(user=user).exists()
    manages = programs_managed_by(user).exists()
    supervises = is_supervisor(user)
    # Someone with no role at all still gets the trainee links (they lead to a "no record" page).
    return Roles(
        trainee=trainee or not (manages or supervises), manages=manages, supervises=supervises
    )
