from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.models import (
    ActivityCategory,
    Institution,
    Program,
    ProgramCategory,
    ProgramRole,
    ProviderApproval,
    RequirementSet,
    TwoFactorPolicyChange,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "is_builtin")
    search_fields = ("key", "name")


class ProgramCategoryInline(admin.TabularInline):
    model = ProgramCategory
    extra = 0
    autocomplete_fields = ("category",)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "institution", "time_zone")
    list_select_related = ("institution",)
    search_fields = ("name", "slug")
    inlines = [ProgramCategoryInline]


@admin.register(RequirementSet)
class RequirementSetAdmin(SimpleHistoryAdmin):
    list_display = ("program", "version", "created_at", "source_name")
    list_select_related = ("program",)
    list_filter = ("program",)
    # Versions are immutable history: load a new file to change rules.
    readonly_fields = (
        "program",
        "version",
        "definition",
        "checksum",
        "source_name",
        "created_at",
        "created_by",
    )


@admin.register(ProgramRole)
class ProgramRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "program", "role")
    list_select_related = ("user", "program")
    list_filter = ("role", "program")
    autocomplete_fields = ("user",)


@admin.register(ProviderApproval)
class ProviderApprovalAdmin(SimpleHistoryAdmin):
    list_display = ("provider", "program", "kind", "starts_on", "ends_on")
    list_select_related = ("provider", "program")
    list_filter = ("program", "kind")
    autocomplete_fields = ("provider",)


@admin.register(ProgramCategory)
class ProgramCategoryAdmin(admin.ModelAdmin):
    list_display = ("program", "category", "private", "verification")
    list_select_related = ("program", "category")
    list_filter = ("program", "private", "verification")


@admin.register(TwoFactorPolicyChange)
class TwoFactorPolicyChangeAdmin(admin.ModelAdmin):
    """A log: changes are made by a program's director on the program's sign-in policy page."""

    list_display = ("program", "required", "changed_by", "changed_at", "reason")
    list_select_related = ("program", "changed_by")
    readonly_fields = ("program", "required", "changed_by", "reason", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
