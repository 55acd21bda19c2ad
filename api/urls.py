from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views
from api.v1 import attestations, enrollments, programs, reports, sessions, webhooks

app_name = "api"

v1 = [
    path("health/", views.HealthView.as_view(), name="health"),
    path("institutions/", programs.InstitutionList.as_view(), name="institution-list"),
    path("programs/", programs.ProgramList.as_view(), name="program-list"),
    path("programs/<slug:slug>/", programs.ProgramDetail.as_view(), name="program-detail"),
    path("programs/<slug:slug>/cohorts/", programs.CohortList.as_view(), name="cohort-list"),
    path(
        "programs/<slug:slug>/requirement-sets/",
        programs.RequirementSetList.as_view(),
        name="requirement-set-list",
    ),
    path(
        "programs/<slug:slug>/requirement-sets/<int:version>/",
        programs.RequirementSetDetail.as_view(),
        name="requirement-set-detail",
    ),
    path("programs/<slug:slug>/report/", reports.ProgramReport.as_view(), name="program-report"),
    path("trainees/", enrollments.TraineeList.as_view(), name="trainee-list"),
    path("trainees/<int:pk>/", enrollments.TraineeDetail.as_view(), name="trainee-detail"),
    path("enrollments/", enrollments.EnrollmentListCreate.as_view(), name="enrollment-list"),
    path("enrollments/<int:pk>/", enrollments.EnrollmentDetail.as_view(), name="enrollment-detail"),
    path(
        "enrollments/<int:pk>/complete/",
        enrollments.EnrollmentComplete.as_view(),
        name="enrollment-complete",
    ),
    path(
        "enrollments/<int:pk>/withdraw/",
        enrollments.EnrollmentWithdraw.as_view(),
        name="enrollment-withdraw",
    ),
    path(
        "enrollments/<int:pk>/leaves/",
        enrollments.LeaveListCreate.as_view(),
        name="enrollment-leaves",
    ),
    path(
        "enrollments/<int:pk>/supervisors/",
        enrollments.AssignmentListCreate.as_view(),
        name="enrollment-supervisors",
    ),
    path(
        "enrollments/<int:pk>/compliance/",
        enrollments.EnrollmentCompliance.as_view(),
        name="enrollment-compliance",
    ),
    path("sessions/", sessions.SessionListCreate.as_view(), name="session-list"),
    path("sessions/<int:pk>/", sessions.SessionDetail.as_view(), name="session-detail"),
    path("sessions/<int:pk>/submit/", sessions.SessionSubmit.as_view(), name="session-submit"),
    path(
        "sessions/<int:pk>/countersign/",
        sessions.SessionCountersign.as_view(),
        name="session-countersign",
    ),
    path("sessions/<int:pk>/reject/", sessions.SessionReject.as_view(), name="session-reject"),
    path(
        "sessions/<int:pk>/withdraw/", sessions.SessionWithdraw.as_view(), name="session-withdraw"
    ),
    path("sessions/<int:pk>/restore/", sessions.SessionRestore.as_view(), name="session-restore"),
    path("attestations/", attestations.AttestationListCreate.as_view(), name="attestation-list"),
    path(
        "attestations/<int:pk>/download/",
        attestations.AttestationDownload.as_view(),
        name="attestation-download",
    ),
    path("webhooks/", webhooks.SubscriptionListCreate.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhooks.SubscriptionDetail.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhooks.DeliveryList.as_view(),
        name="webhook-deliveries",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(v1)),
]
