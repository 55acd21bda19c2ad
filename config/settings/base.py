"""Settings shared by every environment. Environment-specific modules import * from here."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "programs",
    "trainees",
    "api",
    "confirmations",
    "reminders",
    "webhooks",
    "data_rights",
    "staff",
    "logbook",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: ends unverified sessions of users with a device, sends managers whose
    # program requires two-factor sign-in to set it up (accounts/middleware.py).
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL, e.g. postgres://user:pass@host:5432/countersign or sqlite:///path/db.sqlite3
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'countersign.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it: after a database restart
        # only the requests in flight fail, never the next one on a dead connection.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGIN_URL = "accounts:login"
# Who may and who must sign in with a second factor (accounts/two_factor_policy.py).
TWO_FACTOR_POLICY = "trainees.two_factor_policy.ProgramTwoFactorPolicy"
LOGIN_REDIRECT_URL = "logbook:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Two-factor sign-in (django-otp): the name shown in authenticator apps; device secrets are
# hidden in the Django admin.
OTP_TOTP_ISSUER = "Countersign"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Uploaded files (attestations) are private: stored outside the web root, never served by URL.
MEDIA_ROOT = Path(env_str("COUNTERSIGN_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Countersign <no-reply@countersign.invalid>")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.PersonalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "api.permissions.IsAuthenticatedPrincipal",
        "api.permissions.ApiKeyScopes",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.v1.base.ApiKeyRateThrottle",
        "api.v1.base.PersonRateThrottle",
        "api.v1.base.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env_str("API_RATE_API_KEY", "1200/min"),
        "user": env_str("API_RATE_USER", "600/min"),
        "anon": env_str("API_RATE_ANON", "60/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Countersign API",
    "DESCRIPTION": "Training requirements of trainee therapists: enrollments, sessions, compliance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"WebhookEventEnum": "webhooks.models.WebhookEvent"},
}

# Celery. The broker only carries "do this now" nudges; what is due is always derived from the
# database, so a lost message is a delay, never a loss.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# A request must never hang on a dead broker: fail fast, the database still holds what is due.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Pace statuses move with the calendar even when nobody logs anything.
    "refresh-compliance-snapshots-nightly": {
        "task": "trainees.tasks.snapshots_refresh_all",
        "schedule": crontab(hour=2, minute=15),
    },
    # The cohort trend's weekly status rows. Daily rather than weekly: each run upserts the
    # current week, so the week's row ends as of its last day (matching the backfill, which
    # computes as of Sunday) instead of its first, and a missed night costs nothing. An hour
    # after the refresh, so it copies fresh snapshots.
    "weekly-statuses-record": {
        "task": "trainees.tasks.weekly_statuses_record",
        "schedule": crontab(hour=3, minute=15),
    },
    # Snapshots whose refresh task was lost (Redis down, worker killed) after a session change.
    "snapshots-pending-sweep": {
        "task": "trainees.tasks.snapshots_pending_sweep",
        "schedule": crontab(minute="*"),
    },
    # Reminders: record what is due and enqueue it; the sweep re-enqueues what never went out.
    "reminders-due-pass": {
        "task": "reminders.tasks.reminders_due_pass",
        "schedule": crontab(minute="*/15"),
    },
    "reminders-sweep": {
        "task": "reminders.tasks.reminders_sweep",
        "schedule": crontab(minute="7-59/10"),
    },
    # Confirmation e-mails (request links, decline notices) whose task was lost.
    "external-confirmations-sweep": {
        "task": "confirmations.tasks.external_confirmations_sweep",
        "schedule": crontab(minute="*/5"),
    },
    # Webhooks: first sends whose message was lost, and retries whose backoff has passed.
    "webhooks-sweep": {
        "task": "webhooks.tasks.webhooks_sweep",
        "schedule": crontab(minute="*"),
    },
}

# Reminders (see docs/reminders.md). Absolute links in e-mails start with REMINDERS_BASE_URL.
REMINDERS_BASE_URL = env_str("REMINDERS_BASE_URL", "http://127.0.0.1:8000")
REMINDERS_BATCH_SIZE = env_int("REMINDERS_BATCH_SIZE", 50)
REMINDERS_MAX_ATTEMPTS = env_int("REMINDERS_MAX_ATTEMPTS", 5)
# A claim older than this is presumed dead (worker killed) and goes back to pending.
REMINDERS_CLAIM_LEASE_SECONDS = env_int("REMINDERS_CLAIM_LEASE_SECONDS", 600)
REMINDERS_DEFAULT_WEEKDAY = 4  # Friday, when a person never chose
REMINDERS_DEFAULT_HOUR = 16

# Days a "confirm by e-mail" link works (confirmations.services.requests).
EXTERNAL_CONFIRMATION_DAYS = env_int("EXTERNAL_CONFIRMATION_DAYS", 14)
# Webhooks reach public internet addresses only (webhooks/addresses.py); a development machine
# with a receiver on localhost turns this on.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
