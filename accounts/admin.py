from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiKey, Invitation, LoginAttempt, PersonalToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `create_api_key` (the secret is shown once); here they are read and revoked."""

    list_display = ("name", "institution", "prefix", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("institution",)
    exclude = ("digest",)
    readonly_fields = ("institution", "name", "prefix", "scopes", "created_by", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("user",)
    exclude = ("digest",)
    readonly_fields = ("user", "name", "prefix", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "enrollment", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("enrollment__program",)
    exclude = ("nonce_digest",)
    raw_id_fields = ("enrollment", "created_by")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ("attempted_at", "email", "ip_address")

    def has_add_permission(self, request):
        return False
