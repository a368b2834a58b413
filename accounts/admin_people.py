"""The directory's People list with what the accounts app knows about each person:
claim status and last sign-in, as columns and filters.

The directory may not import accounts (accounts builds on it), so the accounts app
extends the directory's admin here, as admin_groups does Django's groups. The
account comes in the page's one query (a reverse one-to-one join): no query per row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.admin import PersonAdmin
from directory.models import Person

CLAIMED, UNCLAIMED, NOT_YET_CLAIMABLE = "claimed", "unclaimed", "not_yet"
CLAIM_STATUS_LABELS = {
    CLAIMED: _("Claimed"),
    UNCLAIMED: _("Unclaimed"),
    NOT_YET_CLAIMABLE: _("Not yet claimable"),
}
IS_CLAIMED = Q(account__claimed_at__isnull=False)


def claim_status(person: Person, now: Any = None) -> str:
    """Claimed (an account claimed and not reset since), not yet claimable (still
    inside the waiting period after first appearing) or unclaimed."""
    account = getattr(person, "account", None)
    if account is not None and account.claimed_at is not None:
        return CLAIMED
    if person.claimable_at > (now or timezone.now()):
        return NOT_YET_CLAIMABLE
    return UNCLAIMED


class ClaimStatusFilter(admin.SimpleListFilter):
    title = _("claim status")
    parameter_name = "claim"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(CLAIM_STATUS_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == CLAIMED:
            return queryset.filter(IS_CLAIMED)
        if self.value() == UNCLAIMED:
            return queryset.exclude(IS_CLAIMED).filter(claimable_at__lte=now)
        if self.value() == NOT_YET_CLAIMABLE:
            return queryset.exclude(IS_CLAIMED).filter(claimable_at__gt=now)
        return queryset


class LastSignInFilter(admin.SimpleListFilter):
    title = _("last sign-in")
    parameter_name = "signed_in"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("7", _("In the last 7 days")),
            ("30", _("In the last 30 days")),
            ("older", _("More than 30 days ago")),
            ("never", _("Never")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() in ("7", "30"):
            since = now - timedelta(days=int(str(self.value())))
            return queryset.filter(account__last_login__gte=since)
        if self.value() == "older":
            return queryset.filter(account__last_login__lt=now - timedelta(days=30))
        if self.value() == "never":
            return queryset.filter(
                Q(account__isnull=True) | Q(account__last_login__isnull=True)
            )
        return queryset


class SchoolFilter(admin.RelatedOnlyFieldListFilter):
    """The person's school (their primary org), among the schools people have."""

    def __init__(self, field: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(field, request, *args, **kwargs)
        self.title = _("school")


class PeopleAdmin(PersonAdmin):
    list_display = (
        "username",
        "family_name",
        "given_name",
        "role",
        "school",
        "claim_status",
        "last_sign_in",
        "status",
        "identifier",
        "claimable_at",
    )
    list_filter = (
        ClaimStatusFilter,
        LastSignInFilter,
        ("primary_org", SchoolFilter),
        "role",
        "status",
        "source_system",
    )
    list_select_related = ("primary_org", "account")

    @admin.display(description=_("school"), ordering="primary_org__name")
    def school(self, person: Person) -> str:
        return person.primary_org.name if person.primary_org is not None else "-"

    @admin.display(description=_("claim status"))
    def claim_status(self, person: Person) -> str:
        return str(CLAIM_STATUS_LABELS[claim_status(person)])

    @admin.display(description=_("last sign-in"), ordering="account__last_login")
    def last_sign_in(self, person: Person) -> Any:
        account = getattr(person, "account", None)
        return account.last_login if account is not None else None


admin.site.unregister(Person)
admin.site.register(Person, PeopleAdmin)
