"""Invitations: a signed, expiring, single-use link that sets a password and joins an enrollment.

The token is `signing.dumps({"i": id, "n": nonce})`: the signature stops forged or altered links
before any database work, `max_age` bounds its life even if the row's expiry were edited, and the
stored digest of the nonce ties it to one row. Acceptance claims the row with a conditional UPDATE
so two clicks (or two tabs) cannot both succeed.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, User

INVITATION_SALT = "countersign.invitation"
INVITATION_LIFETIME = timedelta(days=14)
INVITATION_INVALID = "This invitation link is not valid. Ask your program for a new one."
INVITATION_EXPIRED = "This invitation has expired. Ask your program for a new one."
INVITATION_USED = "This invitation has already been used. Sign in with your e-mail and password."
INVITATION_EMAIL_MISMATCH = (
    "This enrollment belongs to another account; invite the trainee's own e-mail address."
)


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def invitation_create(
    *,
    user: User,
    enrollment_id: int,
    email: str | None = None,
    created_by: User | None = None,
) -> IssuedInvitation:
    """Create an invitation for a trainee's account (`user`) to join an enrollment. Not
    idempotent (each call is a new link). The caller checks that the enrollment is open
    (trainees.services.enrollments.enrollment_invite).

    Raises ValidationError when the e-mail names someone other than a trainee who has never
    signed in.
    """
    address = (email or user.email).strip().lower()
    if address != user.email.lower() and user.has_usable_password():
        raise ValidationError({"email": [INVITATION_EMAIL_MISMATCH]})
    if address != user.email.lower() and User.objects.filter(email__iexact=address).exists():
        raise ValidationError({"email": [INVITATION_EMAIL_MISMATCH]})
    nonce = secrets.token_urlsafe(24)
    invitation = Invitation(
        email=address,
        enrollment_id=enrollment_id,
        nonce_digest=_digest(nonce),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    token = signing.dumps({"i": invitation.pk, "n": nonce}, salt=INVITATION_SALT, compress=True)
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_from_token(*, token: str) -> Invitation:
    """The open invitation a token names. Raises ValidationError with a message for the page."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_LIFETIME)
    except signing.SignatureExpired as error:
        raise ValidationError(INVITATION_EXPIRED) from error
    except signing.BadSignature as error:
        raise ValidationError(INVITATION_INVALID) from error
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("n"), str)
        or not isinstance(payload.get("i"), int)
    ):
        raise ValidationError(INVITATION_INVALID)
    invitation_id: int = payload["i"]
    invitation = (
        Invitation.objects.select_related("enrollment__trainee__user", "enrollment__program")
        .filter(pk=invitation_id, nonce_digest=_digest(payload["n"]))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(INVITATION_INVALID)
    if invitation.accepted_at is not None:
        raise ValidationError(INVITATION_USED)
    if invitation.expires_at <= timezone.now():
        raise ValidationError(INVITATION_EXPIRED)
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    """Set the trainee's password from an invitation and return the user. Single use.

    Raises ValidationError (invalid, expired or used link; a weak password).
    """
    invitation = invitation_from_token(token=token)
    user = invitation.enrollment.trainee.user
    validate_password(password, user)
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if claimed != 1:
            raise ValidationError(INVITATION_USED)
        user = User.objects.select_for_update().get(pk=user.pk)
        user.email = invitation.email
        user.set_password(password)
        user.is_active = True
        user.full_clean()
        user.save()
    return user
