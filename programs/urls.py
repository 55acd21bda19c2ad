from django.urls import path

from programs.views import exports, home, overview, trainee

app_name = "programs"

urlpatterns = [
    path("", home.index, name="index"),
    path("<slug:slug>/", overview.overview, name="overview"),
    path("<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("<slug:slug>/exports/compliance.csv", exports.export_csv, name="export_csv"),
    path("<slug:slug>/exports/compliance.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/exports/report.pdf", exports.export_pdf, name="export_pdf"),
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
]
