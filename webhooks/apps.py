from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Registers the tasks that services publish by name (core.publish).
        from trainees.events import listener_add
        from webhooks import tasks  # noqa: F401
        from webhooks.events import WebhookListener

        listener_add(WebhookListener())
