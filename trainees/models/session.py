from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import history_user
from programs.models import ActivityCategory
from trainees.models.enrollment import Trainee

MAX_SESSION_MINUTES = 12 * 60
HARD_DELETE_FORBIDDEN = "Logged sessions are never deleted; withdraw the session instead."


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class SessionFormat(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    TRIADIC = "triadic", "Triadic"
    GROUP = "group", "Group"


class SessionModality(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


class SessionQuerySet(models.QuerySet["Session"]):
    def delete(self) -> NoReturn:
        raise PermissionError(HARD_DELETE_FORBIDDEN)

    def live(self) -> "SessionQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Session(models.Model):
    """One logged activity. Logged once per trainee; every enrollment's rules decide if it counts.

    Never hard-deleted: a withdrawn session keeps its row (and history) and is excluded, with a
    reason, from every computation.
    """

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField()
    category = models.ForeignKey(
        ActivityCategory, on_delete=models.PROTECT, related_name="sessions"
    )
    format = models.CharField(
        max_length=16, choices=SessionFormat.choices, default=SessionFormat.INDIVIDUAL
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    modality = models.CharField(
        max_length=16, choices=SessionModality.choices, default=SessionModality.IN_PERSON
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_sessions",
    )
    provider_name = models.CharField(
        max_length=200, blank=True, help_text="A provider without an account."
    )
    notes = models.TextField(blank=True)
    setting = models.SlugField(
        max_length=64,
        blank=True,
        help_text="Work setting or placement, for rules that count per setting.",
    )
    client_code = models.CharField(
        max_length=64,
        blank=True,
        help_text="A de-identified client code (never a name), for rules that count distinct clients.",
    )
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_sessions",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Set when someone without an account confirmed the session through an e-mailed link; then
    # `verified_by` is empty and the confirmer's typed name is on the request.
    external_confirmation = models.ForeignKey(
        "confirmations.ExternalConfirmationRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_sessions",
    )
    rejection_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_SESSION_MINUTES),
                name="session_duration_1_to_720_minutes",
            ),
            models.CheckConstraint(
                # IS NOT NULL spelled out: for a missing size `group_size >= 2` is NULL, not
                # false, and a CHECK whose condition is NULL lets the row through.
                condition=Q(format="group", group_size__isnull=False, group_size__gte=2)
                | (~Q(format="group") & Q(group_size__isnull=True)),
                name="session_group_size_iff_group",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (
                    Q(verified_at__isnull=False)
                    & (Q(verified_by__isnull=False) | Q(external_confirmation__isnull=False))
                ),
                name="session_verified_has_verifier",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="session_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) | Q(provider_name=""),
                name="session_one_kind_of_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "date"], name="session_trainee_date"),
            models.Index(fields=["verified_by", "status"], name="session_verifier_status"),
            models.Index(fields=["provider", "status"], name="session_provider_status"),
        ]

    def __str__(self) -> str:
        return f"{self.category} on {self.date} ({self.duration_minutes} min)"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError(HARD_DELETE_FORBIDDEN)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
