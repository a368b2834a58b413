import ipaddress
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The log grows by every sign-in, so every screen here must be answered from an
    index: a period filter instead of a date hierarchy (which lists every distinct
    date by scanning the table), no full count, and search by exact username or
    address before any text search."""

    list_display = ["occurred_at", "event_type", "outcome", "account", "ip_address"]
    list_filter = [("occurred_at", admin.DateFieldListFilter), "event_type", "outcome"]
    search_fields = ["account__username", "ip_address"]
    search_help_text = _("A username or an IP address; anything else searches inside them.")
    show_full_result_count = False
    list_select_related = ["account"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent], search_term: str
    ) -> tuple[QuerySet[AuditEvent], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        account_ids = list(
            get_user_model()
            .objects.filter(username=term.casefold())
            .values_list("pk", flat=True)
        )
        if account_ids:
            return queryset.filter(account_id__in=account_ids), False
        try:
            address = str(ipaddress.ip_address(term))
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(ip_address=address), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
