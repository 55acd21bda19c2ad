from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("staff.urls")),
    path("", include("confirmations.urls")),
    path("", include("reminders.urls")),
    path("", include("data_rights.urls")),
    path("", include("logbook.urls")),
]

# A database outage is a 503 with a clear message, not a bare 500; under /api/ every error
# keeps the API's JSON shape (config/errors.py).
handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
