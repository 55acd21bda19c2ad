"""Notification preferences: which reminders a person receives, at what hour and weekday."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError

from accounts.models import User
from reminders.models import NotificationPreference, ReminderKind

UNKNOWN_KIND = "Unknown reminder kind {kind!r}."
UNKNOWN_TIME_ZONE = "Unknown time zone {zone!r}; use an IANA name such as Europe/Berlin."
HOUR_RANGE = "The hour must be between 0 and 23."
WEEKDAY_RANGE = "Choose a weekday."


def notification_preference_get(*, user: User) -> NotificationPreference:
    """The stored preference, or an unsaved default (every reminder, Sunday 18:00, user's zone)."""
    existing = NotificationPreference.objects.filter(user=user).first()
    return existing or NotificationPreference(
        user=user, kinds=list(ReminderKind.values), time_zone=user.time_zone or "UTC"
    )


def notification_preference_set(
    *, user: User, kinds: list[str], hour: int, weekday: int, time_zone: str
) -> NotificationPreference:
    """Create or replace the user's preference. Idempotent. Raises ValidationError by field."""
    errors: dict[str, list[str]] = {}
    for kind in kinds:
        if kind not in ReminderKind.values:
            errors.setdefault("kinds", []).append(UNKNOWN_KIND.format(kind=kind))
    if not 0 <= hour <= 23:
        errors["hour"] = [HOUR_RANGE]
    if not 0 <= weekday <= 6:
        errors["weekday"] = [WEEKDAY_RANGE]
    if time_zone not in available_timezones():
        errors["time_zone"] = [UNKNOWN_TIME_ZONE.format(zone=time_zone)]
    if errors:
        raise ValidationError(errors)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "kinds": sorted(set(kinds)),
            "hour": hour,
            "weekday": weekday,
            "time_zone": time_zone,
        },
    )
    return preference
