"""The session output is built by hand for speed; it must stay exactly DRF's field-by-field output
(which the schema documents), for every shape a session can take and for owner and staff alike."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from api.v1.serializers import SessionOut
from confirmations.models import ExternalConfirmationRequest
from programs.models import ActivityCategory
from tests.factories import SessionFactory, UserFactory
from trainees.models import Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

NOON = datetime(2026, 3, 2, 12, 0, 30, 123456, tzinfo=UTC)


def _shapes(trainee, supervisor):
    confirmation = ExternalConfirmationRequest.objects.create(
        trainee=trainee,
        category=ActivityCategory.objects.get(key="personal_therapy"),
        confirmer_name="Dr Lee",
        confirmer_email="lee@example.org",
        created_at=NOON,
        expires_at=NOON + timedelta(days=14),
        confirmed_name="Dr A. Lee",
        outcome="confirmed",
        used_at=NOON + timedelta(days=1),
        emailed_at=NOON,
        token_digest="0" * 64,
    )
    return [
        SessionFactory(trainee=trainee),
        SessionFactory(
            trainee=trainee,
            start_time=time(9, 30),
            provider=supervisor,
            notes="Case formulation",
            status="submitted",
            submitted_at=NOON,
        ),
        SessionFactory(
            trainee=trainee,
            format="group",
            group_size=6,
            modality="video",
            provider_name="Group lead",
            status="verified",
            submitted_at=NOON,
            verified_by=supervisor,
            verified_at=NOON + timedelta(hours=1),
        ),
        SessionFactory(
            trainee=trainee,
            category=ActivityCategory.objects.get(key="personal_therapy"),
            status="verified",
            submitted_at=NOON,
            verified_at=NOON,
            external_confirmation=confirmation,
        ),
        SessionFactory(
            trainee=trainee,
            status="rejected",
            rejection_reason="Wrong date",
            withdrawn_at=NOON,
        ),
    ]


@pytest.mark.parametrize("as_owner", [True, False], ids=["owner", "staff"])
def test_the_hand_built_output_equals_drfs_own(trainee, supervisor, as_owner):
    ids = [s.pk for s in _shapes(trainee, supervisor)]
    viewer = trainee.user if as_owner else supervisor
    sessions = Session.objects.filter(pk__in=ids).select_related(
        "trainee", "category", "provider", "verified_by", "external_confirmation"
    )

    for session in sessions:
        serializer = SessionOut(session, context={"viewer": viewer})
        assert serializer.to_representation(session) == serializer.generic_representation(session)


def test_the_output_of_a_confirmed_session_names_the_confirmer_to_its_trainee(trainee, supervisor):
    confirmed = _shapes(trainee, supervisor)[3]
    session = Session.objects.select_related("trainee", "category", "external_confirmation").get(
        pk=confirmed.pk
    )

    data = SessionOut(session, context={"viewer": trainee.user}).data

    assert data["verification_method"] == "email_link"
    assert data["confirmed_by_name"] == "Dr A. Lee"
    assert data["verified_at"] == "2026-03-02T12:00:30.123456Z"
    assert data["date"] == date(2026, 2, 2).isoformat()


def test_private_fields_are_hidden_from_anyone_but_the_trainee(trainee, supervisor):
    noted = _shapes(trainee, supervisor)[1]
    session = Session.objects.select_related("trainee", "category", "provider").get(pk=noted.pk)

    data = SessionOut(session, context={"viewer": UserFactory()}).data

    assert (data["notes"], data["provider_name"]) == (None, None)
    assert data["start_time"] == "09:30:00"
