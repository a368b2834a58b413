"""The admin's roles: Technician and IT administrator.

Both are Django groups, created by a migration (accounts/migrations/0003_roles.py).
A technician holds the group's permissions: view and change accounts (for the reset,
disable and enable actions), view the directory, the audit log and the
challenge-question catalog. An IT administrator is a superuser or a member of the
"IT administrator" group, and may do everything, including what a technician may
not: change staff and superuser status, groups and permissions.

is_it_administrator() is the one answer to "is this person an IT administrator?";
RolePermissionsMixin makes the permission checks of Django and its admin give the
group's members every permission, as they give a superuser.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.db.models import Model

from accounts.models import Account

TECHNICIAN = "Technician"
IT_ADMINISTRATOR = "IT administrator"
ROLE_GROUPS = (TECHNICIAN, IT_ADMINISTRATOR)


def is_it_administrator(user: object) -> bool:
    """An enabled account that is a superuser or in the "IT administrator" group.

    Takes whatever request.user holds: the anonymous user, or None for work no
    person started, is not one."""
    if not isinstance(user, Account) or not user.is_active:
        return False
    return user.is_superuser or IT_ADMINISTRATOR in user.group_names


class RolePermissionsMixin(ModelBackend):
    """Every permission for an IT administrator, as Django gives a superuser.

    Goes before ModelBackend in the authentication backend's bases. A group holding
    every permission explicitly would miss the ones later versions add."""

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        return is_it_administrator(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return is_it_administrator(user_obj) or super().has_module_perms(user_obj, app_label)

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        if await sync_to_async(is_it_administrator)(user_obj):
            return True
        return await super().ahas_perm(user_obj, perm, obj)

    async def ahas_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if await sync_to_async(is_it_administrator)(user_obj):
            return True
        return await super().ahas_module_perms(user_obj, app_label)
