from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trainees.models import (
    Cohort,
    ComplianceSnapshot,
    Enrollment,
    LeaveOfAbsence,
    RequirementStatus,
    Session,
    SupervisorAssignment,
    Trainee,
)


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ("user", "external_id")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name", "external_id")
    autocomplete_fields = ("user",)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "starts_on")
    list_select_related = ("program",)
    list_filter = ("program",)


class LeaveInline(admin.TabularInline):
    model = LeaveOfAbsence
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = SupervisorAssignment
    extra = 0
    autocomplete_fields = ("supervisor",)


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ("trainee", "program", "cohort", "status", "start_date", "expected_end_date")
    list_select_related = ("trainee__user", "program", "cohort")
    list_filter = ("program", "status", "cohort")
    search_fields = ("trainee__user__email", "trainee__user__full_name")
    autocomplete_fields = ("trainee",)
    inlines = [LeaveInline, AssignmentInline]


@admin.register(LeaveOfAbsence)
class LeaveOfAbsenceAdmin(SimpleHistoryAdmin):
    list_display = ("enrollment", "start_date", "end_date", "reason")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")


@admin.register(SupervisorAssignment)
class SupervisorAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("supervisor", "enrollment", "starts_on", "ends_on")
    list_select_related = ("supervisor", "enrollment__trainee__user", "enrollment__program")


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ("trainee", "date", "category", "duration_minutes", "status", "withdrawn_at")
    list_select_related = ("trainee__user", "category")
    list_filter = ("status", "category")
    search_fields = ("trainee__user__email", "trainee__user__full_name")
    date_hierarchy = "date"
    raw_id_fields = ("trainee", "provider", "verified_by")

    def has_delete_permission(self, request, obj=None):
        # Logged hours are never hard-deleted; withdraw instead.
        return False


@admin.register(ComplianceSnapshot)
class ComplianceSnapshotAdmin(admin.ModelAdmin):
    list_display = ("enrollment", "status", "as_of", "computed_at")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")
    list_filter = ("status",)
    readonly_fields = ("enrollment", "requirement_set", "as_of", "status", "result", "computed_at")


@admin.register(RequirementStatus)
class RequirementStatusAdmin(admin.ModelAdmin):
    list_display = ("enrollment", "key", "status", "credited", "required", "as_of")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")
    list_filter = ("status", "key")
