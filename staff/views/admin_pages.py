"""Program administration for directors and coordinators: program-file versions, moving
enrollments between versions, cohorts, and enrolling and inviting trainees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.services.invitations import IssuedInvitation
from core.problems import InputFileError
from core.views import apply_errors
from programs.models import Program, RequirementSet
from programs.selectors import program_latest_requirement_set
from programs.services.versions import program_file_parse_for, program_version_upload
from staff.forms import (
    CohortForm,
    EnrollInviteForm,
    MoveEnrollmentsForm,
    ProgramFileForm,
    RosterForm,
)
from staff.views.common import program_view
from staff.views.invitation_mail import InvitationMail, invitations_send
from trainees.models import Cohort, Enrollment
from trainees.selectors.version_preview import requirements_diff, status_changes_preview
from trainees.services.program_admin import (
    cohort_create,
    enrollments_move_to_version,
    roster_import,
    roster_parse,
    trainee_enroll_and_invite,
)

INVITATION_SUBJECT = "Your Countersign invitation: {program}"


def _versions_context(program: Program) -> dict[str, object]:
    versions = list(RequirementSet.objects.filter(program=program).order_by("-version"))
    open_by_version = {
        v.pk: Enrollment.objects.filter(
            requirement_set=v, status__in=Enrollment.OPEN_STATUSES
        ).count()
        for v in versions
    }
    return {
        "versions": [(v, open_by_version[v.pk]) for v in versions],
        "move_form": MoveEnrollmentsForm(
            versions=[(v.pk, f"Version {v.version}") for v in versions],
            cohorts=_cohort_choices(program),
        ),
    }


def _cohort_choices(program: Program) -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in Cohort.objects.filter(program=program)]


@program_view
@require_http_methods(["GET", "POST"])
def program_file(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    form = ProgramFileForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"program": program, "form": form}
    status = 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        else:
            text = form.cleaned_data["text"]
            try:
                if "apply" in request.POST:
                    result = program_version_upload(program=program, text=text, actor=user)
                    if result.created_version:
                        messages.success(
                            request,
                            f"Loaded as version {result.requirement_set.version}. Enrollments "
                            "stay on their versions until moved.",
                        )
                    else:
                        messages.info(request, "The rules are unchanged; no new version.")
                    return redirect(reverse("staff:program_file", args=[program.slug]))
                document = program_file_parse_for(program=program, text=text)
            except InputFileError as error:
                context["problems"] = error.problems
                status = 400
            else:
                current = program_latest_requirement_set(program=program)
                context["preview"] = {
                    "changes": requirements_diff(
                        current=current.definition if current else None, new=document.canonical
                    ),
                    "unchanged": current is not None and current.checksum == document.checksum,
                    "statuses": status_changes_preview(program=program, rules=document.rules),
                    "text": text,
                }
    context.update(_versions_context(program))
    return render(request, "staff/program_file.html", context, status=status)


@program_view
@require_POST
def enrollments_move(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    versions = RequirementSet.objects.filter(program=program)
    cohorts = {c.slug: c for c in Cohort.objects.filter(program=program)}
    form = MoveEnrollmentsForm(
        request.POST,
        versions=[(v.pk, str(v.version)) for v in versions],
        cohorts=[(slug, c.name) for slug, c in cohorts.items()],
    )
    if not form.is_valid():
        messages.error(request, "Choose a version of this program.")
    else:
        target = versions.get(pk=form.cleaned_data["version"])
        cohort = cohorts.get(form.cleaned_data["cohort"] or "")
        try:
            moved = enrollments_move_to_version(
                program=program, requirement_set=target, cohort=cohort
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Moved {moved} enrollment{'s' if moved != 1 else ''} to version "
                f"{target.version}; compliance recomputed.",
            )
    return redirect(reverse("staff:program_file", args=[program.slug]))


@program_view
@require_http_methods(["GET", "POST"])
def cohorts(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            cohort_create(
                program=program, slug=data["slug"], name=data["name"], starts_on=data["starts_on"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Cohort {data['name']} created.")
            return redirect(reverse("staff:cohorts", args=[program.slug]))
    return render(
        request,
        "staff/cohorts.html",
        {"program": program, "form": form, "cohorts": Cohort.objects.filter(program=program)},
        status=400 if form.is_bound else 200,
    )


def _invitation_mail(
    request: HttpRequest, program: Program, issued: IssuedInvitation
) -> InvitationMail:
    # Sent after the service's transaction has committed: never hold one open across SMTP.
    link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[issued.token]))
    subject = INVITATION_SUBJECT.format(program=program.name)
    body = (
        f"You have been enrolled in {program.name} on Countersign.\n\n"
        f"Set your password and sign in here (the link works once, for 14 days):\n{link}\n"
    )
    address = issued.invitation.email
    return InvitationMail(address, link, lambda: send_mail(subject, body, None, [address]))


@program_view
@require_http_methods(["GET", "POST"])
def enroll_invite(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    form = EnrollInviteForm(request.POST or None, cohorts=_cohort_choices(program))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            issued = trainee_enroll_and_invite(
                program=program,
                email=data["email"],
                full_name=data["full_name"],
                external_id=data["external_id"] or None,
                cohort=Cohort.objects.filter(program=program, slug=data["cohort"]).first()
                if data["cohort"]
                else None,
                start_date=data["start_date"],
                expected_end_date=data["expected_end_date"],
                created_by=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            mail = _invitation_mail(request, program, issued)
            unsent = invitations_send([mail])
            # Rendered, not redirected: the link is shown this once and never stored in clear.
            return render(
                request,
                "staff/enroll.html",
                {
                    "program": program,
                    "form": EnrollInviteForm(cohorts=_cohort_choices(program)),
                    "roster_form": RosterForm(),
                    "invited": issued.invitation,
                    "link": mail.link,
                    "unsent": unsent,
                },
            )
    return render(
        request,
        "staff/enroll.html",
        {"program": program, "form": form, "roster_form": RosterForm()},
        status=400 if form.is_bound else 200,
    )


@program_view
@require_POST
def roster_upload(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    roster_form = RosterForm(request.POST, request.FILES)
    context: dict[str, object] = {
        "program": program,
        "form": EnrollInviteForm(cohorts=_cohort_choices(program)),
        "roster_form": roster_form,
    }
    if roster_form.is_valid():
        text = roster_form.cleaned_data["roster"]
        try:
            rows = roster_parse(program=program, text=text)
            issued = roster_import(program=program, rows=rows, created_by=user)
        except InputFileError as error:
            context["problems"] = error.problems
        else:
            unsent = invitations_send(_invitation_mail(request, program, i) for i in issued)
            messages.success(
                request,
                f"Enrolled and invited {len(issued)} trainee{'s' if len(issued) != 1 else ''}.",
            )
            if unsent:
                # Rendered: the links that did not go out are shown this once.
                context["unsent"] = unsent
                context["roster_form"] = RosterForm()
                return render(request, "staff/enroll.html", context)
            return redirect(reverse("staff:enroll", args=[program.slug]))
    return render(request, "staff/enroll.html", context, status=400)
