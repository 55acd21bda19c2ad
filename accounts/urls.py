from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.forms import InvitationPasswordForm, PlainPasswordResetForm
from accounts.views import sign_in, two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            form_class=PlainPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
            form_class=InvitationPasswordForm,
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", sign_in.invitation_accept_view, name="invitation_accept"),
    path("two-factor/", two_factor.two_factor_page, name="two_factor"),
    path("two-factor/verify/", two_factor.two_factor_verify_view, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/backup-codes/",
        two_factor.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("two-factor/turn-off/", two_factor.two_factor_disable_view, name="two_factor_disable"),
]
