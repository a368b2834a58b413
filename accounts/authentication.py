from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.models import Account

# What a sign-in reads: the hash, the eligibility checks, login() (session auth hash,
# last_login) and the audit row. The ORM builds 10 columns instead of 36; anything
# else a caller touches later still loads, lazily, with a query of its own.
SIGN_IN_FIELDS = (
    "id", "username", "password", "last_login", "is_active", "claimed_at", "person",
    "language", "person__id", "person__status",
)


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
        """ModelBackend.authenticate with the person fetched in the same query (the
        eligibility check reads it). Unknown usernames still run one hash (#20760),
        and accounts without a usable password run one inside check_password, so a
        refusal costs the same whatever its reason."""
        if username is None or password is None:
            return None
        try:
            user = (
                Account.objects.select_related("person")
                .only(*SIGN_IN_FIELDS)
                .get(username=username.strip().casefold())
            )
        except Account.DoesNotExist:
            Account().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

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
