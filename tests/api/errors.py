"""The API's one error shape, spelled out so tests compare whole bodies."""

from typing import Any

NOT_FOUND = "Not found."
NOT_AUTHENTICATED = "Authentication credentials were not provided."
INVALID_FIELDS = "The request has invalid fields."
KEY_LACKS_SCOPE = "This API key lacks the scope for this operation."
PEOPLE_ONLY = "This operation needs a person's credentials, not an API key."


def error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def invalid(fields: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "error": {"status": 400, "code": "invalid", "message": INVALID_FIELDS, "fields": fields}
    }


def not_found() -> dict[str, Any]:
    return error(404, "not_found", NOT_FOUND)
