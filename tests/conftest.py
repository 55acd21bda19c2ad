"""Persona fixtures shared by the whole suite.

The cast: a program with a director, a supervisor assigned to `trainee`, `other_trainee` in the
same program, and `other_director` running a different program at another institution.
"""

import os
from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from programs.models import ActivityCategory, ProgramRole
from tests.factories import (
    EnrollmentFactory,
    InstitutionFactory,
    ProgramFactory,
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.services.compliance import trainee_snapshots_refresh

# Tests that need PostgreSQL must fail, not skip, in CI when it is missing.
IN_CI = os.environ.get("CI", "").lower() == "true"

TODAY = date(2026, 6, 15)

# What a trainee wrote about their personal therapy: must never reach anyone else.
PRIVATE_PROVIDER = "Dr Priya Privatetherapist"
PRIVATE_NOTES = "talked about my mother"


@pytest.fixture
def frozen_today():
    """A fixed 'now' (Monday 15 June 2026, noon UTC) for anything dated."""
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(db):
    return ProgramFactory(
        slug="riverside-mft", name="Riverside MFT", institution=InstitutionFactory(slug="riverside")
    )


@pytest.fixture
def other_program(db):
    return ProgramFactory(
        slug="elsewhere-psy",
        name="Elsewhere Psychology",
        institution=InstitutionFactory(slug="elsewhere"),
    )


@pytest.fixture
def director(program):
    user = UserFactory(email="director@example.org", full_name="Dana Director")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.DIRECTOR)
    return user


@pytest.fixture
def other_director(other_program):
    user = UserFactory(email="other.director@example.org", full_name="Otto Otherdirector")
    ProgramRoleFactory(program=other_program, user=user, role=ProgramRole.Role.DIRECTOR)
    return user


@pytest.fixture
def supervisor(program):
    user = UserFactory(email="supervisor@example.org", full_name="Sam Supervisor")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.SUPERVISOR)
    return user


@pytest.fixture
def trainee(program, supervisor):
    trainee = TraineeFactory(
        user=UserFactory(email="trainee@example.org", full_name="Tess Trainee")
    )
    enrollment = EnrollmentFactory(trainee=trainee, program=program)
    SupervisorAssignmentFactory(
        enrollment=enrollment, supervisor=supervisor, starts_on=enrollment.start_date
    )
    return trainee


@pytest.fixture
def enrollment(trainee, program):
    return trainee.enrollments.get(program=program)


@pytest.fixture
def other_trainee(program):
    trainee = TraineeFactory(
        user=UserFactory(email="other.trainee@example.org", full_name="Oli Othertrainee")
    )
    EnrollmentFactory(trainee=trainee, program=program)
    return trainee


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def program_rows(db):
    """A callable counting the rows loading a program file can write, to assert nothing changed."""
    from programs.models import (
        ActivityCategory,
        Institution,
        Program,
        ProgramCategory,
        RequirementSet,
    )

    def count() -> dict[str, int]:
        models = (Institution, Program, ProgramCategory, RequirementSet, ActivityCategory)
        return {model.__name__: model.objects.count() for model in models}

    return count


@pytest.fixture
def program_file(tmp_path):
    """A callable writing program-file text to a temporary path and returning that path."""

    def write(text: str, name: str = "program.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def api_key(program):
    """An API key of `program`'s institution with every scope. `.raw` is the secret to send."""
    from accounts.models import ApiScope
    from accounts.services.tokens import api_key_create

    key, issued = api_key_create(
        institution_id=program.institution.pk, name="Student records", scopes=list(ApiScope.values)
    )
    key.raw = issued.raw
    return key


@pytest.fixture
def other_api_key(other_program):
    """An API key of `other_program`'s institution with every scope. `.raw` is the secret."""
    from accounts.models import ApiScope
    from accounts.services.tokens import api_key_create

    key, issued = api_key_create(
        institution_id=other_program.institution.pk,
        name="Elsewhere records",
        scopes=list(ApiScope.values),
    )
    key.raw = issued.raw
    return key


@pytest.fixture
def personal_token(trainee):
    """A personal token of `trainee`'s user. `.raw` is the secret to send as a Bearer token."""
    from accounts.services.tokens import personal_token_create

    token, issued = personal_token_create(user=trainee.user, name="Logging app")
    token.raw = issued.raw
    return token


@pytest.fixture(autouse=True)
def _broker_presumed_up(monkeypatch):
    """Publishing a snapshot refresh backs off for a while after the broker refused one; that
    state is per process, so one test's dead broker must not silence the next test's publish."""
    from core.publish import broker_state

    monkeypatch.setattr(broker_state, "down_until", 0.0)


@pytest.fixture(autouse=True)
def _no_cached_categories():
    """Each process keeps a copy of the category vocabulary; a test's rolled-back categories
    (no signal tells it of a rollback) must not be offered to the next test."""
    from programs.selectors import category_cache_clear

    category_cache_clear()


@pytest.fixture(autouse=True)
def _builtin_vocabulary(request):
    """Transactional tests end by flushing every table, including the category vocabulary that a
    data migration created; make sure it is there for every test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if uses_db:
        from programs.vocabulary import ensure_builtin_vocabulary

        transactional = _transactional(marker) or {"transactional_db", "live_server"} & set(
            request.fixturenames
        )
        request.getfixturevalue("transactional_db" if transactional else "db")
        ensure_builtin_vocabulary()


def _transactional(marker) -> bool:
    return marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )


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


@pytest.fixture
def fresh_throttle_budgets():
    """API throttles count in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files (attestations) go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
