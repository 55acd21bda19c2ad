"""The delivery ledger, per-program reminder settings, unsubscribes and remembered pace statuses.

The ledger is what makes reminders at-most-once: one row per (recipient, kind, period), enforced
by a unique constraint, and a row is sent only by whoever wins the conditional claim on it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.weekdays import WEEKDAY_CHOICES
from programs.models import Program
from trainees.models import Enrollment


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
        # The table keeps the name it had in the trainees app (moved without touching rows).
        db_table = "trainees_notificationpreference"
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="notification_hour_0_23"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="notification_weekday_0_6"),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.user}"


class Kind(models.TextChoices):
    LOG_WEEK = "log_week", "Log your week"
    PACE_ALERT = "pace_alert", "Pace alert"
    CADENCE_MISS = "cadence_miss", "Missed cadence period"
    COUNTERSIGN_NUDGE = "countersign_nudge", "Sessions waiting for your countersignature"
    COUNTERSIGN_ESCALATION = "countersign_escalation", "Countersigning overdue (director)"
    DEADLINE = "deadline", "Approaching end date with unmet requirements"
    DIRECTOR_DIGEST = "director_digest", "Weekly director digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (unsubscribed)"


class Delivery(models.Model):
    """One reminder to one person for one period. Created once; sent at most once per claim."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What makes this reminder unique within its kind for this person, e.g. "p3:2026-06-15".
    period = models.CharField(max_length=160)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    context: "models.JSONField[Any]" = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="reminder_delivery_once_per_period"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_delivery_sent_has_sent_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_delivery_due"),
            models.Index(fields=["recipient", "kind", "-due_at"], name="reminder_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} for {self.period}: {self.status}"


ALL_KINDS = list(Kind.values)


def _all_kinds() -> list[str]:
    return list(ALL_KINDS)


class ProgramReminderSettings(models.Model):
    """A program's switches and thresholds. A program without a row uses the defaults below."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled_kinds = models.JSONField(default=_all_kinds, blank=True)
    countersign_wait_days = models.PositiveSmallIntegerField(default=7)
    countersign_escalation_days = models.PositiveSmallIntegerField(
        default=7, help_text="Further days after the nudge before the director is told."
    )
    deadline_days = models.PositiveSmallIntegerField(default=60)
    pace_repeat_days = models.PositiveSmallIntegerField(default=14)
    pace_copy_director = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "program reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings of {self.program}"


class Unsubscribe(models.Model):
    """A person opted out of one kind (through a signed link or by staff)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_unsubscribes"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_unsubscribe_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} unsubscribed from {self.kind}"


class PaceNotice(models.Model):
    """The last requirement status we told someone about, so alerts fire on transitions only."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    requirement_key = models.SlugField(max_length=80)
    last_status = models.CharField(max_length=16)
    notified_on = models.DateField(null=True, blank=True)
    repeated_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "requirement_key"], name="reminder_pace_notice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.requirement_key}: {self.last_status}"
