from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"

    def ready(self) -> None:
        # Registers the tasks that services publish by name (core.publish).
        from reminders import tasks  # noqa: F401
