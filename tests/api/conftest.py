"""Fixtures for the REST API tests: clean throttle budgets and a picture of every stored row."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import User
from api.models import IdempotencyRecord
from programs.models import Institution, Program, ProgramCategory, ProgramRole, RequirementSet
from trainees.models import (
    Attestation,
    Cohort,
    ComplianceSnapshot,
    Enrollment,
    LeaveOfAbsence,
    RequirementStatus,
    Session,
    SupervisorAssignment,
    Trainee,
)
from webhooks.models import WebhookDelivery, WebhookSubscription

# Everything an API write could change. Credentials are left out on purpose: using one records
# its last-used time, which is not a change the caller made.
WATCHED = (
    Institution,
    Program,
    ProgramCategory,
    ProgramRole,
    RequirementSet,
    Cohort,
    Trainee,
    Enrollment,
    LeaveOfAbsence,
    SupervisorAssignment,
    Session,
    ComplianceSnapshot,
    RequirementStatus,
    IdempotencyRecord,
    Attestation,
    WebhookSubscription,
    WebhookDelivery,
)
HISTORIES = (Session, Enrollment, LeaveOfAbsence, SupervisorAssignment, RequirementSet)


@pytest.fixture(autouse=True)
def fresh_throttle_budgets():
    """Throttles count in the cache, which outlives a test; every test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stored_rows(db) -> Callable[[], dict[str, Any]]:
    """A callable returning every watched row (and history length), to show nothing changed."""

    def snapshot() -> dict[str, Any]:
        rows: dict[str, Any] = {
            model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED
        }
        rows["User"] = list(User.objects.order_by("pk").values(*_user_columns()))
        for model in HISTORIES:
            rows[f"{model.__name__} history"] = model.history.count()  # type: ignore[attr-defined]
        return rows

    return snapshot


def _user_columns() -> list[str]:
    # Signing in stamps last_login; that is the test client's doing, not the request's.
    return [f.attname for f in User._meta.concrete_fields if f.name != "last_login"]


SCHEMATHESIS_CASES = pytest.StashKey[Counter[str]]()


@pytest.fixture
def schemathesis_cases(request) -> Counter[str]:
    """Cases run per caller by test_schemathesis.py, printed in the terminal summary."""
    return request.config.stash.setdefault(SCHEMATHESIS_CASES, Counter())


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    cases = config.stash.get(SCHEMATHESIS_CASES, None)
    if cases:
        by_caller = ", ".join(f"{caller} {count}" for caller, count in cases.items())
        terminalreporter.write_line(f"schemathesis: {cases.total()} cases ({by_caller})")
