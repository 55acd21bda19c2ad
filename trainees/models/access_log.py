from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from trainees.models.enrollment import Enrollment, Trainee


class AccessLogEntry(models.Model):
    """One staff view of a trainee's record: who, which trainee or enrollment, what, when.

    Append-only. The viewer is a person or an API key; `viewer_name` keeps the name at the time,
    so the entry still reads sensibly after the key is revoked or the person renamed.
    """

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="access_log")
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewer_name = models.CharField(max_length=200)
    operation = models.CharField(max_length=64)
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name_plural = "access log entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(api_key__isnull=True),
                name="access_log_one_kind_of_viewer",
            )
        ]
        indexes = [models.Index(fields=["trainee", "-viewed_at"], name="access_log_trainee_time")]

    def __str__(self) -> str:
        return f"{self.viewer_name} viewed {self.operation} at {self.viewed_at:%Y-%m-%d %H:%M}"
