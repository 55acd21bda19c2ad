from django.apps import AppConfig


class ConfirmationsConfig(AppConfig):
    """Confirmation by e-mailed link, for supervisors and therapists without an account."""

    name = "confirmations"
    verbose_name = "Confirmations by e-mail"

    def ready(self) -> None:
        # Registers the tasks that services publish by name (core.publish).
        from confirmations import tasks  # noqa: F401
