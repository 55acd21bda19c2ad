from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and requirements"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from programs.nav import remember_nav_roles

        user_logged_in.connect(remember_nav_roles, dispatch_uid="countersign_nav_roles")
