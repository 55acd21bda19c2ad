"""Institutions, programs, the shared category vocabulary and versioned requirement sets."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import history_user


class Institution(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityCategory(models.Model):
    """The shared vocabulary of activities. Program files reference keys and may add new ones.

    A session is logged once against a category; each enrollment's rules decide whether and how it
    counts, which is why the category is global rather than per program.
    """

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activity categories"

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="programs")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC")
    week_start = models.PositiveSmallIntegerField(
        default=0,
        help_text="0 = Monday ... 6 = Sunday; weekly rules use weeks starting on this day.",
    )
    directors_require_two_factor = models.BooleanField(
        default=False,
        help_text="Directors and coordinators must sign in with a second factor (an authenticator "
        "app). Changes are logged in TwoFactorPolicyChange.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(week_start__lte=6), name="program_week_start_is_weekday"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Verification(models.TextChoices):
    COUNTERSIGN = "countersign", "Countersigned by a supervisor"
    ATTESTATION = "attestation", "Attested by a document or letter"
    SELF_REPORT = "self_report", "Self-reported"


class ProgramCategory(models.Model):
    """How one program treats one category: private or not, and how sessions are verified.

    Mirrors the `categories` section of the program's latest loaded file.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(ActivityCategory, on_delete=models.PROTECT, related_name="+")
    private = models.BooleanField(
        default=False, help_text="Details (provider, notes) are visible to the trainee only."
    )
    verification = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.COUNTERSIGN
    )

    class Meta:
        ordering = ["program", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "category"], name="program_category_unique")
        ]
        verbose_name_plural = "program categories"

    def __str__(self) -> str:
        return f"{self.program.slug}: {self.category.key}"


class RequirementSet(models.Model):
    """One immutable version of a program's rules.

    `definition` holds the whole canonical program document the version was loaded from, so the
    rules an enrollment was measured against can always be shown and exported exactly.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="requirement_sets")
    version = models.PositiveIntegerField()
    definition: "models.JSONField[Any]" = models.JSONField()
    checksum = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="requirement_set_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="requirement_set_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.slug} v{self.version}"


class ProgramRole(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        COORDINATOR = "coordinator", "Coordinator"
        SUPERVISOR = "supervisor", "Supervisor"
        TRAINEE = "trainee", "Trainee"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["program", "role"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user", "role"], name="program_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.role} of {self.program.slug}"


# Roles that manage a program (its staff pages, its reports, its sign-in policy).
MANAGING_ROLES = (ProgramRole.Role.DIRECTOR, ProgramRole.Role.COORDINATOR)
# Roles that make someone staff of a program rather than a trainee in it.
STAFF_ROLES = (*MANAGING_ROLES, ProgramRole.Role.SUPERVISOR)


class ProviderApproval(models.Model):
    """A provider (therapist, supervisor, consultant) a program approves, with their standing.

    Rules may count only hours with an approved provider, or cap what a kind of provider may give
    (e.g. a consultant-in-training at most 15 of 20 hours). The kind that applies to a session is
    the one valid on the session's date: a provider's standing changes, a past session's does not.
    """

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="provider_approvals"
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider_approvals"
    )
    kind = models.SlugField(
        max_length=64, blank=True, help_text="e.g. approved_consultant, consultant_in_training."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["program", "provider", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="provider_approval_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} approved by {self.program.slug} ({self.kind or 'provider'})"


class TwoFactorPolicyChange(models.Model):
    """Who turned a program's "managers need two-factor sign-in" policy on or off, when and why.

    Program has no history table; this append-only log is the record of the policy's changes.
    """

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="two_factor_policy_changes"
    )
    required = models.BooleanField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table keeps the name it had in the accounts app (moved without touching rows).
        db_table = "accounts_twofactorpolicychange"
        ordering = ["program", "-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program_id}: {'required' if self.required else 'optional'}"
