from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import history_user
from trainees.models.enrollment import Enrollment


class EnrollmentMilestone(models.Model):
    """A dated event in one enrollment that rules refer to by key: `degree_conferred`,
    `application`, `license_granted`... (e.g. "hours after the degree date count")."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="milestones")
    key = models.SlugField(max_length=64)
    date = models.DateField()
    note = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["enrollment", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "key"], name="milestone_key_unique_in_enrollment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} on {self.date}"
