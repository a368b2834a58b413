"""Who may act on whose account, and audited changes of privileges.

Privileges are what decides who can reset and disable everyone's accounts: an
account's staff and superuser status, its groups and its own permissions, and a
group's permissions. Only an IT administrator (accounts.roles) changes them. A
technician acts on the accounts of students and of employees who are not staff:
never on a staff or superuser account (their own included), nor on an account
without a directory person, which only IT staff have.

Every change of privileges is audited with the old and new values, every refused
attempt with who tried. A refusal is recorded in the caller's transaction: callers
ask first (check_*) outside any transaction they will roll back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accounts.models import Account
from accounts.roles import ROLE_GROUPS, is_it_administrator
from audit.models import EventType, Outcome
from audit.services import record

# Who acts: request.user, or None for work no person started (a command, a test).
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None

# The fields of an account that only an IT administrator changes.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class ActionRefused(PermissionDenied):
    """The actor's role does not allow this; the attempt is already audited."""


def may_act_on(actor: Actor, account: Account) -> bool:
    """Whether `actor` may reset, disable, enable or change `account`. Work no
    person started may."""
    if actor is None or is_it_administrator(actor):
        return True
    return (
        isinstance(actor, Account)
        and actor.is_active
        and actor.is_staff
        and actor.has_perm("accounts.change_account")
        and account.person_id is not None
        and not account.is_staff
        and not account.is_superuser
        # Any role or permission of its own (an IT administrator who is not staff),
        # enabled or not: a reset account is claimed again with its privileges.
        and not account.groups.exists()
        and not account.user_permissions.exists()
    )


def as_account(actor: Actor) -> Account | None:
    """The acting account, as the audit log names it."""
    return actor if isinstance(actor, Account) else None


def record_refusal(
    actor: Actor,
    action: str,
    *,
    request: HttpRequest | None,
    account: Account | None = None,
    details: dict[str, Any] | None = None,
) -> ActionRefused:
    """Audit a refused attempt and return the exception to raise."""
    record(
        EventType.PRIVILEGES_REFUSED,
        Outcome.BLOCKED,
        request=request,
        account=account,
        actor=as_account(actor),
        details={"action": action, **(details or {})},
    )
    return ActionRefused()


def check_may_act_on(
    account: Account, action: str, *, actor: Actor, request: HttpRequest | None
) -> None:
    """Refuse (audited) unless `actor` may act on `account`."""
    if not may_act_on(actor, account):
        raise record_refusal(actor, action, request=request, account=account)


def check_account_change(
    account: Account, *, actor: Actor, request: HttpRequest | None, fields: Iterable[str]
) -> None:
    """Refuse (audited) a change of `account` that sets `fields`, unless the actor
    may act on the account and, for privilege fields, is an IT administrator."""
    privileges = sorted(set(fields).intersection(PRIVILEGE_FIELDS))
    if may_act_on(actor, account) and (not privileges or is_it_administrator(actor)):
        return
    details = {"fields": privileges} if privileges else {}
    raise record_refusal(actor, "change", request=request, account=account, details=details)


def check_group_change(
    action: str, *, actor: Actor, request: HttpRequest | None, group: Group | None = None
) -> None:
    """Refuse (audited) a change of groups to anyone but an IT administrator."""
    if not is_it_administrator(actor):
        details = {"group": group.name} if group is not None else {}
        raise record_refusal(actor, action, request=request, details=details)


def _permission_names(permissions: Iterable[Permission]) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)


@dataclass(frozen=True)
class AccountPrivileges:
    is_staff: bool
    is_superuser: bool
    groups: list[str]  # names, sorted
    user_permissions: list[str]  # "app_label.codename", sorted

    @classmethod
    def of(cls, account: Account) -> AccountPrivileges:
        return cls(
            is_staff=account.is_staff,
            is_superuser=account.is_superuser,
            groups=sorted(account.groups.values_list("name", flat=True)),
            user_permissions=_permission_names(
                account.user_permissions.select_related("content_type")
            ),
        )


def do_change_account_privileges(
    account: Account,
    *,
    actor: Actor,
    request: HttpRequest | None,
    is_staff: bool,
    is_superuser: bool,
    groups: Iterable[Group],
    user_permissions: Iterable[Permission],
) -> bool:
    """Set an account's privileges; audit the fields that changed, old and new.
    False when nothing changed. Only an IT administrator may."""
    if not is_it_administrator(actor):
        raise record_refusal(
            actor, "change", request=request, account=account,
            details={"fields": list(PRIVILEGE_FIELDS)},
        )
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        old = AccountPrivileges.of(locked)
        if (locked.is_staff, locked.is_superuser) != (is_staff, is_superuser):
            locked.is_staff, locked.is_superuser = is_staff, is_superuser
            locked.save(update_fields=["is_staff", "is_superuser"])
        locked.groups.set(list(groups))
        locked.user_permissions.set(list(user_permissions))
        new = AccountPrivileges.of(locked)
        before, after = asdict(old), asdict(new)
        changed = [name for name in PRIVILEGE_FIELDS if before[name] != after[name]]
        if changed:
            record(
                EventType.PRIVILEGES_CHANGED,
                Outcome.SUCCESS,
                request=request,
                account=locked,
                actor=as_account(actor),
                details={
                    "old": {name: before[name] for name in changed},
                    "new": {name: after[name] for name in changed},
                },
            )
    account.is_staff, account.is_superuser = locked.is_staff, locked.is_superuser
    with contextlib.suppress(AttributeError):  # not read yet on this instance
        del account.group_names
    return bool(changed)


def do_change_group_permissions(
    group: Group,
    *,
    actor: Actor,
    request: HttpRequest | None,
    permissions: Iterable[Permission],
) -> bool:
    """Set a group's permissions, which every member holds; audit old and new.
    False when nothing changed. Only an IT administrator may."""
    check_group_change("change group", actor=actor, request=request, group=group)
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        old = _permission_names(locked.permissions.select_related("content_type"))
        locked.permissions.set(list(permissions))
        new = _permission_names(locked.permissions.select_related("content_type"))
        if old == new:
            return False
        record(
            EventType.PRIVILEGES_CHANGED,
            Outcome.SUCCESS,
            request=request,
            actor=as_account(actor),
            details={
                "group": locked.name,
                "old": {"permissions": old},
                "new": {"permissions": new},
            },
        )
    return True


def do_delete_group(group: Group, *, actor: Actor, request: HttpRequest | None) -> None:
    """Delete a group: its members lose its permissions. Audited with the
    permissions and members it had. Only an IT administrator may, and not the
    roles' groups, which accounts.roles finds by name."""
    check_group_change("delete group", actor=actor, request=request, group=group)
    if group.name in ROLE_GROUPS:
        raise ValueError(f"The {group.name!r} group is a role and is kept.")
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        old = {
            "permissions": _permission_names(locked.permissions.select_related("content_type")),
            "members": sorted(
                Account.objects.filter(groups=locked).values_list("username", flat=True)
            ),
        }
        record(
            EventType.PRIVILEGES_CHANGED,
            Outcome.SUCCESS,
            request=request,
            actor=as_account(actor),
            details={
                "group": locked.name,
                "deleted": True,
                "old": old,
                "new": {"permissions": [], "members": []},
            },
        )
        locked.delete()
