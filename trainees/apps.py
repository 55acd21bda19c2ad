from django.apps import AppConfig


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = "Trainees, enrollments and sessions"

    def ready(self) -> None:
        # Registers the tasks that services publish by name (core.publish).
        from trainees import tasks  # noqa: F401
