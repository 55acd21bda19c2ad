"""External confirmation: the trainee's requests (signed in), and the confirmer's page (no
account; the signed link is the whole authority)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import client_ip
from accounts.models import User
from accounts.services.sign_in import login_failure_record, login_is_locked
from confirmations.forms import ConfirmationRequestForm, ConfirmForm
from confirmations.models import ExternalConfirmationRequest
from confirmations.selectors import (
    confirmation_requests_of,
    session_lines,
    sessions_to_request,
    trainee_programs,
)
from confirmations.services.requests import (
    LinkGone,
    LinkNotFound,
    external_confirmation_confirm,
    external_confirmation_decline,
    external_confirmation_from_token,
    external_confirmation_request,
    external_confirmation_resend,
    external_confirmation_revoke,
)
from core.views import apply_errors
from trainees.decorators import trainee_view
from trainees.models import Trainee

# Failed link guesses share the sign-in throttle's table, under a key no e-mail can take.
THROTTLE_KEY = "external-confirmation-link"
TOO_MANY = "Too many attempts from your network. Wait 15 minutes and try again."


@trainee_view
def external_confirmation_list(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    return render(
        request,
        "confirmations/list.html",
        {"requests": confirmation_requests_of(trainee)},
    )


@trainee_view
def external_confirmation_new(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    sessions = sessions_to_request(trainee)
    if request.method == "POST":
        form = ConfirmationRequestForm(request.POST, sessions=sessions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = external_confirmation_request(
                    trainee=trainee,
                    actor=user,
                    session_ids=[s.pk for s in data["sessions"]],
                    confirmer_name=data["confirmer_name"],
                    confirmer_email=data["confirmer_email"],
                    message=data["message"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Request sent to {created.confirmer_email}. The link works until "
                    f"{created.expires_at:%d %b %Y}.",
                )
                return redirect("confirmations:list")
    else:
        chosen = [v for v in request.GET.getlist("session") if v.isdigit()]
        form = ConfirmationRequestForm(initial={"sessions": chosen}, sessions=sessions)
    chosen_ids = {str(v) for v in (form["sessions"].value() or [])}
    return render(
        request,
        "confirmations/new.html",
        {"form": form, "sessions": list(sessions), "chosen_ids": chosen_ids},
    )


def _own_request(trainee: Trainee, pk: int) -> ExternalConfirmationRequest:
    return get_object_or_404(ExternalConfirmationRequest.objects.filter(trainee=trainee), pk=pk)


@require_POST
@trainee_view
def external_confirmation_revoke_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    try:
        external_confirmation_revoke(request=_own_request(trainee, pk), actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Request cancelled; its link no longer works.")
    return redirect("confirmations:list")


@require_POST
@trainee_view
def external_confirmation_resend_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    try:
        external_confirmation_resend(request=_own_request(trainee, pk), actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Sent again with a new link; the earlier link no longer works.")
    return redirect("confirmations:list")


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The token is in the address: never hand it to another site, nor to a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _unusable(request: HttpRequest, error: LinkNotFound | LinkGone) -> HttpResponse:
    if isinstance(error, LinkGone):
        return _page(request, "confirmations/confirm_gone.html", {"message": error.message}, 410)
    return _page(request, "confirmations/confirm_gone.html", {"message": str(error)}, 404)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def external_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link. A GET only shows the page (mail scanners fetch every link); the
    confirmation is a POST with the typed name and the ticked box."""
    ip = client_ip(request)
    if request.method == "POST" and login_is_locked(email=THROTTLE_KEY, ip_address=ip):
        return _page(request, "confirmations/confirm_gone.html", {"message": TOO_MANY}, 429)
    try:
        confirmation = external_confirmation_from_token(token=token)
    except LinkNotFound as error:
        if request.method == "POST":
            login_failure_record(email=THROTTLE_KEY, ip_address=ip)
        return _unusable(request, error)
    except LinkGone as error:
        return _unusable(request, error)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = request.META.get("HTTP_USER_AGENT", "")
        declining = request.POST.get("action") == "decline"
        try:
            if declining:
                external_confirmation_decline(
                    token=token,
                    reason=data["decline_reason"],
                    confirmed_name=data["confirmed_name"],
                    ip_address=ip,
                    user_agent=agent,
                )
            else:
                external_confirmation_confirm(
                    token=token,
                    confirmed_name=data["confirmed_name"],
                    attested=data["attest"],
                    ip_address=ip,
                    user_agent=agent,
                )
        except (LinkNotFound, LinkGone) as error:
            return _unusable(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _page(
                request,
                "confirmations/confirm_done.html",
                {"declined": declining, "trainee_name": confirmation.trainee.user.get_full_name()},
            )
    return _page(
        request,
        "confirmations/confirm.html",
        {
            "form": form,
            "confirmation": confirmation,
            "trainee_name": confirmation.trainee.user.get_full_name(),
            "programs": trainee_programs(confirmation),
            "lines": session_lines(confirmation),
        },
    )
