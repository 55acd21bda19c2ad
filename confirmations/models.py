from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import history_user
from programs.models import ActivityCategory
from trainees.models import Trainee

if TYPE_CHECKING:
    from trainees.models import Session


class ConfirmationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined as not accurate"


class ConfirmationState(models.TextChoices):
    """Derived, never stored: expiry moves with the clock."""

    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined as not accurate"
    REVOKED = "revoked", "Cancelled"
    EXPIRED = "expired", "Expired"


class ExternalConfirmationRequest(models.Model):
    """A trainee's request that someone without an account (an external supervisor, their
    therapist) confirm some of their sessions through an e-mailed, signed, single-use link.

    Only a SHA-256 digest of the link's random part is stored, and only once the e-mail is being
    sent (the raw value exists in that e-mail alone), so a database leak yields no working link.
    Each covered session keeps a fingerprint of what the confirmer is shown; a session that
    changed since is refused rather than verified as something it no longer is.
    """

    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="external_confirmations"
    )
    category = models.ForeignKey(ActivityCategory, on_delete=models.PROTECT, related_name="+")
    sessions: "models.ManyToManyField[Session, ExternalConfirmationItem]" = models.ManyToManyField(
        "trainees.Session", through="ExternalConfirmationItem", related_name="+"
    )
    confirmer_name = models.CharField(max_length=200)
    confirmer_email = models.EmailField()
    message = models.TextField(blank=True, max_length=2000)
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=ConfirmationOutcome.choices, blank=True, default=""
    )
    confirmed_name = models.CharField(max_length=200, blank=True)
    decline_reason = models.TextField(blank=True, max_length=2000)
    confirmer_ip = models.GenericIPAddressField(null=True, blank=True)
    confirmer_user_agent = models.CharField(max_length=255, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Claimed with a conditional UPDATE so a redelivered task never tells the trainee twice.
    trainee_notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["token_digest"],
        get_user=history_user,
        # Tables keep the names they had in the trainees app (moved without touching rows).
        table_name="trainees_historicalexternalconfirmationrequest",
    )

    class Meta:
        # Tables keep the names they had in the trainees app (moved without touching rows).
        db_table = "trainees_externalconfirmationrequest"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="extconf_not_both_used_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, outcome="")
                | Q(used_at__isnull=False, outcome__in=ConfirmationOutcome.values),
                name="extconf_used_iff_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=ConfirmationOutcome.CONFIRMED) | ~Q(confirmed_name=""),
                name="extconf_confirmed_has_name",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=ConfirmationOutcome.DECLINED) | ~Q(decline_reason=""),
                name="extconf_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="extconf_expires_after_creation",
            ),
            models.CheckConstraint(
                # A link can only be used once it exists, i.e. once it was e-mailed.
                condition=Q(used_at__isnull=True) | Q(emailed_at__isnull=False),
                name="extconf_used_only_after_emailed",
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "created_at"], name="extconf_trainee_created"),
        ]

    def __str__(self) -> str:
        # No name or address: the confirmer may be the trainee's therapist.
        return f"Confirmation request {self.pk}"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return ConfirmationState.REVOKED
        if self.outcome:
            return self.outcome
        if self.expires_at <= timezone.now():
            return ConfirmationState.EXPIRED
        return ConfirmationState.PENDING

    @property
    def state_label(self) -> str:
        return str(ConfirmationState(self.state).label)

    @property
    def is_pending(self) -> bool:
        return self.state == ConfirmationState.PENDING


class ExternalConfirmationItem(models.Model):
    """One session covered by a request, with the fingerprint of what the confirmer is shown."""

    request = models.ForeignKey(
        ExternalConfirmationRequest, on_delete=models.PROTECT, related_name="items"
    )
    session = models.ForeignKey(
        "trainees.Session", on_delete=models.PROTECT, related_name="external_confirmation_items"
    )
    fingerprint = models.CharField(max_length=64)

    class Meta:
        db_table = "trainees_externalconfirmationitem"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "session"], name="extconf_item_once"),
        ]

    def __str__(self) -> str:
        return f"Session {self.session_id} in confirmation request {self.request_id}"
