from django.contrib import admin

from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "to", "subject"]
    search_fields = ["to", "subject"]
    readonly_fields = ["created_at", "from_email", "to", "subject", "body_text", "body_html"]
