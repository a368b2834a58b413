"""Admin for accounts (technicians) and the challenge-question catalog.

Passwords of directory people are never set here: a technician resets the account
and the person claims it again. Enabling and disabling go through audited actions,
so the "enabled" box is read-only on the form. Answers are never shown.

Roles (accounts.roles): a technician sees every account but changes, resets,
disables and enables only those of students and non-staff employees, and sees the
privilege fields read-only; the services refuse, audited, whatever a crafted
request asks beyond that. An IT administrator's changes of privileges go through
accounts.privileges, which audits them with their old and new values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import (
    acceptable_use,
    admin_groups,  # noqa: F401  (registers the groups' admin)
    admin_people,  # noqa: F401  (adds claim status to the People list)
    admin_policy,  # noqa: F401  (registers the policy's admin)
)
from accounts.models import Account, ChallengeQuestion
from accounts.privileges import (
    PRIVILEGE_FIELDS,
    ActionRefused,
    check_account_change,
    do_change_account_privileges,
    may_act_on,
)
from accounts.resetting import (
    NotResettable,
    do_disable_account,
    do_enable_account,
    do_reset_account,
)
from accounts.roles import is_it_administrator


@dataclass(frozen=True)
class ActionPage:
    """What the confirmation page of an action says."""

    title: str | Promise
    question: str | Promise
    consequence: str | Promise
    confirm_label: str | Promise
    needs_person: bool = False


RESET_PAGE = ActionPage(
    title=_("Reset accounts"),
    question=_("Are you sure you want to reset these accounts?"),
    consequence=_(
        "Each account's password, challenge answers and sessions will be cleared, and "
        "whoever is signed in will be signed out. The person must claim the account "
        "again (Claim My Account) before they can sign in."
    ),
    confirm_label=_("Yes, reset them"),
    needs_person=True,
)
DISABLE_PAGE = ActionPage(
    title=_("Disable accounts"),
    question=_("Are you sure you want to disable these accounts?"),
    consequence=_(
        "The people will not be able to sign in, and whoever is signed in will be "
        "signed out. Nothing else changes: enabling an account gives it back as it was."
    ),
    confirm_label=_("Yes, disable them"),
)


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
        "accepted_policy",
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
        "accepted_policy",
    ]
    filter_horizontal = ["groups", "user_permissions"]

    @admin.display(description=_("name"), ordering="person__family_name")
    def name(self, obj: Account) -> str:
        return obj.display_name

    @admin.display(description=_("role"), ordering="person__role")
    def role(self, obj: Account) -> str:
        return obj.person.get_role_display() if obj.person is not None else str(_("IT staff"))

    @admin.display(description=_("Acceptable Use Policy accepted"))
    def accepted_policy(self, obj: Account) -> str:
        accepted = acceptable_use.accepted_policy(obj)
        if accepted is None:
            return str(_("none"))
        return _("version %(version)s, %(when)s (%(language)s)") % {
            "version": accepted.version,
            "when": date_format(localtime(accepted.accepted_at), "DATETIME_FORMAT"),
            "language": accepted.language,
        }

    @admin.display(description=_("claimed"), boolean=True, ordering="claimed_at")
    def claimed(self, obj: Account) -> bool:
        return obj.claimed_at is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Accounts are created by claiming (or createsuperuser for IT staff).
        return False

    def has_change_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        # A technician sees staff accounts (their own included) read-only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_act_on(request.user, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Account | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_it_administrator(request.user):
            readonly += PRIVILEGE_FIELDS
        return readonly

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Checked before the admin's transaction, which would roll back the audit
        # row of a refusal along with the change. A read-only field is left out of
        # the form, so a crafted POST of is_superuser would otherwise be ignored
        # silently instead of refused and audited.
        if request.method == "POST" and object_id is not None:
            account = self.get_object(request, unquote(object_id))
            if account is not None:
                check_account_change(
                    account, actor=request.user, request=request, fields=request.POST.keys()
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: Account, form: ModelForm[Account], change: bool
    ) -> None:
        # Privileges are saved by save_related, through the audited service, once
        # the form's groups and permissions are known.
        fields = [name for name in form.changed_data if name not in PRIVILEGE_FIELDS]
        if fields:
            obj.save(update_fields=fields)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Account], formsets: Any, change: bool
    ) -> None:
        # Not form.save_m2m(): it would set groups and permissions unaudited. Only
        # an IT administrator's form has the privilege fields.
        if set(PRIVILEGE_FIELDS) <= set(form.cleaned_data):
            data = form.cleaned_data
            do_change_account_privileges(
                form.instance,
                actor=request.user,
                request=request,
                is_staff=data["is_staff"],
                is_superuser=data["is_superuser"],
                groups=data["groups"],
                user_permissions=data["user_permissions"],
            )

    def _report_refused(self, request: HttpRequest, refused: int) -> None:
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account was left unchanged: only an IT administrator can "
                    "act on the accounts of staff.",
                    "%(count)d accounts were left unchanged: only an IT administrator can "
                    "act on the accounts of staff.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        # Accounts are disabled, never deleted: the audit log points at them.
        return False

    def _confirmation(
        self,
        request: HttpRequest,
        queryset: QuerySet[Account],
        *,
        action: str,
        page: ActionPage,
    ) -> TemplateResponse:
        """The page that asks before an action acts, as Django's delete does: the
        accounts chosen, what will happen to them, and those that will be left
        unchanged (the services refuse and audit them if the action goes ahead)."""
        rows = []
        for account in queryset.select_related("person").order_by("username"):
            left_unchanged = ""
            if not may_act_on(request.user, account):
                left_unchanged = str(_("left unchanged: only an IT administrator can act on it"))
            elif page.needs_person and account.person is None:
                left_unchanged = str(_("left unchanged: an IT staff account has no claim"))
            rows.append(
                {
                    "pk": account.pk,
                    "username": account.display_username,
                    "name": account.display_name,
                    "role": self.role(account),
                    "left_unchanged": left_unchanged,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": page.title,
            "question": page.question,
            "consequence": page.consequence,
            "confirm_label": page.confirm_label,
            "opts": self.model._meta,
            "rows": rows,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/accounts/account/confirm_action.html", context)

    @admin.action(description=_("Reset account (must claim again)"), permissions=["change"])
    def reset_accounts(
        self, request: HttpRequest, queryset: QuerySet[Account]
    ) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return self._confirmation(request, queryset, action="reset_accounts", page=RESET_PAGE)
        done = skipped = refused = 0
        for account in queryset.select_related("person"):
            try:
                do_reset_account(account, actor=request.user, request=request)
            except ActionRefused:
                refused += 1
            except NotResettable:
                skipped += 1
            else:
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
        self._report_refused(request, refused)
        return None

    @admin.action(description=_("Disable"), permissions=["change"])
    def disable_accounts(
        self, request: HttpRequest, queryset: QuerySet[Account]
    ) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return self._confirmation(
                request, queryset, action="disable_accounts", page=DISABLE_PAGE
            )
        changed = refused = 0
        for account in queryset:
            try:
                changed += do_disable_account(account, actor=request.user, request=request)
            except ActionRefused:
                refused += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d account was disabled.", "%(count)d accounts were disabled.", changed
            )
            % {"count": changed},
            messages.SUCCESS,
        )
        self._report_refused(request, refused)
        return None

    @admin.action(description=_("Enable"), permissions=["change"])
    def enable_accounts(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        changed = refused = 0
        for account in queryset:
            try:
                changed += do_enable_account(account, actor=request.user, request=request)
            except ActionRefused:
                refused += 1
        self.message_user(
            request,
            ngettext("%(count)d account was enabled.", "%(count)d accounts were enabled.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
        self._report_refused(request, refused)


@admin.register(ChallengeQuestion)
class ChallengeQuestionAdmin(admin.ModelAdmin[ChallengeQuestion]):
    """The catalog. Retire a question by unticking "active": answers already given
    to it keep working, and questions in use cannot be deleted."""

    list_display = ["text_en", "text_es", "text_vi", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["text_en", "text_es", "text_vi"]
    ordering = ["position", "id"]
