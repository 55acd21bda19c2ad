from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and requirements"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from programs.models import ActivityCategory

        for signal in (post_save, post_delete):
            signal.connect(
                _forget_categories, sender=ActivityCategory, dispatch_uid=f"categories_{signal}"
            )


def _forget_categories(**kwargs: object) -> None:
    from programs.selectors import category_cache_clear

    category_cache_clear()
