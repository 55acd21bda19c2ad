"""Webhook subscriptions of an institution, and the ledger of every delivery owed to them.

The delivery row is the source of truth (STYLE 7): a Celery message only says "look now"; a
message that is lost delays a delivery until the next sweep, it never drops it.
"""

from typing import Any

from django.db import models

from programs.models import Institution


class WebhookEvent(models.TextChoices):
    SESSION_VERIFIED = "session.verified", "A session was countersigned"
    ENROLLMENT_STATUS_CHANGED = (
        "enrollment.status_changed",
        "An enrollment was completed or withdrawn",
    )
    REQUIREMENT_STATUS_CHANGED = "requirement.status_changed", "A requirement's status changed"


class WebhookSubscription(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500)
    events: "models.JSONField[Any]" = models.JSONField(default=list)
    # Kept in clear: it signs every delivery. Shown to the subscriber once, at creation.
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["institution"],
                condition=models.Q(active=True),
                name="webhook_subscription_active",
            )
        ]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload: "models.JSONField[Any]" = models.JSONField(default=dict)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # A pending row is sent when this has passed. A sender pushes it forward when it claims the
    # row (a lease: a worker killed mid-send leaves it due again later) and after a failure (the
    # backoff).
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
