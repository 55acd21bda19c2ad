from django.conf import settings
from django.db import models
from django.db.models import Q

from trainees.models.enrollment import Enrollment


class Invitation(models.Model):
    """An emailed link that lets a person set a password and join an enrollment as its trainee.

    The link carries a signed token; only a SHA-256 digest of its random part is stored, so a
    database leak does not yield working links. Single use: `accepted_at` is claimed with a
    conditional UPDATE.
    """

    email = models.EmailField()
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="invitations")
    nonce_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to enrollment {self.enrollment_id}"


class LoginAttempt(models.Model):
    """A failed sign-in, per e-mail and IP, for database-backed throttling.

    Kept in PostgreSQL rather than Redis so throttling keeps working when Redis is down (issue 8).
    Rows older than the window are irrelevant and may be pruned at any time.
    """

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["email", "ip_address", "attempted_at"], name="login_attempt_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.attempted_at}"
