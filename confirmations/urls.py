from django.urls import path

from confirmations import views

app_name = "confirmations"

urlpatterns = [
    # The trainee's requests.
    path("confirmations/", views.external_confirmation_list, name="list"),
    path("confirmations/new/", views.external_confirmation_new, name="new"),
    path("confirmations/<int:pk>/cancel/", views.external_confirmation_revoke_view, name="revoke"),
    path("confirmations/<int:pk>/resend/", views.external_confirmation_resend_view, name="resend"),
    # The confirmer's page, reached from the e-mailed link (no account).
    path("confirm/<str:token>/", views.external_confirm, name="confirm"),
]
