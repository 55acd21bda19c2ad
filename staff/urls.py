from django.urls import path

from staff.views import (
    admin_pages,
    assignments,
    exports,
    home,
    overview,
    security,
    staff_invitations,
    supervisor,
    trainee,
    trends,
)

app_name = "staff"

urlpatterns = [
    path("programs/", home.index, name="index"),
    path("programs/<slug:slug>/", overview.overview, name="overview"),
    path("programs/<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("programs/<slug:slug>/trends/", trends.trends, name="trends"),
    path("programs/<slug:slug>/exports/compliance.csv", exports.export_csv, name="export_csv"),
    path("programs/<slug:slug>/exports/compliance.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("programs/<slug:slug>/exports/report.pdf", exports.export_pdf, name="export_pdf"),
    path("programs/<slug:slug>/program-file/", admin_pages.program_file, name="program_file"),
    path(
        "programs/<slug:slug>/program-file/move/",
        admin_pages.enrollments_move,
        name="enrollments_move",
    ),
    path("programs/<slug:slug>/cohorts/", admin_pages.cohorts, name="cohorts"),
    path("programs/<slug:slug>/enroll/", admin_pages.enroll_invite, name="enroll"),
    path("programs/<slug:slug>/enroll/roster/", admin_pages.roster_upload, name="roster_upload"),
    path("programs/<slug:slug>/staff/", staff_invitations.staff_invite_page, name="staff_invite"),
    path("programs/<slug:slug>/staff/upload/", staff_invitations.staff_upload, name="staff_upload"),
    path("programs/<slug:slug>/security/", security.program_security, name="security"),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/",
        trainee.trainee_detail,
        name="trainee",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/leaves/",
        trainee.leave_add,
        name="leave_add",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/expected-end/",
        trainee.expected_end_change,
        name="expected_end",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/end/",
        trainee.enrollment_close,
        name="enrollment_close",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/waivers/",
        trainee.waiver_add,
        name="waiver_add",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/waivers/<int:waiver_id>/revoke/",
        trainee.waiver_end,
        name="waiver_end",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/supervisors/",
        assignments.assignment_add,
        name="assignment_add",
    ),
    path(
        "programs/<slug:slug>/enrollments/<int:enrollment_id>/supervisors/<int:assignment_id>/end/",
        assignments.assignment_end,
        name="assignment_end",
    ),
    # Supervisors.
    path("supervise/", supervisor.queue, name="supervisor_queue"),
    path("supervise/act/", supervisor.queue_act, name="supervisor_queue_act"),
    path("supervise/sessions/<int:pk>/reopen/", supervisor.reopen, name="supervisor_reopen"),
    path("supervise/supervisees/", supervisor.supervisees, name="supervisor_supervisees"),
]
