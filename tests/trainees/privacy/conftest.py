"""Privacy tests reuse the web personas' fixtures (signed-in clients, private sessions)."""

import pytest
from django.core.cache import cache

from tests.web.conftest import (  # noqa: F401  (fixtures, found by name)
    PRIVATE_NOTES,
    PRIVATE_PROVIDER,
    category,
    client_session,
    login_as,
    other_session,
    private_session,
    refresh,
    trainee_client,
)


@pytest.fixture(autouse=True)
def fresh_throttle_budgets():
    """API throttles count in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
