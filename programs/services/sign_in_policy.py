"""A program's sign-in policy: whether its directors and coordinators need two-factor sign-in."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from programs.models import Program, ProgramRole, TwoFactorPolicyChange

POLICY_REASON_REQUIRED = "Say why the policy changes; the reason is kept with the change."
POLICY_DIRECTORS_ONLY = "Only a director of this program can change its sign-in policy."
POLICY_UNCHANGED = "The policy is already set this way; nothing changed."


def program_two_factor_policy_set(
    *, program: Program, required: bool, actor: User, reason: str
) -> TwoFactorPolicyChange:
    """Turn the two-factor requirement for the program's managers on or off, recording who and
    why. Raises ValidationError when the actor is not its director, the reason is missing, or
    nothing would change (so the log holds only real changes)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [POLICY_REASON_REQUIRED]})
    if not ProgramRole.objects.filter(
        program=program, user=actor, role=ProgramRole.Role.DIRECTOR
    ).exists():
        raise ValidationError(POLICY_DIRECTORS_ONLY, code="not_director")
    with transaction.atomic():
        current = Program.objects.select_for_update().get(pk=program.pk)
        if current.directors_require_two_factor == required:
            raise ValidationError(POLICY_UNCHANGED, code="unchanged")
        current.directors_require_two_factor = required
        current.save(update_fields=["directors_require_two_factor"])
        program.directors_require_two_factor = required
        change = TwoFactorPolicyChange(
            program=current, required=required, changed_by=actor, reason=reason
        )
        # An over-long reason is refused by name, never cut short in the record.
        change.full_clean()
        change.save()
        return change
