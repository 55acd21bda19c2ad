"""Transcript PDF and session CSV: the trainee's own records only (the trainee is the scope)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from trainees.decorators import trainee_view
from trainees.models import Trainee
from trainees.services.transcript import transcript_build, transcript_csv, transcript_pdf


@trainee_view
def transcript_page(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    return render(request, "logbook/transcript.html", {"trainee": trainee})


@trainee_view
def transcript_pdf_view(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    pdf = transcript_pdf(transcript=transcript_build(trainee=trainee))
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="transcript-{stamp}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@trainee_view
def sessions_csv_view(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    include_private = request.GET.get("private") == "1"
    body = transcript_csv(trainee=trainee, include_private=include_private)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="sessions-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
