from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import ApiKey


class IsAuthenticatedPrincipal(BasePermission):
    """A signed-in person or a usable API key."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class ApiKeyScopes(BasePermission):
    """API keys need the scope the view declares for the method; people are scoped by querysets.

    Views declare `required_scopes = {"GET": "reports:read", "POST": "enrollments:write"}`; a method
    missing from the map is closed to API keys.
    """

    message = "This API key lacks the scope for this operation."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = request.user
        if not isinstance(principal, ApiKey):
            return True
        method = "GET" if request.method in ("GET", "HEAD", "OPTIONS") else (request.method or "")
        scope = getattr(view, "required_scopes", {}).get(method)
        return scope is not None and principal.has_scope(scope)


class PeopleOnly(BasePermission):
    """Operations that act as a person (logging, countersigning): API keys may not."""

    message = "This operation needs a person's credentials, not an API key."

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.user, ApiKey)
