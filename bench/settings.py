"""Benchmark settings: production-like (DEBUG off, PostgreSQL), plus a do-nothing endpoint for the
baseline. Never used outside `make bench`."""

import os
import warnings

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0000000000000000000000000000")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/countersign_bench")

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# In-process measurements run tasks eagerly. The load test (5) serves under gunicorn with a real
# broker and worker, as production does: logging a session enqueues the snapshot refresh.
if os.environ.get("BENCH_BROKER_URL"):
    CELERY_BROKER_URL = os.environ["BENCH_BROKER_URL"]
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Load generation must measure the server, not the throttle.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# whitenoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at")
