"""Waiving or adjusting one requirement for one enrollment, with a reason (issue 5).

The engine applies waivers (programs.engine.waivers); this service checks one can apply to the
enrollment's rules before storing it, so a stored waiver never makes a computation fail.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_with_reason
from programs.engine import Waiver, waiver_problem
from trainees.models import Enrollment, RequirementWaiver
from trainees.selectors.compliance import requirement_set_rules
from trainees.services.compliance import snapshots_refresh

WAIVER_REASON_REQUIRED = "A reason is required to waive or adjust a requirement."
UNKNOWN_REQUIREMENT = "This enrollment's rules have no such requirement."
NOT_ACTIVE = "This waiver is already revoked."


def requirement_waive(
    *,
    enrollment: Enrollment,
    requirement_key: str,
    reason: str,
    actor: User,
    minimum: int | None = None,
) -> RequirementWaiver:
    """Waive a requirement (`minimum` None) or replace its minimum, replacing any active waiver
    of it. Not idempotent (each call is a recorded decision). Raises ValidationError."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [WAIVER_REASON_REQUIRED]})
    with transaction.atomic():
        current = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("program", "requirement_set")
            .get(pk=enrollment.pk)
        )
        rules = {r.key: r for r in requirement_set_rules(current.requirement_set).rules}
        rule = rules.get(requirement_key)
        if rule is None:
            raise ValidationError({"requirement_key": [UNKNOWN_REQUIREMENT]})
        problem = waiver_problem(rule, Waiver(requirement_key, reason, minimum))
        if problem:
            raise ValidationError({"minimum": [problem]})
        now = timezone.now()
        for old in RequirementWaiver.objects.filter(
            enrollment=current, requirement_key=requirement_key, revoked_at__isnull=True
        ):
            old.revoked_at = now
            old.revoked_by = actor
            save_with_reason(old, "replaced")
        waiver = RequirementWaiver(
            enrollment=current,
            requirement_key=requirement_key,
            minimum=minimum,
            reason=reason,
            created_by=actor,
        )
        waiver.full_clean()
        save_with_reason(waiver, reason)
        snapshots_refresh(enrollments=[current])
    return waiver


def waiver_revoke(*, waiver: RequirementWaiver, actor: User) -> RequirementWaiver:
    """End a waiver: the requirement is measured as the rules say again."""
    with transaction.atomic():
        current = RequirementWaiver.objects.select_for_update().get(pk=waiver.pk)
        if current.revoked_at is not None:
            raise ValidationError(NOT_ACTIVE)
        current.revoked_at = timezone.now()
        current.revoked_by = actor
        save_with_reason(current, "revoked")
        enrollment = Enrollment.objects.select_related("program", "requirement_set").get(
            pk=current.enrollment_id
        )
        snapshots_refresh(enrollments=[enrollment])
    return current
