"""Logging, listing, editing, submitting, withdrawing and restoring the trainee's own sessions."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.models import User
from core.units import format_minutes
from core.views import apply_errors
from logbook.forms import SessionFilterForm, SessionForm, WithdrawForm
from trainees.decorators import trainee_view
from trainees.models import Session, SessionStatus, Trainee
from trainees.selectors.dashboard import (
    assigned_supervisors,
    own_sessions,
    trainee_categories,
    user_today,
)
from trainees.services.sessions import (
    NOT_EDITABLE,
    session_log,
    session_restore,
    session_submit,
    session_update,
    session_withdraw,
)

PAGE_SIZE = 50
SUPERVISION_PREFIX = "supervision_"


def _is_supervision(category: Any) -> bool:
    return bool(category) and str(category.key).startswith(SUPERVISION_PREFIX)


def _duplicates(user: User, data: dict[str, Any], exclude: int | None = None) -> list[Session]:
    """Live sessions with the same date, category, start time and duration."""
    found = own_sessions(user).filter(
        withdrawn_at__isnull=True,
        date=data["date"],
        category=data["category"],
        duration_minutes=data["duration_minutes"],
        start_time=data["start_time"],
    )
    if data["start_time"] is None:
        found = own_sessions(user).filter(
            withdrawn_at__isnull=True,
            date=data["date"],
            category=data["category"],
            duration_minutes=data["duration_minutes"],
            start_time__isnull=True,
        )
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found.select_related("category")[:3])


def _with_default_provider(arguments: dict[str, Any], supervisors: list[User]) -> dict[str, Any]:
    # Supervision is almost always with the assigned supervisor: name them unless told otherwise.
    if (
        _is_supervision(arguments["category"])
        and arguments["provider"] is None
        and not arguments["provider_name"]
        and supervisors
    ):
        arguments["provider"] = supervisors[0]
    return arguments


def _confirmation(session: Session) -> str:
    state = (
        "sent for verification" if session.status == SessionStatus.SUBMITTED else "saved as a draft"
    )
    return format_html(
        'Logged {} of {} on {}, {}. <a href="{}">View or change it</a>.',
        format_minutes(session.duration_minutes),
        session.category.name,
        session.date.strftime("%a %d %b %Y"),
        state,
        reverse("logbook:session_detail", args=[session.pk]),
    )


# Every value of the session form may be private (therapist, notes, client code): an error
# report must not carry them to ADMINS.
@sensitive_post_parameters()
@trainee_view
def session_new(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    today = user_today(user)
    categories = trainee_categories(trainee=trainee)
    supervisors = assigned_supervisors(trainee=trainee, on=today)
    duplicates: list[Session] = []
    if request.method == "POST":
        form = SessionForm(request.POST, categories=categories, supervisors=supervisors)
        if form.is_valid():
            arguments = _with_default_provider(form.service_arguments(), supervisors)
            if not form.cleaned_data["confirm_duplicate"]:
                duplicates = _duplicates(user, arguments)
            if not duplicates:
                try:
                    session = session_log(
                        trainee=trainee,
                        actor=user,
                        submit=form.cleaned_data["submit_now"],
                        **arguments,
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _confirmation(session))
                    return redirect("logbook:home")
            else:
                data = request.POST.copy()
                data["confirm_duplicate"] = "on"
                form = SessionForm(data, categories=categories, supervisors=supervisors)
                form.is_valid()
    else:
        last = own_sessions(user).filter(withdrawn_at__isnull=True).order_by("-created_at").first()
        initial: dict[str, Any] = {"date": today, "duration_minutes": 50, "submit_now": True}
        if last is not None:
            initial.update(category=last.category_id, duration_minutes=last.duration_minutes)
            if _is_supervision(last.category) and supervisors:
                initial["provider"] = supervisors[0].pk
        form = SessionForm(initial=initial, categories=categories, supervisors=supervisors)
    return render(
        request,
        "logbook/session_form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "supervisors": supervisors,
            "today": today,
            "title": "Log a session",
        },
    )


@trainee_view
def session_list(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    categories = trainee_categories(trainee=trainee)
    filters = SessionFilterForm(request.GET or None, categories=categories)
    sessions = own_sessions(user).select_related("category", "provider", "verified_by")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"] == "withdrawn":
            sessions = sessions.filter(withdrawn_at__isnull=False)
        elif data["status"]:
            sessions = sessions.filter(status=data["status"], withdrawn_at__isnull=True)
        if data["category"]:
            sessions = sessions.filter(category=data["category"])
        if data["date_from"]:
            sessions = sessions.filter(date__gte=data["date_from"])
        if data["date_to"]:
            sessions = sessions.filter(date__lte=data["date_to"])
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "logbook/session_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@trainee_view
def session_detail(request: HttpRequest, user: User, trainee: Trainee, pk: int) -> HttpResponse:
    session = get_object_or_404(
        own_sessions(user).select_related("category", "provider", "verified_by"), pk=pk
    )
    return render(
        request,
        "logbook/session_detail.html",
        {"session": session, "withdraw_form": WithdrawForm()},
    )


@sensitive_post_parameters()
@trainee_view
def session_edit(request: HttpRequest, user: User, trainee: Trainee, pk: int) -> HttpResponse:
    session = get_object_or_404(own_sessions(user).select_related("category"), pk=pk)
    if session.is_withdrawn or session.status not in (SessionStatus.DRAFT, SessionStatus.REJECTED):
        messages.error(request, NOT_EDITABLE)
        return redirect("logbook:session_detail", pk=session.pk)
    categories = trainee_categories(trainee=trainee)
    supervisors = assigned_supervisors(trainee=trainee, on=session.date)
    duplicates: list[Session] = []
    if request.method == "POST":
        form = SessionForm(request.POST, categories=categories, supervisors=supervisors)
        if form.is_valid():
            arguments = form.service_arguments()
            if not form.cleaned_data["confirm_duplicate"]:
                duplicates = _duplicates(user, arguments, exclude=session.pk)
            if not duplicates:
                try:
                    session = session_update(session=session, actor=user, **arguments)
                    if form.cleaned_data["submit_now"]:
                        session = session_submit(session=session, actor=user)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, "Your changes are saved.")
                    return redirect("logbook:session_detail", pk=session.pk)
            else:
                data = request.POST.copy()
                data["confirm_duplicate"] = "on"
                form = SessionForm(data, categories=categories, supervisors=supervisors)
                form.is_valid()
    else:
        form = SessionForm(
            initial={
                "date": session.date,
                "category": session.category_id,
                "duration_minutes": session.duration_minutes,
                "start_time": session.start_time,
                "format": session.format,
                "group_size": session.group_size,
                "modality": session.modality,
                "provider": session.provider_id,
                "provider_name": session.provider_name,
                "notes": session.notes,
                "submit_now": False,
            },
            categories=categories,
            supervisors=supervisors,
        )
    return render(
        request,
        "logbook/session_form.html",
        {
            "form": form,
            "session": session,
            "duplicates": duplicates,
            "supervisors": supervisors,
            "today": user_today(user),
            "title": "Change a session",
        },
    )


def _act(request: HttpRequest, user: User, pk: int, action: str) -> HttpResponse:
    session = get_object_or_404(own_sessions(user), pk=pk)
    try:
        if action == "submit":
            session_submit(session=session, actor=user)
            messages.success(request, "Sent to your supervisor for verification.")
        elif action == "withdraw":
            form = WithdrawForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            session_withdraw(session=session, actor=user, reason=reason)
            messages.success(request, "Withdrawn. It no longer counts; you can restore it.")
        else:
            session_restore(session=session, actor=user)
            messages.success(request, "Restored.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("logbook:session_detail", pk=session.pk)


@require_POST
@trainee_view
def session_submit_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    return _act(request, user, pk, "submit")


@require_POST
@trainee_view
def session_withdraw_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    return _act(request, user, pk, "withdraw")


@require_POST
@trainee_view
def session_restore_view(
    request: HttpRequest, user: User, trainee: Trainee, pk: int
) -> HttpResponse:
    return _act(request, user, pk, "restore")
