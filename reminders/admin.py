from django.contrib import admin

from reminders.models import (
    Delivery,
    NotificationPreference,
    PaceNotice,
    ProgramReminderSettings,
    Unsubscribe,
)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "period", "status", "due_at", "sent_at", "attempts"]
    list_filter = ["kind", "status"]
    search_fields = ["recipient__email", "period"]
    readonly_fields = ["created_at", "claimed_at", "sent_at"]


@admin.register(ProgramReminderSettings)
class ProgramReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["program", "countersign_wait_days", "deadline_days", "pace_copy_director"]


admin.site.register(Unsubscribe)
admin.site.register(PaceNotice)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "weekday", "hour", "time_zone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
