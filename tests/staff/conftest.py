"""Staff personas signed in, and a submitted week of sessions waiting for the supervisor."""

from datetime import date

import pytest

from tests.factories import SessionFactory


@pytest.fixture
def week_sessions(trainee, category, refresh):
    """Three submitted client sessions in ISO week 2026-W23 (1 to 7 June)."""
    sessions = [
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, day),
            duration_minutes=60,
            category=category("client_individual"),
            status="submitted",
            notes="ordinary client work",
        )
        for day in (1, 3, 5)
    ]
    refresh(trainee)
    return sessions


@pytest.fixture
def other_submitted(other_trainee, category, refresh):
    """A submitted session of a trainee the supervisor does not supervise."""
    session = SessionFactory(
        trainee=other_trainee,
        date=date(2026, 6, 2),
        duration_minutes=45,
        category=category("client_individual"),
        status="submitted",
    )
    refresh(other_trainee)
    return session
