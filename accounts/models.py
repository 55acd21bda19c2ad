from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by email: trainee, supervisor, director or staff."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            # Emails are compared case-insensitively: Ana@x.org and ana@x.org are one person.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiScope(models.TextChoices):
    PROGRAMS_READ = "programs:read", "Read programs, requirement sets and cohorts"
    PROGRAMS_WRITE = "programs:write", "Upload new requirement-set versions"
    ENROLLMENTS_READ = "enrollments:read", "Read trainees, enrollments, leaves and assignments"
    ENROLLMENTS_WRITE = "enrollments:write", "Create and change enrollments, leaves and assignments"
    SESSIONS_READ = "sessions:read", "Read sessions (never private details)"
    REPORTS_READ = "reports:read", "Read compliance and program reports"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage webhook subscriptions"


class ApiKey(models.Model):
    """A credential for an institutional system: one institution, explicit scopes, expiring.

    Only a SHA-256 digest of the key is stored. The key carries 256 bits of randomness, so a fast
    digest is enough (a slow password hash defends low-entropy secrets, which this is not), and it
    keeps authentication to a single indexed lookup.
    """

    institution = models.ForeignKey(
        "programs.Institution", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["institution", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    # DRF and our scope checks ask any principal these questions.
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class PersonalToken(models.Model):
    """A token with which a person (usually a trainee) uses the API from another tool, as themself."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def history_user(instance: Any = None, request: Any = None, **kwargs: Any) -> User | None:
    """Who made a change, for the history tables: a person, never an API key (keys are recorded
    in the change reason instead, since the history's user column points at people)."""
    if request is None:
        return None
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


class Invitation(models.Model):
    """An emailed link that lets a person set a password and join an enrollment as its trainee.

    The link carries a signed token; only a SHA-256 digest of its random part is stored, so a
    database leak does not yield working links. Single use: `accepted_at` is claimed with a
    conditional UPDATE.
    """

    email = models.EmailField()
    enrollment = models.ForeignKey(
        "trainees.Enrollment", on_delete=models.CASCADE, related_name="invitations"
    )
    nonce_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Tables keep the names they had in the trainees app (moved without touching rows).
        db_table = "trainees_invitation"
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
        db_table = "trainees_loginattempt"
        indexes = [
            models.Index(
                fields=["email", "ip_address", "attempted_at"], name="login_attempt_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.attempted_at}"
