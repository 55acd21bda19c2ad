from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import history_user
from trainees.models.enrollment import Enrollment


class RequirementWaiver(models.Model):
    """A director's decision for one enrollment: one requirement waived (`minimum` NULL) or its
    minimum replaced, in the requirement's result unit (minutes for hours, sessions, periods,
    a count or days; see programs.engine.waivers). The engine applies it and says so in the
    result. Revoked, never deleted: the history keeps who decided what, when and why.
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="waivers")
    requirement_key = models.SlugField(max_length=80)
    minimum = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["enrollment", "requirement_key", "-created_at"]
        constraints = [
            # The engine takes at most one waiver per requirement.
            models.UniqueConstraint(
                fields=["enrollment", "requirement_key"],
                condition=Q(revoked_at__isnull=True),
                name="waiver_one_active_per_requirement",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="waiver_has_reason"),
        ]

    def __str__(self) -> str:
        what = "waived" if self.minimum is None else f"minimum {self.minimum}"
        return f"{self.requirement_key} {what} for enrollment {self.enrollment_id}"
