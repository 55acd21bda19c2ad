from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from core.views import apply_errors
from trainees.forms import NotificationPreferenceForm
from trainees.models import Trainee
from trainees.services.preferences import notification_preference_get, notification_preference_set
from trainees.views.common import trainee_view


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
                return redirect("trainees:notifications")
    else:
        form = NotificationPreferenceForm(
            initial={
                "kinds": current.kinds,
                "weekday": current.weekday,
                "hour": current.hour,
                "time_zone": current.time_zone,
            }
        )
    return render(request, "trainees/notifications.html", {"form": form})
