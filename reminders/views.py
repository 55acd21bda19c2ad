from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.views import apply_errors
from reminders.forms import NotificationPreferenceForm
from reminders.models import Delivery, Kind
from reminders.services.preferences import notification_preference_get, notification_preference_set
from reminders.services.sending import unsubscribe
from reminders.tokens import unsubscribe_token_read
from trainees.decorators import trainee_view
from trainees.models import Trainee


# CSRF-exempt on purpose: RFC 8058 one-click unsubscribe is a POST from the mail client, and the
# signed token (not a session) is the whole authority. A GET only shows the confirmation page,
# because link scanners fetch every URL in an e-mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "reminders/unsubscribe_invalid.html", status=404)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=404)
    done = False
    if request.method == "POST":
        unsubscribe(user_id=user_id, kind=kind)
        done = True
    return render(
        request,
        "reminders/unsubscribe.html",
        {"kind_label": Kind(kind).label, "email": user.email, "done": done},
    )


@staff_member_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    deliveries = Delivery.objects.select_related("recipient", "program")
    email = request.GET.get("recipient", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if email:
        deliveries = deliveries.filter(recipient__email__iexact=email)
    if kind in Kind.values:
        deliveries = deliveries.filter(kind=kind)
    if status:
        deliveries = deliveries.filter(status=status)
    return render(
        request,
        "reminders/delivery_list.html",
        {
            "deliveries": deliveries.order_by("-due_at", "-id")[:200],
            "kinds": Kind.choices,
            "filters": {"recipient": email, "kind": kind, "status": status},
        },
    )


@trainee_view
def notification_preferences(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    current = notification_preference_get(user=user)
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST)
        if form.is_valid():
            try:
                notification_preference_set(user=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Reminder preferences saved.")
                return redirect("reminders:preferences")
    else:
        form = NotificationPreferenceForm(
            initial={
                "kinds": current.kinds,
                "weekday": current.weekday,
                "hour": current.hour,
                "time_zone": current.time_zone,
            }
        )
    return render(request, "reminders/preferences.html", {"form": form})
