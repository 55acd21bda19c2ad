from django.db import models
from django.db.models import F, Q

from trainees.models.compliance import STATUS_CHOICES
from trainees.models.enrollment import Enrollment


class WeeklyStatus(models.Model):
    """An enrollment's overall compliance status in one week (weeks start on Monday).

    Snapshots keep only the latest status, so the cohort trend chart needs this history. Derived
    data, like the snapshot it copies: no history table, and a row can always be recomputed from
    the sessions (`weekly_statuses_backfill`).
    """

    # PROTECT: enrollments are never deleted, and a trend must not silently lose its past.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="weekly_statuses"
    )
    week_start = models.DateField(help_text="The Monday of the week.")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    # The day the status was computed for: the snapshot's date while the week is running, the
    # week's Sunday once it has ended. It says how final a row is.
    as_of = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["enrollment", "week_start"]
        verbose_name_plural = "weekly statuses"
        constraints = [
            # Also the index of the trend query: it joins a program's (and cohort's) enrollments
            # to their rows, narrowed by week_start, so (enrollment, week_start) leads.
            models.UniqueConstraint(
                fields=["enrollment", "week_start"], name="weekly_status_one_per_week"
            ),
            # Django's week_day: 1 = Sunday, 2 = Monday.
            models.CheckConstraint(
                condition=Q(week_start__week_day=2), name="weekly_status_week_starts_monday"
            ),
            models.CheckConstraint(
                condition=Q(as_of__gte=F("week_start")), name="weekly_status_as_of_in_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} week of {self.week_start}: {self.status}"
