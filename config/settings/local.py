"""`make run`: SQLite, no broker, mail to the console. Nothing external is needed."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No Redis in embedded mode: tasks run in-process when enqueued.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
# A local receiver (e.g. on 127.0.0.1) is the usual way to try webhooks out on this machine.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
