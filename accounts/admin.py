"""Admin for accounts (technicians) and the challenge-question catalog.

Passwords of directory people are never set here: a technician resets the account
and the person claims it again. Enabling and disabling go through audited actions,
so the "enabled" box is read-only on the form. Answers are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Account, ChallengeQuestion
from accounts.resetting import do_disable_account, do_enable_account, do_reset_account


class ClaimedFilter(admin.SimpleListFilter):
    title = _("claimed")
    parameter_name = "claimed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(claimed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(claimed_at__isnull=True)
        return queryset


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ["username", "name", "role", "claimed", "is_active", "last_login"]
    list_filter = [ClaimedFilter, "is_active", "person__role", "is_staff"]
    search_fields = [
        "username",
        "person__given_name",
        "person__family_name",
        "person__preferred_given_name",
        "person__identifier",
        "person__email",
    ]
    list_select_related = ["person"]
    ordering = ["username"]
    actions = ["reset_accounts", "disable_accounts", "enable_accounts"]
    fields = [
        "username",
        "person",
        "is_active",
        "claimed_at",
        "last_login",
        "date_joined",
        "language",
        "recovery_failures",
        "recovery_locked_at",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    ]
    readonly_fields = [
        "username",
        "person",
        "is_active",
        "claimed_at",
        "last_login",
        "date_joined",
        "recovery_failures",
        "recovery_locked_at",
    ]
    filter_horizontal = ["groups", "user_permissions"]

    @admin.display(description=_("name"), ordering="person__family_name")
    def name(self, obj: Account) -> str:
        return obj.display_name

    @admin.display(description=_("role"), ordering="person__role")
    def role(self, obj: Account) -> str:
        return obj.person.get_role_display() if obj.person is not None else str(_("IT staff"))

    @admin.display(description=_("claimed"), boolean=True, ordering="claimed_at")
    def claimed(self, obj: Account) -> bool:
        return obj.claimed_at is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Accounts are created by claiming (or createsuperuser for IT staff).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        # Accounts are disabled, never deleted: the audit log points at them.
        return False

    @admin.action(description=_("Reset account (must claim again)"), permissions=["change"])
    def reset_accounts(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        done = skipped = 0
        for account in queryset.select_related("person"):
            if account.person_id is None:
                skipped += 1
                continue
            do_reset_account(account, actor=request.user, request=request)  # type: ignore[arg-type]
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account was reset; the person must claim it again.",
                    "%(count)d accounts were reset; the people must claim them again.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d IT staff account was skipped: only accounts of students and "
                    "employees in the directory can be reset.",
                    "%(count)d IT staff accounts were skipped: only accounts of students and "
                    "employees in the directory can be reset.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Disable"), permissions=["change"])
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        changed = sum(
            do_disable_account(account, actor=request.user, request=request)  # type: ignore[arg-type]
            for account in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d account was disabled.", "%(count)d accounts were disabled.", changed
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Enable"), permissions=["change"])
    def enable_accounts(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        changed = sum(
            do_enable_account(account, actor=request.user, request=request)  # type: ignore[arg-type]
            for account in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d account was enabled.", "%(count)d accounts were enabled.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(ChallengeQuestion)
class ChallengeQuestionAdmin(admin.ModelAdmin[ChallengeQuestion]):
    """The catalog. Retire a question by unticking "active": answers already given
    to it keep working, and questions in use cannot be deleted."""

    list_display = ["text_en", "text_es", "text_vi", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["text_en", "text_es", "text_vi"]
    ordering = ["position", "id"]
