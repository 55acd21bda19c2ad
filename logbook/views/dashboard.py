from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import User
from core.views import htmx
from trainees.decorators import trainee_view
from trainees.models import Trainee
from trainees.selectors.dashboard import (
    own_enrollments,
    own_trainee,
    requirement_explanation,
    trainee_dashboard,
    user_today,
)
from trainees.selectors.navigation import staff_start_url
from trainees.services.compliance import trainee_snapshots_current
from trainees.services.recurring import recurring_proposals


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    trainee = own_trainee(user)
    if trainee is None:
        # Staff and supervisors have their own start pages; nothing private is shown here.
        start = staff_start_url(user)
        if start is not None:
            return redirect(start)
        return render(request, "logbook/not_a_trainee.html")
    trainee_snapshots_current(trainee_id=trainee.pk)
    dashboard = trainee_dashboard(user=user, trainee=trainee)
    proposals = recurring_proposals(trainee=trainee, today=user_today(user))
    return render(
        request,
        "logbook/dashboard.html",
        {"dashboard": dashboard, "proposals": proposals, "today": user_today(user)},
    )


@trainee_view
def requirement_explain(
    request: HttpRequest, user: User, trainee: Trainee, enrollment_id: int, key: str
) -> HttpResponse:
    trainee_snapshots_current(trainee_id=trainee.pk)
    enrollment = get_object_or_404(
        own_enrollments(user).select_related("snapshot", "program", "requirement_set"),
        pk=enrollment_id,
    )
    found = requirement_explanation(user=user, enrollment=enrollment, key=key)
    if found is None:
        raise Http404("No such requirement")
    result, lines = found
    template = "logbook/_explanation.html" if htmx(request) else "logbook/explanation_page.html"
    return render(
        request,
        template,
        {"enrollment": enrollment, "requirement": result, "lines": lines},
    )
