"""The world is built once per module inside a transaction that is rolled back at the end; each
test runs in a savepoint of its own (pytest-django's `db`), so what one cell writes the next
never sees. Building it per test made the matrix take minutes."""

from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from programs.vocabulary import ensure_builtin_vocabulary
from tests.authorization.world import World, build_world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        ensure_builtin_vocabulary()
        with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False):
            built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db, frozen_today) -> World:
    """The shared world, for one test in a savepoint of its own, at the frozen 'now'."""
    return shared_world


@pytest.fixture(autouse=True)
def _builtin_vocabulary() -> None:
    """The world ensured the built-in vocabulary once; the suite-wide fixture of this name does
    it again for every test, which the many cells here cannot afford."""


@pytest.fixture(autouse=True)
def fresh_throttle_budgets() -> Iterator[None]:
    """Throttles count in the cache, which outlives a test; every test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()
