"""Invitation e-mails go out after the invitations are committed, one by one. A mail server that
refuses one must not turn a recorded invitation into an error page or stop the others: the page
shows the director each link that did not go out, once, to pass on themselves."""

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InvitationMail:
    email: str
    link: str | None  # None: someone who already signs in, told by e-mail only
    send: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Unsent:
    email: str
    link: str | None


def invitations_send(mails: Iterable[InvitationMail]) -> list[Unsent]:
    """Send each; return those the mail server refused (the rest went out)."""
    unsent = []
    for mail in mails:
        try:
            mail.send()
        except (smtplib.SMTPException, OSError) as error:
            # No address in the log: the page names them to the person who can act.
            logger.warning("invitation e-mail not sent (%s)", type(error).__name__)
            unsent.append(Unsent(email=mail.email, link=mail.link))
    return unsent
