from django.urls import path

from logbook.views import (
    attestations,
    dashboard,
    exports,
    recurring,
    sessions,
    timesheet,
)

app_name = "logbook"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path(
        "enrollments/<int:enrollment_id>/requirements/<slug:key>/",
        dashboard.requirement_explain,
        name="requirement_explain",
    ),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/submit/", sessions.session_submit_view, name="session_submit"),
    path("sessions/<int:pk>/withdraw/", sessions.session_withdraw_view, name="session_withdraw"),
    path("sessions/<int:pk>/restore/", sessions.session_restore_view, name="session_restore"),
    path("sessions.csv", exports.sessions_csv_view, name="sessions_csv"),
    path("transcript/", exports.transcript_page, name="transcript"),
    path("transcript.pdf", exports.transcript_pdf_view, name="transcript_pdf"),
    path("timesheet/", timesheet.timesheet, name="timesheet"),
    path("recurring/", recurring.recurring_list, name="recurring"),
    path("recurring/<int:pk>/confirm/", recurring.recurring_confirm_view, name="recurring_confirm"),
    path("recurring/<int:pk>/skip/", recurring.recurring_skip_view, name="recurring_skip"),
    path("recurring/<int:pk>/stop/", recurring.recurring_stop_view, name="recurring_stop"),
    path("attestations/", attestations.attestation_list, name="attestations"),
    path(
        "attestations/<int:pk>/download/",
        attestations.attestation_download,
        name="attestation_download",
    ),
]
