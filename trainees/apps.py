from django.apps import AppConfig


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = "Trainees, enrollments and sessions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Registers the tasks that services publish by name (core.publish).
        from trainees import tasks  # noqa: F401
        from trainees.selectors.navigation import remember_nav_roles

        user_logged_in.connect(remember_nav_roles, dispatch_uid="countersign_nav_roles")
