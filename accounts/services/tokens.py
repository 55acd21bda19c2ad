"""Writes to credentials: API keys for institutional systems and personal tokens."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, ApiScope, PersonalToken, User

API_KEY_PREFIX = "csk"
PERSONAL_TOKEN_PREFIX = "cst"  # noqa: S105 (a public prefix, not a secret)
UNKNOWN_SCOPE = "Unknown scope {scope!r}; choose from: {choices}."
NO_SCOPES = "An API key needs at least one scope."
EXPIRY_IN_PAST = "The expiry must be in the future."


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """The only moment the raw secret exists outside the caller: show it once, never store it."""

    raw: str
    prefix: str


def _issue(kind: str) -> tuple[str, str, str]:
    prefix = secrets.token_hex(4)
    raw = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    return raw, prefix, digest_of(raw)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_credential(raw: str) -> tuple[str, str] | None:
    """(kind, prefix) of a presented credential, or None when it is not one of ours."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] not in (API_KEY_PREFIX, PERSONAL_TOKEN_PREFIX):
        return None
    return parts[0], parts[1]


def digests_match(raw: str, digest: str) -> bool:
    return hmac.compare_digest(digest_of(raw), digest)


def api_key_create(
    *,
    institution_id: int,
    name: str,
    scopes: list[str],
    created_by: User | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, IssuedCredential]:
    """Create a key for an institution. Returns the raw key once; only its digest is stored."""
    if not scopes:
        raise ValidationError({"scopes": [NO_SCOPES]})
    for scope in scopes:
        if scope not in ApiScope.values:
            raise ValidationError(
                {"scopes": [UNKNOWN_SCOPE.format(scope=scope, choices=", ".join(ApiScope.values))]}
            )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [EXPIRY_IN_PAST]})
    raw, prefix, digest = _issue(API_KEY_PREFIX)
    key = ApiKey(
        institution_id=institution_id,
        name=name,
        prefix=prefix,
        digest=digest,
        scopes=sorted(set(scopes)),
        created_by=created_by,
        expires_at=expires_at,
    )
    key.full_clean()
    key.save()
    return key, IssuedCredential(raw=raw, prefix=prefix)


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke a key. Idempotent: revoking twice keeps the first revocation time."""
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    key.refresh_from_db()
    return key


def personal_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[PersonalToken, IssuedCredential]:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [EXPIRY_IN_PAST]})
    raw, prefix, digest = _issue(PERSONAL_TOKEN_PREFIX)
    token = PersonalToken(user=user, name=name, prefix=prefix, digest=digest, expires_at=expires_at)
    token.full_clean()
    token.save()
    return token, IssuedCredential(raw=raw, prefix=prefix)


def personal_token_revoke(*, token: PersonalToken) -> PersonalToken:
    PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    return token
