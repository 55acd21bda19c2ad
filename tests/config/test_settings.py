import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_bool, env_int, env_list


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_production(
        {"DATABASE_URL": "postgres://x@db/c", "REDIS_URL": "redis://r:6379/0"}
    )
    assert result.returncode == 1
    assert "The environment variable DJANGO_SECRET_KEY is required." in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = _import_production({"DJANGO_SECRET_KEY": "k" * 50, "REDIS_URL": "redis://r:6379/0"})
    assert "The environment variable DATABASE_URL is required." in result.stderr


def test_production_starts_with_its_required_settings():
    result = _import_production(
        {
            "DJANGO_SECRET_KEY": "k" * 50,
            "DATABASE_URL": "postgres://x@db/c",
            "REDIS_URL": "redis://r:6379/0",
        }
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_production_takes_the_broker_from_celery_broker_url_without_redis_url():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings.production as s; print(s.CELERY_BROKER_URL)",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": "k" * 50,
            "DATABASE_URL": "postgres://x@db/c",
            "CELERY_BROKER_URL": "redis://broker:6379/3",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "redis://broker:6379/3\n", "")


def test_production_needs_a_broker():
    result = _import_production(
        {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://x@db/c"}
    )
    assert "The environment variable REDIS_URL is required." in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_a_malformed_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", default=False)


def test_a_malformed_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer, got 'ten'"):
        env_int("SOME_NUMBER", default=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
