"""Absolute links for messages that leave the site (e-mails, calendar feeds)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from reverse()) on the site's public address, settings.REMINDERS_BASE_URL."""
    base = str(getattr(settings, "REMINDERS_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + path
