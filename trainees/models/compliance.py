from typing import Any

from django.db import models

from programs.models import RequirementSet
from trainees.models.enrollment import Enrollment, Trainee

STATUS_CHOICES = [
    ("met", "Met"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("behind", "Behind"),
    ("not_started", "Not started"),
]


class ComplianceSnapshot(models.Model):
    """The stored result of the engine for one enrollment, as of the day it was computed.

    Kept current inside the transaction that changes leaves, waivers or the requirement set; after
    a change to sessions, within seconds by a worker (see `SnapshotRefreshRequest`); and refreshed
    nightly because pace moves with the calendar. Reports read these rows instead of recomputing;
    as-of queries for other dates compute on demand.
    """

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="snapshot")
    requirement_set = models.ForeignKey(RequirementSet, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    result: "models.JSONField[Any]" = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status"], name="snapshot_status")]

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.status} as of {self.as_of}"


class RequirementStatus(models.Model):
    """One requirement's figures from the latest snapshot, as rows so reports can filter in SQL."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="requirement_statuses"
    )
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    unit = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    advisory = models.BooleanField(default=False)
    required = models.IntegerField()
    credited = models.IntegerField()
    expected_by_now = models.IntegerField()
    projected_completion = models.DateField(null=True, blank=True)
    as_of = models.DateField()
    # The first as-of date of the current status run: "behind since 3 March" tells a director
    # whether this is new or long-standing. Kept while the status stays the same.
    status_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["enrollment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "key"], name="requirement_status_unique")
        ]
        indexes = [models.Index(fields=["key", "status"], name="requirement_status_key_status")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.key}: {self.status}"


class SnapshotRefreshRequest(models.Model):
    """A trainee whose sessions changed after their snapshots were last computed.

    Logging a session must not wait for every rule to be re-run over every session of the
    trainee, so the request records this row (in the transaction that changed the sessions) and a
    worker recomputes shortly after commit. The row, not the queued task, is the truth: a task lost
    with a dead broker is caught up by the sweep, and the trainee's own pages recompute on read
    while the row exists. `requested_at` moves with every change, so a worker that computed from
    older data cannot clear a newer request.
    """

    trainee = models.OneToOneField(
        Trainee, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["requested_at"], name="snapshot_refresh_requested")]

    def __str__(self) -> str:
        return f"Snapshots of trainee {self.trainee_id} stale since {self.requested_at}"
