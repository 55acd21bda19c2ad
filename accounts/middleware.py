"""The gate for two-factor sign-in, on every request of a signed-in person.

1. A session of a person who has a device but was never verified in it is ended. Our sign-in
   page only calls `login()` after the code step, so such a session comes from somewhere else: the
   Django admin's own sign-in form (which is also redirected to ours), an invitation accepted by
   someone with a device, or a session that was open when the person turned two-factor on in
   another browser. Ending it, rather than trusting every such path to be right, is a second
   line behind the code step itself.
2. A director or coordinator of a program that requires two-factor sign-in, without a device, is
   sent to the set-up page from every page (API calls with the session get a 403) until they have
   set it up. Signing out, the sign-in pages and the set-up itself stay reachable.

API keys and personal tokens are not sessions and pass untouched: they are machine credentials.
Cost: no query for a session without a device (what the gate knows is remembered in the session,
see two_factor_session.py); a verified session costs django-otp's lookup of its device.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import User
from accounts.two_factor_session import two_factor_state_of

API_PREFIX = "/api/"
TWO_FACTOR_REQUIRED_API = (
    "Your program requires two-factor sign-in. Set it up at {url} before using the API with "
    "your browser session."
)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self._gate(request)
        if response is not None:
            return response
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponseBase | None:
        admin_login = reverse("admin:login")
        if request.path == admin_login:
            # The admin's sign-in form would skip the code step: use ours, which returns here.
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        is_verified = getattr(user, "is_verified", None)  # installed by OTPMiddleware
        if is_verified is not None and is_verified():
            return None
        state = two_factor_state_of(request, user)
        if state.has_device:
            logout(request)
            return None
        if state.required and not self._exempt(request):
            setup = reverse("accounts:two_factor_setup")
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {
                        "error": {
                            "status": 403,
                            "code": "two_factor_required",
                            "message": TWO_FACTOR_REQUIRED_API.format(url=setup),
                        }
                    },
                    status=403,
                )
            return redirect(setup)
        return None

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # Everything under /accounts/: sign-in, sign-out, password reset, the two-factor pages.
        return request.path.startswith(reverse("accounts:logout").removesuffix("logout/"))
