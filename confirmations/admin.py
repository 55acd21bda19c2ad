from django.contrib import admin

from confirmations.models import ExternalConfirmationItem, ExternalConfirmationRequest
from core.admin import ReadOnlyAdmin


class ExternalConfirmationItemInline(admin.TabularInline):
    model = ExternalConfirmationItem
    raw_id_fields = ("session",)
    extra = 0
    can_delete = False


@admin.register(ExternalConfirmationRequest)
class ExternalConfirmationRequestAdmin(ReadOnlyAdmin):
    """Read-only: answers come only through the link. The confirmer of a private category is
    the trainee's therapist, so neither the list nor the page shows who they are, what they
    wrote, or where they answered from."""

    list_display = ("pk", "trainee", "category", "created_at", "expires_at", "used_at", "outcome")
    list_select_related = ("trainee__user", "category")
    list_filter = ("outcome",)
    exclude = (
        "token_digest",
        "confirmer_name",
        "confirmer_email",
        "message",
        "confirmed_name",
        "decline_reason",
        "confirmer_ip",
        "confirmer_user_agent",
    )
    raw_id_fields = ("trainee",)
    inlines = (ExternalConfirmationItemInline,)


@admin.register(ExternalConfirmationItem)
class ExternalConfirmationItemAdmin(ReadOnlyAdmin):
    list_display = ("request", "session")
    list_select_related = ("request", "session")
    raw_id_fields = ("request", "session")
