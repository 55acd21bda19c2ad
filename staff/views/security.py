"""A program's sign-in policy page, for the program's directors only.

Coordinators, supervisors, other programs' directors and site staff get a 404, as for any object
outside their scope (site staff can change the field in the Django admin if they must).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.two_factor_session import two_factor_state_remember
from core.forms import PlainForm
from core.views import apply_errors
from programs.models import Program
from programs.selectors import program_policy_changes, programs_directed_by
from programs.services.sign_in_policy import program_two_factor_policy_set


class TwoFactorPolicyForm(PlainForm):
    required = forms.BooleanField(
        label="Directors and coordinators must use two-factor sign-in",
        required=False,
        help_text="Those without an authenticator are sent to set one up before any other page.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=300,
        required=False,  # the service names a missing reason
        widget=forms.TextInput(),
    )


def _directed_program(user: User, slug: str) -> Program:
    return get_object_or_404(programs_directed_by(user=user), slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def program_security(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    program = _directed_program(user, slug)
    form = TwoFactorPolicyForm(
        request.POST or None, initial={"required": program.directors_require_two_factor}
    )
    if form.is_bound and form.is_valid():
        required = form.cleaned_data["required"]
        try:
            program_two_factor_policy_set(
                program=program, required=required, actor=user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # The director's own session learns of the policy now, not at the next re-check.
            two_factor_state_remember(request, user)
            messages.success(
                request,
                "Two-factor sign-in is now "
                + ("required" if required else "optional")
                + f" for the directors and coordinators of {program.name}.",
            )
            return redirect("staff:security", slug=program.slug)
    changes = program_policy_changes(program=program)
    return render(
        request,
        "staff/security.html",
        {"program": program, "form": form, "changes": changes},
        status=400 if form.errors else 200,
    )
