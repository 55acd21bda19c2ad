from django.urls import path

from programs.views import (
    admin_pages,
    assignments,
    exports,
    home,
    overview,
    security,
    staff_invitations,
    trainee,
    trends,
)

app_name = "programs"

urlpatterns = [
    path("", home.index, name="index"),
    path("<slug:slug>/", overview.overview, name="overview"),
    path("<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("<slug:slug>/trends/", trends.trends, name="trends"),
    path("<slug:slug>/exports/compliance.csv", exports.export_csv, name="export_csv"),
    path("<slug:slug>/exports/compliance.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/exports/report.pdf", exports.export_pdf, name="export_pdf"),
    path("<slug:slug>/program-file/", admin_pages.program_file, name="program_file"),
    path("<slug:slug>/program-file/move/", admin_pages.enrollments_move, name="enrollments_move"),
    path("<slug:slug>/cohorts/", admin_pages.cohorts, name="cohorts"),
    path("<slug:slug>/enroll/", admin_pages.enroll_invite, name="enroll"),
    path("<slug:slug>/enroll/roster/", admin_pages.roster_upload, name="roster_upload"),
    path("<slug:slug>/staff/", staff_invitations.staff_invite_page, name="staff_invite"),
    path("<slug:slug>/staff/upload/", staff_invitations.staff_upload, name="staff_upload"),
    path("<slug:slug>/security/", security.program_security, name="security"),
    path("<slug:slug>/enrollments/<int:enrollment_id>/", trainee.trainee_detail, name="trainee"),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/leaves/",
        trainee.leave_add,
        name="leave_add",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/expected-end/",
        trainee.expected_end_change,
        name="expected_end",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/end/",
        trainee.enrollment_close,
        name="enrollment_close",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/waivers/",
        trainee.waiver_add,
        name="waiver_add",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/waivers/<int:waiver_id>/revoke/",
        trainee.waiver_end,
        name="waiver_end",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/supervisors/",
        assignments.assignment_add,
        name="assignment_add",
    ),
    path(
        "<slug:slug>/enrollments/<int:enrollment_id>/supervisors/<int:assignment_id>/end/",
        assignments.assignment_end,
        name="assignment_end",
    ),
]
