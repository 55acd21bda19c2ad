from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import history_user
from programs.models import ActivityCategory, Program, RequirementSet


class Trainee(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainee"
    )
    # NULL, not '', for "no id": the uniqueness constraint must ignore trainees without one.
    external_id = models.CharField(  # noqa: DJ001
        max_length=100,
        null=True,
        blank=True,
        help_text="Identifier in the institution's student records.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(external_id__isnull=False),
                name="trainee_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    starts_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["program", "-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="cohort_slug_unique_in_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program.slug} / {self.name}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_LEAVE = "on_leave", "On leave"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.ACTIVE, Status.ON_LEAVE)

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    # The version the trainee is measured against; changes only by an explicit move.
    requirement_set = models.ForeignKey(
        RequirementSet, on_delete=models.PROTECT, related_name="enrollments"
    )
    start_date = models.DateField()
    expected_end_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(null=True, blank=True, help_text="Completion or withdrawal date.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["program", "trainee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_date__gt=F("start_date")),
                name="enrollment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["completed", "withdrawn"], ended_on__isnull=False)
                | Q(status__in=["active", "on_leave"], ended_on__isnull=True),
                name="enrollment_ended_on_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="enrollment_ended_on_after_start",
            ),
            # One open enrollment per trainee and program; a trainee may re-enroll after leaving.
            models.UniqueConstraint(
                fields=["trainee", "program"],
                condition=Q(status__in=["active", "on_leave"]),
                name="enrollment_one_open_per_program",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="enrollment_program_status")]

    def __str__(self) -> str:
        return f"{self.trainee} in {self.program.slug}"


class LeaveOfAbsence(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="leaves")
    start_date = models.DateField()
    end_date = models.DateField(help_text="Last day of the leave (inclusive).")
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["enrollment", "start_date"]
        verbose_name_plural = "leaves of absence"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="leave_end_not_before_start"
            )
        ]

    def __str__(self) -> str:
        return f"Leave {self.start_date}..{self.end_date}"


class SupervisorAssignment(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="supervisor_assignments"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisees"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    categories = models.ManyToManyField(
        ActivityCategory,
        blank=True,
        help_text="Categories this supervisor is responsible for; empty means all.",
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["enrollment", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.enrollment}"
