from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.two_factor_session import remember_on_login

        user_logged_in.connect(remember_on_login, dispatch_uid="countersign_two_factor_state")
