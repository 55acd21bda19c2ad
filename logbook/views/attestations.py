"""Attestation documents: upload, list, and a permission-checked download (always an attachment)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import User
from core.views import apply_errors
from logbook.forms import AttestationForm
from programs.models import ActivityCategory
from trainees.decorators import trainee_view
from trainees.models import Attestation, Trainee
from trainees.services.attestations import attestation_upload, attested_category_ids


@trainee_view
def attestation_list(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    categories = list(
        ActivityCategory.objects.filter(pk__in=attested_category_ids(trainee=trainee)).order_by(
            "name"
        )
    )
    if request.method == "POST":
        form = AttestationForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            data = form.cleaned_data
            try:
                attestation_upload(
                    trainee=trainee,
                    actor=user,
                    category=data["category"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    upload=data["file"],
                    minutes=form.minutes(),
                    sessions=data["sessions"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, "Document uploaded. Only you and those allowed can open it."
                )
                return redirect("logbook:attestations")
    else:
        form = AttestationForm(categories=categories)
    attestations = Attestation.objects.filter(trainee=trainee).select_related("category")
    return render(
        request,
        "logbook/attestations.html",
        {"form": form, "attestations": attestations, "categories": categories},
    )


@trainee_view
def attestation_download(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> FileResponse:
    # The trainee's own documents only; anyone else's id is simply not found.
    attestation = get_object_or_404(Attestation.objects.filter(trainee=trainee), pk=pk)
    response = FileResponse(
        attestation.file.open("rb"),
        as_attachment=True,
        filename=attestation.original_name,
        content_type=attestation.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
