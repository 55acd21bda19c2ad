"""Database-backed login throttling: failed attempts per e-mail and IP inside a sliding window.

Kept in the database, not the cache, so it holds when Redis is down (issue 8). Counting per
e-mail *and* IP means an attacker cannot lock a victim out from everywhere, while one address
guessing at one account is stopped after a few tries.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import LoginAttempt

LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCKED = (
    "Too many failed sign-ins for this e-mail from your network. Wait 15 minutes and try "
    "again, or reset your password."
)


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def login_is_locked(*, email: str, ip_address: str | None) -> bool:
    since = timezone.now() - LOGIN_WINDOW
    failures = LoginAttempt.objects.filter(
        email=_key(email), ip_address=ip_address, attempted_at__gte=since
    ).count()
    return failures >= LOGIN_MAX_FAILURES


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    """Record one failed attempt and prune this pair's attempts older than the window."""
    now = timezone.now()
    LoginAttempt.objects.filter(
        email=_key(email), ip_address=ip_address, attempted_at__lt=now - LOGIN_WINDOW
    ).delete()
    LoginAttempt.objects.create(email=_key(email), ip_address=ip_address, attempted_at=now)


def login_success_record(*, email: str, ip_address: str | None) -> None:
    """A successful sign-in clears the pair's failures."""
    LoginAttempt.objects.filter(email=_key(email), ip_address=ip_address).delete()
