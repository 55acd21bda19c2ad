from django.apps import AppConfig


class LogbookConfig(AppConfig):
    """The trainee's own pages: dashboard, logging sessions, timesheet, recurring sessions,
    documents and transcript."""

    name = "logbook"
    verbose_name = "Trainee logbook"
