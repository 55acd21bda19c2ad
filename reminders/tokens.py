"""Signed one-click unsubscribe tokens: one person, one kind.

The token signs "user id:kind" with the secret key and a salt of its own, so it cannot be forged,
and changing the user or the kind in it breaks the signature. No expiry: a link in a year-old
e-mail must still work.
"""

from django.core import signing

from reminders.models import Kind

SALT = "reminders.unsubscribe.v1"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.Signer(salt=SALT).sign(f"{user_id}:{kind}")


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token. Raises signing.BadSignature for anything tampered with."""
    value = signing.Signer(salt=SALT).unsign(token)
    user_part, _, kind = value.partition(":")
    if not user_part.isdigit() or kind not in Kind.values:
        raise signing.BadSignature("Malformed unsubscribe token.")
    return int(user_part), kind
