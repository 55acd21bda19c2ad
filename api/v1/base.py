import hashlib
import json
from typing import Any

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey, User
from api.errors import PreconditionFailed


class ApiKeyRateThrottle(SimpleRateThrottle):
    """A budget per API key (rate `api_key`)."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.user, ApiKey):
            return None
        return f"throttle_key_{request.user.pk}"


class PersonRateThrottle(SimpleRateThrottle):
    """A budget per signed-in person, whichever credential they use (rate `user`)."""

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.user, ApiKey) or not request.user.is_authenticated:
            return None
        return f"throttle_user_{request.user.pk}"


class AnonymousRateThrottle(SimpleRateThrottle):
    """A budget per address for callers without credentials (rate `anon`)."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle_anon_{self.get_ident(request)}"


def etag_for(data: Any) -> str:
    """A strong ETag of a representation: any change to what the caller sees changes it."""
    encoded = json.dumps(data, sort_keys=True, default=str).encode()
    return f'"{hashlib.sha256(encoded).hexdigest()[:32]}"'


def check_if_match(request: Request, current: Any) -> None:
    """Optimistic concurrency: a stale If-Match is a 412 and nothing is written."""
    if_match = request.headers.get("If-Match")
    if not if_match:
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" not in tags and etag_for(current) not in tags:
        raise PreconditionFailed()


def principal_of(request: Request) -> User | ApiKey:
    """The authenticated caller; the permission classes have already refused anyone else."""
    user = request.user
    if isinstance(user, User | ApiKey) and user.is_authenticated:
        return user
    raise NotAuthenticated()


def person_of(request: Request) -> User:
    user = principal_of(request)
    if not isinstance(user, User):
        raise PermissionDenied("This operation needs a person's credentials, not an API key.")
    return user
