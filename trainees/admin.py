from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from trainees.models import (
    AccessLogEntry,
    Attestation,
    Cohort,
    ComplianceSnapshot,
    Enrollment,
    EnrollmentMilestone,
    LeaveOfAbsence,
    RecurringOccurrence,
    RecurringSession,
    RequirementStatus,
    RequirementWaiver,
    Session,
    SnapshotRefreshRequest,
    SupervisorAssignment,
    Trainee,
    WeeklyStatus,
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
class SessionAdmin(ReadOnlyAdmin):
    """Sessions for site staff, without the trainee's private details (notes, provider names,
    client codes), which belong to the trainee alone; the history view is left out for the same
    reason (its diffs would show them). Changes go through the services, not this form."""

    list_display = ("trainee", "date", "category", "duration_minutes", "status", "withdrawn_at")
    exclude = ("notes", "provider_name", "client_code")
    list_select_related = ("trainee__user", "category")
    list_filter = ("status", "category")
    search_fields = ("trainee__user__email", "trainee__user__full_name")
    date_hierarchy = "date"
    raw_id_fields = ("trainee", "provider", "verified_by")
    # Read-only: logged hours are never hard-deleted (withdraw instead) nor edited here.


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


@admin.register(SnapshotRefreshRequest)
class SnapshotRefreshRequestAdmin(admin.ModelAdmin):
    """Read-only: a row here means a worker has yet to recompute that trainee's snapshots."""

    list_display = ("trainee", "requested_at")
    list_select_related = ("trainee__user",)
    readonly_fields = ("trainee", "requested_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WeeklyStatus)
class WeeklyStatusAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "week_start", "status", "as_of", "recorded_at")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")
    list_filter = ("status", "week_start")
    # Derived from snapshots and the engine (record_weekly_statuses); edited or deleted by hand
    # it would no longer be what the trend chart says it is.


@admin.register(EnrollmentMilestone)
class EnrollmentMilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("enrollment", "key", "date")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")
    raw_id_fields = ("enrollment",)


@admin.register(RequirementWaiver)
class RequirementWaiverAdmin(SimpleHistoryAdmin):
    list_display = ("enrollment", "requirement_key", "minimum", "created_at", "revoked_at")
    list_select_related = ("enrollment__trainee__user", "enrollment__program")
    raw_id_fields = ("enrollment", "created_by", "revoked_by")


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ("viewed_at", "viewer_name", "operation", "trainee")
    list_select_related = ("trainee__user",)
    readonly_fields = [f.name for f in AccessLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecurringSession)
class RecurringSessionAdmin(admin.ModelAdmin):
    """Recurring plans, without the private provider name."""

    list_display = ("trainee", "category")
    list_select_related = ("trainee__user", "category")
    exclude = ("provider_name",)
    raw_id_fields = ("trainee",)


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    """Attestation metadata only: the documents themselves are served to those allowed through
    the permission-checked download, never from the admin."""

    list_display = ("trainee", "category", "period_start", "period_end", "uploaded_at")
    list_select_related = ("trainee__user", "category")
    exclude = ("file", "original_name")
    raw_id_fields = ("trainee",)

    def has_add_permission(self, request):
        return False


@admin.register(RecurringOccurrence)
class RecurringOccurrenceAdmin(admin.ModelAdmin):
    list_display = ("__str__",)
