from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel: small helpers every other room uses. It imports none of them."""

    name = "core"
    verbose_name = "Core"
