"""The groups' admin, in place of Django's: a group's permissions are every member's,
so only an IT administrator adds, changes or deletes groups, whatever permissions a
technician has been given, and every change is audited (accounts.privileges).

The two roles' groups cannot be renamed or deleted here: accounts.roles finds them
by name."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from accounts.privileges import check_group_change, do_change_group_permissions, do_delete_group
from accounts.roles import ROLE_GROUPS, is_it_administrator


class RoleGroupAdmin(GroupAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_it_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return is_it_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return is_it_administrator(request.user) and (obj is None or obj.name not in ROLE_GROUPS)

    def get_readonly_fields(self, request: HttpRequest, obj: Group | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.name in ROLE_GROUPS:
            readonly.append("name")
        return readonly

    # Every POST is checked before the admin's own transaction, which would roll
    # back the audit row of a refusal, and before its permission check, which
    # refuses without one.

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            action = "add group" if object_id is None else "change group"
            check_group_change(
                action, actor=request.user, request=request, group=self._group(request, object_id)
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            check_group_change(
                "delete group",
                actor=request.user,
                request=request,
                group=self._group(request, object_id),
            )
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":  # an action, such as deleting the selected groups
            check_group_change("change group", actor=request.user, request=request)
        return super().changelist_view(request, extra_context)

    def _group(self, request: HttpRequest, object_id: str | None) -> Group | None:
        return None if object_id is None else self.get_object(request, unquote(object_id))

    def save_related(
        self, request: HttpRequest, form: ModelForm[Group], formsets: Any, change: bool
    ) -> None:
        # Not form.save_m2m(): it would set the permissions unaudited.
        do_change_group_permissions(
            form.instance,
            actor=request.user,
            request=request,
            permissions=form.cleaned_data["permissions"],
        )

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        do_delete_group(obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        for group in queryset:
            do_delete_group(group, actor=request.user, request=request)


admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
