"""Recurring sessions: define a weekly pattern, confirm or skip each proposed date."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from core.views import apply_errors
from logbook.forms import RecurringForm
from trainees.decorators import trainee_view
from trainees.models import RecurringSession, Trainee
from trainees.selectors.dashboard import trainee_categories, user_today
from trainees.services.recurring import (
    recurring_confirm,
    recurring_create,
    recurring_proposals,
    recurring_skip,
    recurring_stop,
)


def _own_pattern(trainee: Trainee, pk: int) -> RecurringSession:
    return get_object_or_404(
        RecurringSession.objects.filter(trainee=trainee).select_related("trainee", "category"),
        pk=pk,
    )


@trainee_view
def recurring_list(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    today = user_today(user)
    categories = trainee_categories(trainee=trainee)
    if request.method == "POST":
        form = RecurringForm(request.POST, categories=categories)
        if form.is_valid():
            try:
                recurring_create(trainee=trainee, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Saved. Each week's session will wait here for you.")
                return redirect("logbook:recurring")
    else:
        form = RecurringForm(
            initial={"starts_on": today, "duration_minutes": 50, "weekday": today.weekday()},
            categories=categories,
        )
    patterns = RecurringSession.objects.filter(
        trainee=trainee, stopped_at__isnull=True
    ).select_related("category")
    return render(
        request,
        "logbook/recurring.html",
        {
            "form": form,
            "patterns": patterns,
            "proposals": recurring_proposals(trainee=trainee, today=today),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    # Only named destinations: a free-form "next" would be an open redirect.
    return redirect("logbook:home" if request.POST.get("next") == "home" else "logbook:recurring")


def _posted_date(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.POST.get("date", ""))
    except ValueError as error:
        raise Http404("No such proposal") from error


@require_POST
@trainee_view
def recurring_confirm_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    pattern = _own_pattern(trainee, pk)
    try:
        session = recurring_confirm(
            recurring=pattern, date=_posted_date(request), actor=user, today=user_today(user)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Confirmed {session.category.name} on {session.date:%a %d %b}; sent for verification.",
        )
    return _back(request)


@require_POST
@trainee_view
def recurring_skip_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    pattern = _own_pattern(trainee, pk)
    try:
        recurring_skip(
            recurring=pattern, date=_posted_date(request), actor=user, today=user_today(user)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request)


@require_POST
@trainee_view
def recurring_stop_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    recurring_stop(recurring=_own_pattern(trainee, pk), actor=user)
    messages.success(request, "Stopped. Sessions you already confirmed stay.")
    return redirect("logbook:recurring")
