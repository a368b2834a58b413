"""The authentication backend: who may sign in, through django.contrib.auth.authenticate().

Sign-in calls authenticate(), so any other configured backend (single sign-on, a
directory server, a second factor later) takes part as Django intends, and
Django's user_login_failed signal is sent on every refusal.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from accounts.models import Account
from accounts.roles import RolePermissionsMixin


def may_sign_in(user: object) -> bool:
    """Whether this account may sign in now (AccountBackend's rule), for what else
    acts on its behalf: an app's token must stop working when sign-in would."""
    return isinstance(user, Account) and AccountBackend().user_can_authenticate(user)


class AccountBackend(RolePermissionsMixin, ModelBackend):
    """ModelBackend, with the username case-insensitive (the manager's natural key),
    and an account that must be enabled, claimed (or staff without a directory
    person) and whose person is active in the directory.

    ModelBackend.authenticate runs the hasher once for an unknown username too, so a
    refusal costs the same whatever its reason. get_user checks eligibility again,
    so a person deactivated by a sync or disabled by a technician is signed out on
    their next request. Members of the IT administrator role hold every permission
    (accounts.roles)."""

    def user_can_authenticate(self, user: Account | AnonymousUser | None) -> bool:
        if not isinstance(user, Account) or not user.is_active:
            return False
        if user.person_id is None:
            return True
        person = user.person
        return user.claimed_at is not None and person is not None and person.is_active

    def get_user(self, user_id: Any) -> Account | None:
        try:
            user = Account.objects.select_related("person").get(pk=user_id)
        except Account.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
