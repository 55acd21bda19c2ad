"""Fixtures for the trainee web pages: signed-in clients per persona, and private sessions."""

from datetime import date

import pytest

from programs.models import ActivityCategory
from tests.factories import SessionFactory
from trainees.services.compliance import trainee_snapshots_refresh

PRIVATE_PROVIDER = "Dr Priya Privatetherapist"
PRIVATE_NOTES = "talked about my mother"


@pytest.fixture
def category():
    def get(key: str) -> ActivityCategory:
        return ActivityCategory.objects.get(key=key)

    return get


@pytest.fixture
def refresh():
    def run(trainee) -> None:
        trainee_snapshots_refresh(trainee_id=trainee.pk)

    return run


@pytest.fixture
def trainee_client(client, trainee, frozen_today, refresh):
    refresh(trainee)
    client.force_login(trainee.user)
    return client


@pytest.fixture
def login_as(client, frozen_today):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def private_session(trainee, category, refresh):
    """A personal-therapy session (private in the program) with a named therapist and notes."""
    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        duration_minutes=50,
        category=category("personal_therapy"),
        provider_name=PRIVATE_PROVIDER,
        notes=PRIVATE_NOTES,
        status="submitted",
    )
    refresh(trainee)
    return session


@pytest.fixture
def client_session(trainee, category, refresh):
    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 8),
        duration_minutes=60,
        category=category("client_individual"),
        status="draft",
    )
    refresh(trainee)
    return session


@pytest.fixture
def other_session(other_trainee, category, refresh):
    session = SessionFactory(
        trainee=other_trainee,
        date=date(2026, 6, 2),
        duration_minutes=45,
        category=category("client_individual"),
        status="draft",
        notes="other trainee's own note",
    )
    refresh(other_trainee)
    return session
