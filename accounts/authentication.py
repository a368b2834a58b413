from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.models import Account


class AccountBackend(ModelBackend):
    """Username is case-insensitive; the account must be enabled, claimed (or staff
    without a directory person) and its person active in the directory.

    ModelBackend.get_user also calls user_can_authenticate, so a person deactivated
    by a sync or disabled by a technician is signed out on their next request."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Account | None:
        if username is not None:
            username = username.strip().casefold()
        return super().authenticate(request, username=username, password=password, **kwargs)

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
