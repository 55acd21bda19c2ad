"""The two e-mails of an external confirmation: the request with its link, and the "not
accurate" answer back to the trainee. Plain text + HTML, like the reminders; never any notes.

Sending happens outside any transaction: the link (or the notice) is claimed first with a
conditional UPDATE, then the SMTP conversation runs with no row locked.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from confirmations.models import ExternalConfirmationRequest
from confirmations.selectors import SessionLine, session_lines, trainee_programs
from confirmations.services.requests import (
    external_confirmation_link_issue,
    external_confirmation_link_release,
)
from core.links import absolute_url
from core.timezones import zone as local_zone

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The mail server did not take the message; the task retries with backoff."""


def _subject(request: ExternalConfirmationRequest, lines: list[SessionLine]) -> str:
    count = len(lines)
    noun = "session" if count == 1 else "sessions"
    return (
        f"{request.trainee.user.get_full_name()} asks you to confirm {count} {noun} of "
        f"{request.category.name}"
    )


def request_message(request: ExternalConfirmationRequest, token: str) -> EmailMultiAlternatives:
    """The request e-mail: who asks, exactly what to confirm, the link and until when."""
    trainee_user = request.trainee.user
    lines = session_lines(request)
    zone = local_zone(trainee_user.time_zone)
    context = {
        "request": request,
        "trainee_name": trainee_user.get_full_name(),
        "programs": trainee_programs(request),
        "lines": lines,
        "link": absolute_url(reverse("confirmations:confirm", args=[token])),
        "expires_at": request.expires_at.astimezone(zone),
        "time_zone": str(zone),
    }
    message = EmailMultiAlternatives(
        subject=_subject(request, lines),
        body=render_to_string("confirmations/email/request.txt", context),
        to=[request.confirmer_email],
        reply_to=[trainee_user.email],
    )
    message.attach_alternative(
        render_to_string("confirmations/email/request.html", context),
        "text/html",
    )
    return message


def declined_message(request: ExternalConfirmationRequest) -> EmailMultiAlternatives:
    trainee_user = request.trainee.user
    context = {
        "request": request,
        "recipient": trainee_user,
        "lines": session_lines(request),
        "action_url": absolute_url(reverse("confirmations:list")),
    }
    message = EmailMultiAlternatives(
        subject=f"{request.confirmer_name} did not confirm your {request.category.name} sessions",
        body=render_to_string("confirmations/email/declined.txt", context),
        to=[trainee_user.email],
    )
    message.attach_alternative(
        render_to_string("confirmations/email/declined.html", context),
        "text/html",
    )
    return message


def request_email_send(*, request_id: int) -> bool:
    """Send the request e-mail if it has not gone out yet. Idempotent: the link is claimed once
    (a second call finds it e-mailed and sends nothing). Returns whether this call sent it.
    Raises TemporaryFailure when the mail server refused; the link is then released for a
    retry, so the next attempt sends a new, working link."""
    issued = external_confirmation_link_issue(request_id=request_id)
    if issued is None:
        return False
    try:
        request_message(issued.request, issued.token).send()
    except Exception as error:
        external_confirmation_link_release(link=issued)
        logger.warning("external confirmation %s: e-mail not sent (%s)", request_id, error)
        raise TemporaryFailure(str(error)) from error
    return True


def declined_email_send(*, request_id: int) -> bool:
    """Tell the trainee their request was answered "not accurate". Idempotent (claimed once);
    at most once: a message the mail server refuses is logged, the page still shows the answer."""
    claimed = ExternalConfirmationRequest.objects.filter(
        pk=request_id, outcome="declined", trainee_notified_at__isnull=True
    ).update(trainee_notified_at=timezone.now())
    if claimed != 1:
        return False
    request = ExternalConfirmationRequest.objects.select_related("trainee__user", "category").get(
        pk=request_id
    )
    try:
        declined_message(request).send()
    except Exception as error:
        logger.warning("external confirmation %s: decline notice not sent (%s)", request_id, error)
        return False
    return True


# Long enough for the task enqueued on commit to have run; older unsent work was lost with it.
SWEEP_GRACE = timedelta(minutes=2)


def external_confirmations_sweep(*, limit: int = 200) -> int:
    """Send what a lost task never sent (Redis down, worker killed): request e-mails of waiting
    requests not e-mailed yet, and decline notices not yet claimed. Idempotent (each send claims
    its row first); returns how many went out. Every few minutes."""
    now = timezone.now()
    cutoff = now - SWEEP_GRACE
    waiting = ExternalConfirmationRequest.objects.filter(
        emailed_at__isnull=True,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
        created_at__lte=cutoff,
    ).values_list("pk", flat=True)[:limit]
    sent = 0
    for request_id in waiting:
        try:
            sent += request_email_send(request_id=request_id)
        except TemporaryFailure:
            continue  # released for the next sweep; the mail server is the one to wait for
    declined = ExternalConfirmationRequest.objects.filter(
        outcome="declined", trainee_notified_at__isnull=True, used_at__lte=cutoff
    ).values_list("pk", flat=True)[:limit]
    for request_id in declined:
        sent += declined_email_send(request_id=request_id)
    return sent
