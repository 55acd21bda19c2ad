"""A person's or a program's time zone, read leniently: a stored name that no longer resolves
(a typo from an old import, a zone renamed in a later tz database) falls back to UTC rather than
failing a page or a whole reminder pass."""

from datetime import date, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

UTC = ZoneInfo("UTC")


def zone(name: str | None) -> tzinfo:
    """The named IANA zone, or UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def today_in(name: str | None) -> date:
    """Today's date in the named zone (a session cannot be dated after it)."""
    return timezone.now().astimezone(zone(name)).date()
