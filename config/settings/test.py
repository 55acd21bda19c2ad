"""The test suite.

DATABASE_URL picks the database. Without it we use the local PostgreSQL when one answers (it is
what production and CI run) and fall back to SQLite, so `make test` works on a bare machine.
Under CI=true the fallback is refused: tests that need PostgreSQL must fail, not quietly pass on
something else.
"""

import os

import psycopg
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_str

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/countersign"


def _local_postgres_answers() -> bool:
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=1).close()
    except psycopg.Error:
        return False
    return True


if "DATABASE_URL" not in os.environ:
    _url = LOCAL_POSTGRES if _local_postgres_answers() else "sqlite:///:memory:"
    DATABASES = {"default": dj_database_url.parse(_url)}  # noqa: F405

if env_bool("CI", False) and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "CI runs the suite on PostgreSQL: set DATABASE_URL to a PostgreSQL database."
    )

# the test suite's own key
SECRET_KEY = "test-only-secret-key-not-for-production-000000000000"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
