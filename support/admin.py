"""The Support Center in the admin: the ticket categories IT staff edit, and the
tickets (read-only history) for looking things up."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from support import admin_equipment, admin_kb  # noqa: F401  (register their admins)
from support.models import Category, Notification, Ticket
from support.notifications import deliver


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name_en", "code", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name_en", "name_es", "name_vi", "code"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["id", "subject", "status", "category", "school", "assignee", "created_at"]
    list_filter = ["status", "category", "priority"]
    list_select_related = ["category", "school", "assignee"]
    search_fields = ["subject"]
    raw_id_fields = ["requester", "opened_by", "assignee", "school"]
    readonly_fields = ["reply_token", "created_at", "updated_at", "resolved_at"]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Technicians see which ticket emails the mail server has not taken yet, and
    why (the last error); they are retried on their own, and "send now" tries the
    chosen ones at once."""

    list_display = [
        "created_at", "ticket", "to", "state", "attempts", "next_attempt_at", "last_error",
    ]
    list_filter = ["state"]
    list_select_related = ["ticket"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "ticket", "event", "to", "subject", "body_text", "body_html", "message_id", "headers",
        "state", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at",
    ]
    actions = ["send_now"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send the chosen emails now"))
    def send_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        sent = sum(deliver(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d email sent.", "%(count)d emails sent.", sent) % {"count": sent},
        )
