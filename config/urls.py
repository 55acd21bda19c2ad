from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("", include("confirmations.urls")),
    path("", include("reminders.urls")),
    path("", include("trainees.urls")),
]

# A database outage is a 503 with a clear message, not a bare 500 (config/errors.py).
handler500 = "config.errors.server_error"
