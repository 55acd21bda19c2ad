"""Which navigation a signed-in person gets: trainee links, staff links, or both."""

from django import template
from django.http import HttpRequest

from trainees.selectors.navigation import roles_for

register = template.Library()


@register.simple_tag
def roles_of(request: HttpRequest) -> dict[str, bool]:
    return roles_for(request)
