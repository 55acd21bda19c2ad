from django.urls import path

from data_rights import views

app_name = "data_rights"

urlpatterns = [
    path("privacy/access-log/", views.access_log, name="access_log"),
    path("privacy/export/", views.data_export, name="export"),
]
