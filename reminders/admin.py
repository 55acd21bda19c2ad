from django.contrib import admin

from reminders.models import Delivery, PaceNotice, ProgramReminderSettings, Unsubscribe


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
