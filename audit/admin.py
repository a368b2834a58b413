import ipaddress
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from common.net import unmapped


def _spellings(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[str]:
    """How an address may be stored: an IPv4 client of a dual-stack server was
    recorded as ::ffff:a.b.c.d before common.net.client_ip gave it as IPv4."""
    ip = unmapped(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return [str(ip)]
    return [str(ip), f"::ffff:{ip}"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The log grows by every sign-in, so the screens here avoid reading all of it:
    a period filter (on the time index) instead of a date hierarchy, which scans the
    table for its distinct dates; one count instead of two; and search by an exact
    username first (the (account, time) index), then an exact address, before any
    text search. Addresses have no index (each would cost every sign-in one more
    B-tree write), so an address search still reads the table, by equality."""

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
        user_model = get_user_model()
        account_ids = list(
            user_model.objects.filter(**{user_model.USERNAME_FIELD: term.casefold()})
            .values_list("pk", flat=True)
        )
        if account_ids:
            return queryset.filter(account_id__in=account_ids), False
        try:
            address = ipaddress.ip_address(term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(ip_address__in=_spellings(address)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
