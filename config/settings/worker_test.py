"""A Celery worker started by the reminders integration tests.

Same database as the pytest run (the fixture passes the live test database in DATABASE_URL), a
real Redis broker (CELERY_BROKER_URL), a queue of the test's own so parallel runs never share
messages, and e-mail written to files the test reads (EMAIL_FILE_PATH).
"""

import os

from config.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
# The worker must come back after a Redis restart, however long the test keeps it down.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
REMINDERS_BATCH_SIZE = int(os.environ.get("REMINDERS_BATCH_SIZE", "25"))
