from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.weekdays import WEEKDAY_CHOICES
from programs.models import ActivityCategory
from trainees.models.enrollment import Trainee
from trainees.models.session import Session, SessionFormat, SessionModality


class RecurringSession(models.Model):
    """A pattern ("weekly therapy every Tuesday, 50 min") that proposes sessions each week.

    Proposals are computed, not stored: nothing exists as a Session (and nothing can be credited)
    until the trainee confirms an occurrence.
    """

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="recurring_sessions"
    )
    category = models.ForeignKey(ActivityCategory, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAY_CHOICES, help_text="0 = Monday ... 6 = Sunday."
    )
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField()
    format = models.CharField(
        max_length=16, choices=SessionFormat.choices, default=SessionFormat.INDIVIDUAL
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    modality = models.CharField(
        max_length=16, choices=SessionModality.choices, default=SessionModality.IN_PERSON
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="recurring_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=720),
                name="recurring_duration_1_to_720",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="recurring_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} every weekday {self.weekday}"


class RecurringOccurrence(models.Model):
    """What the trainee decided about one proposed date: confirmed (with its session) or skipped.

    The unique key makes a double click (or two tabs) confirm a date once.
    """

    recurring = models.ForeignKey(
        RecurringSession, on_delete=models.CASCADE, related_name="occurrences"
    )
    date = models.DateField()
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    skipped = models.BooleanField(default=False)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recurring", "date"], name="recurring_occurrence_once")
        ]

    def __str__(self) -> str:
        return f"{self.recurring_id} on {self.date}"
