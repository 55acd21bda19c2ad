"""The trainee's data rights: who viewed their record, and a download of everything held."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from data_rights.services.export import trainee_data_export
from trainees.decorators import trainee_view
from trainees.models import Trainee
from trainees.selectors.access_log import access_log_for


@trainee_view
def access_log(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    # The trainee is the scope: only their own entries exist on this page.
    entries = access_log_for(trainee=trainee)[:500]
    return render(request, "data_rights/access_log.html", {"entries": entries})


@trainee_view
def data_export(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    if request.method != "POST" and request.GET.get("download") != "1":
        return render(request, "data_rights/export.html", {})
    body = trainee_data_export(trainee=trainee)
    response = HttpResponse(body, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="countersign-my-data-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response
