"""Erasing a trainee: private details and personal data go; the program's figures stay.

The rule (docs/data-rights.md, docs/adr/0007): sessions are never deleted. What a program must retain is
de-identified: dates, minutes, categories, formats, statuses, verifier and provider accounts
(staff, and rules such as "approved providers" or "distinct providers" count them), and every
compliance figure. Removed: notes, free-text provider names, attestation files and their
original names, the trainee's name, e-mail, external id, password and personal tokens. Client
codes are replaced by neutral aliases, one per distinct code, so rules counting distinct clients
still count the same.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from accounts.models import Invitation, LoginAttempt, PersonalToken
from confirmations.models import ExternalConfirmationRequest
from trainees.models import Attestation, LeaveOfAbsence, RecurringSession, Session, Trainee

ERASED_NAME = "Erased trainee #{id}"
ERASED_EMAIL = "erased-{id}@invalid"
ERASED_FILE_NAME = "erased"
ERASED_CONFIRMER = "erased"
ERASED_CONFIRMER_EMAIL = "erased@invalid"


@dataclass(frozen=True, slots=True)
class ErasureResult:
    trainee_id: int
    sessions: int
    history_rows: int
    files_removed: int


def _client_code_aliases(codes: list[str]) -> Case | None:
    """One UPDATE that maps every code to its alias at once (sequential updates could merge
    a code into an alias another code already took)."""
    if not codes:
        return None
    whens = [
        When(client_code=code, then=Value(f"client-{n}"))
        for n, code in enumerate(sorted(codes), start=1)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _erase_external_confirmations(trainee: Trainee) -> None:
    """Confirmers without an account are free text (often the trainee's therapist): their names,
    addresses, messages and network details go; that a session was confirmed, and when, stays.
    Links still waiting are cancelled."""
    requests = ExternalConfirmationRequest.objects.filter(trainee=trainee)
    requests.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    erased = {
        "confirmer_name": ERASED_CONFIRMER,
        "confirmer_email": ERASED_CONFIRMER_EMAIL,
        "message": "",
        "confirmer_ip": None,
        "confirmer_user_agent": "",
    }
    for model in (ExternalConfirmationRequest, ExternalConfirmationRequest.history.model):
        rows = model.objects.filter(trainee_id=trainee.pk)
        rows.update(**erased)
        rows.exclude(confirmed_name="").update(confirmed_name=ERASED_CONFIRMER)
        rows.exclude(decline_reason="").update(decline_reason=ERASED_CONFIRMER)
    # Declines recorded before the change reason stopped carrying the confirmer's text.
    ExternalConfirmationRequest.history.filter(
        trainee_id=trainee.pk, history_change_reason__startswith="declined:"
    ).update(history_change_reason="declined")


def trainee_erase(*, trainee: Trainee) -> ErasureResult:
    """Erase one trainee's private details and personal data (see module doc). Idempotent: a
    second run finds nothing left to remove. Files are deleted after the commit, so a rollback
    never leaves rows pointing at missing files."""
    with transaction.atomic():
        trainee = Trainee.objects.select_for_update().select_related("user").get(pk=trainee.pk)
        user = trainee.user
        old_email = user.email
        sessions = Session.objects.filter(trainee=trainee)
        history = Session.history.model.objects.filter(trainee_id=trainee.pk)
        codes = list(set(sessions.exclude(client_code="").values_list("client_code", flat=True)))
        aliases = _client_code_aliases(codes)
        # QuerySet.update writes no new history rows, so the old values are not copied again.
        session_count = sessions.update(
            notes="", provider_name="", client_code=aliases if aliases is not None else Value("")
        )
        history_count = history.update(
            notes="", provider_name="", client_code=aliases if aliases is not None else Value("")
        )
        RecurringSession.objects.filter(trainee=trainee).update(provider_name="")
        # A leave's reason can be a health detail; its dates stay because pace depends on them.
        leaves = LeaveOfAbsence.objects.filter(enrollment__trainee=trainee)
        LeaveOfAbsence.history.model.objects.filter(
            enrollment_id__in=list(leaves.values_list("enrollment_id", flat=True))
        ).update(reason="")
        leaves.update(reason="")
        _erase_external_confirmations(trainee)

        attestations = list(Attestation.objects.filter(trainee=trainee).exclude(file=""))
        files = [(a.file.storage, a.file.name) for a in attestations]
        Attestation.objects.filter(trainee=trainee).update(file="", original_name=ERASED_FILE_NAME)

        trainee.external_id = None
        trainee.save(update_fields=["external_id"])
        user.full_name = ERASED_NAME.format(id=trainee.pk)
        user.email = ERASED_EMAIL.format(id=trainee.pk)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["full_name", "email", "is_active", "password"])
        PersonalToken.objects.filter(user=user).delete()
        Invitation.objects.filter(enrollment__trainee=trainee).update(email=user.email)
        LoginAttempt.objects.filter(email__iexact=old_email).delete()

        def remove_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(remove_files)
    return ErasureResult(
        trainee_id=trainee.pk,
        sessions=session_count,
        history_rows=history_count,
        files_removed=len(files),
    )
