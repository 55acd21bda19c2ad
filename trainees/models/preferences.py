from django.conf import settings
from django.db import models
from django.db.models import Q

from core.weekdays import WEEKDAY_CHOICES


class ReminderKind(models.TextChoices):
    LOG_SESSIONS = "log_sessions", "Weekly reminder to log this week's sessions"
    DRAFTS_PENDING = "drafts_pending", "Drafts waiting to be submitted"
    REJECTED = "rejected", "A session came back from your supervisor"
    FALLING_BEHIND = "falling_behind", "A requirement is at risk or behind"
    RECURRING = "recurring", "Recurring sessions waiting for confirmation"


class NotificationPreference(models.Model):
    """Which reminders a person receives, and when (hour and weekday in their own time zone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    kinds = models.JSONField(default=list, blank=True)
    # Friday afternoon, when a week can still be completed (the product's default).
    hour = models.PositiveSmallIntegerField(default=16)
    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAY_CHOICES, default=4, help_text="0 = Monday ... 6 = Sunday."
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="notification_hour_0_23"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="notification_weekday_0_6"),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.user}"
