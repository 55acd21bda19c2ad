"""Sign-in (throttled), sign-out, password reset (Django's views) and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import InvitationPasswordForm, ThrottledAuthenticationForm
from accounts.models import User
from accounts.selectors.two_factor import user_has_two_factor
from accounts.services.invitations import invitation_accept, invitation_from_token
from accounts.views.two_factor import two_factor_pending_start


class SignInView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if isinstance(user, User) and user_has_two_factor(user=user):
            # Not signed in yet: the code step calls login() (accounts/views_two_factor.py).
            two_factor_pending_start(self.request, user, self.get_success_url())
            return redirect("accounts:two_factor_verify")
        return super().form_valid(form)


@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token=token)
    except ValidationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": error.messages[0]}, status=410
        )
    user = invitation.enrollment.trainee.user
    form = InvitationPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.enrollment.program.name}.")
            return redirect("logbook:home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
