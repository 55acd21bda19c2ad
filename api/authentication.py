"""API credentials: `Authorization: Api-Key <key>` (institutions) and `Bearer <token>` (people)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiKey, PersonalToken, User
from accounts.services.tokens import (
    API_KEY_PREFIX,
    PERSONAL_TOKEN_PREFIX,
    digests_match,
    split_credential,
)

INVALID_CREDENTIAL = "Invalid, expired or revoked credential."


def _touch(credential: ApiKey | PersonalToken) -> None:
    # At most one write a minute per credential: last-used is for humans, not an audit trail. The
    # row is already loaded, so a recent use costs no query at all.
    now = timezone.now()
    if credential.last_used_at is not None and credential.last_used_at > now - timedelta(minutes=1):
        return
    type(credential).objects.filter(pk=credential.pk).exclude(
        last_used_at__gt=now - timedelta(minutes=1)
    ).update(last_used_at=now)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        parsed = split_credential(raw)
        if parsed is None or parsed[0] != API_KEY_PREFIX:
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIAL)
        key = ApiKey.objects.select_related("institution").filter(prefix=parsed[1]).first()
        if key is None or not digests_match(raw, key.digest) or not key.is_usable(timezone.now()):
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIAL)
        _touch(key)
        return key, key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, PersonalToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        parsed = split_credential(raw)
        if parsed is None or parsed[0] != PERSONAL_TOKEN_PREFIX:
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIAL)
        token = PersonalToken.objects.select_related("user").filter(prefix=parsed[1]).first()
        if (
            token is None
            or not digests_match(raw, token.digest)
            or not token.is_usable(timezone.now())
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIAL)
        _touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Institution API key: `Authorization: Api-Key csk_...`. Scoped to one institution and "
            "to the scopes it was created with; never sees private details.",
        }


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "PersonalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Personal token (`Authorization: Bearer cst_...`): acts as the person who created it.",
        }
