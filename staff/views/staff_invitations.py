"""Inviting supervisors and coordinators, singly or from a CSV file (all or nothing, errors by
line). Directors and coordinators of the program only (program_view); anyone else 404."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from core.problems import InputFileError
from core.views import apply_errors
from programs.models import Program, ProgramRole
from programs.services.staff_invitations import (
    INVITABLE_ROLES,
    StaffInvitation,
    staff_csv_import,
    staff_csv_parse,
    staff_invite,
)
from staff.forms import StaffCsvForm, StaffInviteForm
from staff.views.common import program_view
from staff.views.invitation_mail import InvitationMail, invitations_send

STAFF_INVITATION_SUBJECT = "Your Countersign invitation: {program}"


def _mail(request: HttpRequest, program: Program, issued: StaffInvitation) -> InvitationMail:
    """The invitation's e-mail, with the set-password link (None for someone who already signs
    in). Sent after the service's transaction has committed: never hold one across SMTP."""
    role = "a supervisor" if issued.role == ProgramRole.Role.SUPERVISOR else "a coordinator"
    subject = STAFF_INVITATION_SUBJECT.format(program=program.name)
    address = issued.user.email
    if issued.token is None or issued.uidb64 is None:
        sign_in = request.build_absolute_uri(reverse("accounts:login"))
        body = (
            f"You have been added to {program.name} on Countersign as {role}.\n\n"
            f"Sign in with your usual e-mail and password:\n{sign_in}\n"
        )
        return InvitationMail(address, None, lambda: send_mail(subject, body, None, [address]))
    link = request.build_absolute_uri(
        reverse("accounts:password_reset_confirm", args=[issued.uidb64, issued.token])
    )
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    body = (
        f"You have been added to {program.name} on Countersign as {role}.\n\n"
        f"Set your password and sign in here (the link works once, for {days} days):\n{link}\n"
    )
    return InvitationMail(address, link, lambda: send_mail(subject, body, None, [address]))


def _context(program: Program, **extra: Any) -> dict[str, Any]:
    staff = (
        ProgramRole.objects.filter(program=program, role__in=INVITABLE_ROLES)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )
    return {
        "program": program,
        "staff": staff,
        "form": StaffInviteForm(),
        "csv_form": StaffCsvForm(),
        **extra,
    }


@program_view
@require_http_methods(["GET", "POST"])
def staff_invite_page(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            issued = staff_invite(
                program=program,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                created_by=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            mail = _mail(request, program, issued)
            unsent = invitations_send([mail])
            # Rendered, not redirected: the link is shown this once and never stored.
            return render(
                request,
                "staff/staff_invite.html",
                _context(program, invited=issued, link=mail.link, unsent=unsent),
            )
    return render(
        request,
        "staff/staff_invite.html",
        _context(program, form=form),
        status=400 if form.is_bound else 200,
    )


@program_view
@require_POST
def staff_upload(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    csv_form = StaffCsvForm(request.POST, request.FILES)
    context = _context(program, csv_form=csv_form)
    if csv_form.is_valid():
        text = csv_form.cleaned_data["staff"]
        try:
            issued = staff_csv_import(
                program=program, rows=staff_csv_parse(text=text), created_by=user
            )
        except InputFileError as error:
            context["problems"] = error.problems
        else:
            unsent = invitations_send(_mail(request, program, i) for i in issued)
            invited = f"Invited {len(issued)} {'person' if len(issued) == 1 else 'people'}."
            messages.success(request, invited)
            if unsent:
                # Rendered: the links that did not go out are shown this once.
                return render(request, "staff/staff_invite.html", _context(program, unsent=unsent))
            return redirect(reverse("staff:staff_invite", args=[program.slug]))
    return render(request, "staff/staff_invite.html", context, status=400)
