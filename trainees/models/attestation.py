from django.db import models
from django.db.models import F, Q

from programs.models import ActivityCategory
from trainees.models.enrollment import Trainee


class Attestation(models.Model):
    """A document (letter, form) attesting hours or sessions of a category over a period.

    The file lives under MEDIA_ROOT/attestations with a random name and is only ever served by a
    permission-checked view as an attachment; `original_name` is for display only.
    """

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attestations")
    category = models.ForeignKey(ActivityCategory, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    minutes = models.PositiveIntegerField(null=True, blank=True)
    sessions = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="attestations/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="attestation_period_order"
            ),
            models.CheckConstraint(
                condition=Q(minutes__isnull=False) | Q(sessions__isnull=False),
                name="attestation_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.period_start}..{self.period_end}"
