"""What the two-factor gate knows about the signed-in person, remembered in their session.

Worked out at sign-in and again at most every `STATE_MAX_AGE` seconds (and at once after the
person changes it themselves), not on every request: trainee pages promise a small, fixed number
of queries, and nearly every request is a trainee's. The price is a bounded delay: a policy
turned on, or a device set up in another browser, reaches an already open session within five
minutes. Signing in never waits on it: the code step is enforced by not calling login() before
the code (views_two_factor.py), whatever this says.
"""

import time
from typing import Any

from django.http import HttpRequest

from accounts.models import User
from accounts.selectors.two_factor import TwoFactorState, two_factor_state

STATE_SESSION_KEY = "two_factor_state"
STATE_MAX_AGE = 5 * 60


def two_factor_state_remember(request: HttpRequest, user: User) -> TwoFactorState:
    state = two_factor_state(user=user)
    request.session[STATE_SESSION_KEY] = {
        "user_id": user.pk,
        "has_device": state.has_device,
        "required": state.required,
        "at": int(time.time()),
    }
    return state


def two_factor_state_of(request: HttpRequest, user: User) -> TwoFactorState:
    remembered = request.session.get(STATE_SESSION_KEY)
    if (
        isinstance(remembered, dict)
        and remembered.get("user_id") == user.pk
        and time.time() - float(remembered.get("at", 0)) < STATE_MAX_AGE
    ):
        return TwoFactorState(
            has_device=bool(remembered.get("has_device")),
            required=bool(remembered.get("required")),
        )
    return two_factor_state_remember(request, user)


def remember_on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver."""
    if request is not None and hasattr(request, "session") and isinstance(user, User):
        two_factor_state_remember(request, user)
