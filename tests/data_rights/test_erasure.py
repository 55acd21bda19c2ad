"""Erasure removes private details and personal data, keeps the program's figures and sessions."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from programs.engine import result_to_dict
from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import SessionFactory
from trainees.models import Attestation, Session
from trainees.selectors.compliance import enrollment_compliance
from trainees.services.sessions import session_update

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)


@pytest.fixture
def history_of_trainee(trainee, director, category, private_session, refresh):
    """Verified client sessions with client codes, an edited draft (history with old notes),
    and a document."""
    for day, code in ((2, "AB-12"), (3, "CD-34"), (4, "AB-12")):
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, day),
            duration_minutes=60,
            category=category("client_individual"),
            client_code=code,
            notes=f"client note {day}",
            status="verified",
            verified_by=director,
            verified_at="2026-06-05T10:00:00Z",
        )
    draft = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 5),
        category=category("personal_therapy"),
        provider_name="Dr First Name",
        notes="first draft of a secret",
        status="draft",
    )
    session_update(session=draft, actor=trainee.user, notes="second draft of a secret")
    attestation = Attestation(
        trainee=trainee,
        category=category("personal_therapy"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        minutes=600,
        original_name="letter from my therapist.pdf",
        content_type="application/pdf",
        size=9,
    )
    attestation.file.save("random.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attestation.save()
    refresh(trainee)
    return attestation


def _figures(enrollment):
    return result_to_dict(enrollment_compliance(enrollment=enrollment, as_of=AS_OF))


def _kept(trainee):
    return list(
        Session.objects.filter(trainee=trainee)
        .order_by("pk")
        .values_list("pk", "date", "duration_minutes", "category_id", "format", "status")
    )


def test_erasure_keeps_figures_and_sessions(trainee, enrollment, history_of_trainee, frozen_today):
    before, sessions_before = _figures(enrollment), _kept(trainee)

    call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    after = _figures(enrollment)
    assert after == before
    assert [r["credited"] for r in after["requirements"]] == [
        r["credited"] for r in before["requirements"]
    ]
    assert _kept(trainee) == sessions_before
    assert len(sessions_before) == 5


def test_erasure_removes_private_fields_and_personal_data(
    trainee, history_of_trainee, frozen_today, django_capture_on_commit_callbacks
):
    trainee.external_id = "S-1234"
    trainee.save()
    file_name = history_of_trainee.file.name
    storage = history_of_trainee.file.storage

    # Files go after the commit, so a rolled-back erasure never loses a document.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    rows = Session.objects.filter(trainee=trainee)
    assert set(rows.values_list("notes", flat=True)) == {""}
    assert set(rows.values_list("provider_name", flat=True)) == {""}
    # Distinct clients stay distinct (two codes), but the codes themselves are gone.
    assert sorted(set(rows.values_list("client_code", flat=True))) == ["", "client-1", "client-2"]
    trainee.refresh_from_db()
    user = trainee.user
    user.refresh_from_db()
    assert (user.full_name, user.email, trainee.external_id) == (
        f"Erased trainee #{trainee.pk}",
        f"erased-{trainee.pk}@invalid",
        None,
    )
    assert not user.has_usable_password()
    assert not user.is_active
    attestation = Attestation.objects.get(pk=history_of_trainee.pk)
    assert (attestation.file.name, attestation.original_name, attestation.minutes) == (
        "",
        "erased",
        600,
    )
    assert not storage.exists(file_name)


def test_erasure_scrubs_the_history_rows_too(trainee, history_of_trainee, frozen_today):
    historical = Session.history.model.objects.filter(trainee_id=trainee.pk)
    assert historical.filter(notes="first draft of a secret").exists()

    call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    for field in ("notes", "provider_name"):
        assert set(historical.values_list(field, flat=True)) == {""}
    texts = " ".join(
        str(row) for row in historical.values_list("notes", "provider_name", "client_code")
    )
    for secret in (
        PRIVATE_NOTES,
        PRIVATE_PROVIDER,
        "first draft",
        "Dr First Name",
        "AB-12",
        "CD-34",
    ):
        assert secret not in texts


def test_erasure_touches_no_other_trainee(
    trainee, other_trainee, other_session, history_of_trainee
):
    call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    other_session.refresh_from_db()
    other_trainee.user.refresh_from_db()
    assert other_session.notes == "other trainee's own note"
    assert other_trainee.user.email == "other.trainee@example.org"


def test_erasure_needs_confirmation_and_changes_nothing_without_it(trainee, private_session):
    with pytest.raises(CommandError, match="--confirm"):
        call_command("erase_trainee", trainee=trainee.pk)

    private_session.refresh_from_db()
    trainee.user.refresh_from_db()
    assert private_session.notes == PRIVATE_NOTES
    assert trainee.user.email == "trainee@example.org"


def test_erasing_twice_is_harmless(trainee, enrollment, history_of_trainee, frozen_today):
    call_command("erase_trainee", trainee=trainee.pk, confirm=True)
    once = (_figures(enrollment), _kept(trainee))

    call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    assert (_figures(enrollment), _kept(trainee)) == once


def test_erasure_clears_leave_reasons_but_keeps_their_dates(trainee, enrollment, frozen_today):
    from trainees.models import LeaveOfAbsence
    from trainees.services.enrollments import enrollment_leave_add

    enrollment_leave_add(
        enrollment=enrollment,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        reason="Surgery",
    )

    call_command("erase_trainee", trainee=trainee.pk, confirm=True)

    leave = LeaveOfAbsence.objects.get(enrollment=enrollment)
    assert (leave.start_date, leave.end_date, leave.reason) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
        "",
    )
    assert list(leave.history.values_list("reason", flat=True)) == [""]
