"""Reads for external confirmation: the trainee's requests, the sessions they may send, and
exactly what a confirmer is shown (no notes, no provider, nothing beyond the listed fields)."""

from dataclasses import dataclass
from datetime import date, time

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from confirmations.models import ExternalConfirmationItem, ExternalConfirmationRequest
from core.units import format_minutes
from programs.models import Program
from trainees.models import Session, SessionStatus, Trainee


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One session as the confirmer sees it (and as the e-mail lists it)."""

    date: date
    start_time: time | None
    duration_minutes: int
    category: str
    format: str
    modality: str

    @property
    def duration(self) -> str:
        return format_minutes(self.duration_minutes)

    @property
    def text(self) -> str:
        when = self.date.strftime("%a %d %b %Y")
        if self.start_time is not None:
            when += f" at {self.start_time.strftime('%H:%M')}"
        return f"{when}, {self.duration}, {self.category}, {self.format}, {self.modality}"


def _line(session: Session) -> SessionLine:
    fmt = session.get_format_display()
    if session.group_size:
        fmt += f" ({session.group_size} participants)"
    return SessionLine(
        date=session.date,
        start_time=session.start_time,
        duration_minutes=session.duration_minutes,
        category=session.category.name,
        format=fmt,
        modality=session.get_modality_display().lower(),
    )


def session_lines(request: ExternalConfirmationRequest) -> list[SessionLine]:
    """The request's sessions, oldest first, as they are now (the fingerprint guards changes)."""
    sessions = (
        Session.objects.filter(external_confirmation_items__request=request)
        .select_related("category")
        .order_by("date", "start_time", "pk")
    )
    return [_line(s) for s in sessions]


def trainee_programs(request: ExternalConfirmationRequest) -> list[str]:
    """Names of the trainee's programs that use the request's category, for "who asks"."""
    return list(
        Program.objects.filter(
            enrollments__trainee_id=request.trainee_id,
            categories__category_id=request.category_id,
        )
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def confirmation_requests_of(trainee: Trainee) -> QuerySet[ExternalConfirmationRequest]:
    """The trainee's requests, newest first, with their sessions: a fixed number of queries."""
    return (
        ExternalConfirmationRequest.objects.filter(trainee=trainee)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ExternalConfirmationItem.objects.select_related("session").order_by(
                    "session__date", "session__pk"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )


def sessions_to_request(trainee: Trainee) -> QuerySet[Session]:
    """Sessions the trainee may ask someone to confirm: submitted, live, not already covered by a
    request that can still be answered."""
    open_item = ExternalConfirmationItem.objects.filter(
        session_id=OuterRef("pk"),
        request__used_at__isnull=True,
        request__revoked_at__isnull=True,
        request__expires_at__gt=timezone.now(),
    )
    return (
        Session.objects.filter(
            trainee=trainee, status=SessionStatus.SUBMITTED, withdrawn_at__isnull=True
        )
        .exclude(Exists(open_item))
        .select_related("category")
        .order_by("category__name", "date", "start_time", "pk")
    )
