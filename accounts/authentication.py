from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.db import connections, router
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from accounts.models import Account
from accounts.roles import RolePermissionsMixin
from common.converters import value_converters
from directory.models import Person

# What a sign-in reads: the hash, the eligibility checks, login() (session auth hash,
# last_login) and the audit row. The ORM builds 10 columns instead of 36; anything
# else a caller touches later still loads, lazily, with a query of its own.
SIGN_IN_FIELDS = (
    "id", "username", "password", "last_login", "is_active", "claimed_at", "person",
    "language", "person__id", "person__status",
)


@dataclass(frozen=True)
class _CompiledLookup:
    sql: str
    columns: list[Any]  # the ORM's column expressions, for their value converters
    account_slice: slice
    account_attnames: list[str]
    person_slice: slice
    person_attnames: list[str]


@functools.cache
def _compiled_lookup(alias: str) -> _CompiledLookup:
    """The ORM's own SQL for the sign-in lookup, compiled once per process.

    Building and compiling the queryset costs ~4 times what running it costs on
    SQLite (~250 of ~290 us measured), and a sign-in runs it every time for the
    same shape of query: only the username changes."""
    query = Account.objects.select_related("person").only(*SIGN_IN_FIELDS).filter(username="")
    compiler: Any = query.query.get_compiler(alias)
    sql, _params = compiler.as_sql()
    columns = [column for column, _sql, _alias in compiler.select]
    account_fields = compiler.klass_info["select_fields"]
    person_fields = compiler.klass_info["related_klass_infos"][0]["select_fields"]
    # select_related puts the account's columns first, then the person's.
    if account_fields + person_fields != list(range(len(columns))):
        raise RuntimeError("Unexpected column order in the sign-in lookup")
    return _CompiledLookup(
        sql=sql,
        columns=columns,
        account_slice=slice(0, len(account_fields)),
        account_attnames=[columns[i].target.attname for i in account_fields],
        person_slice=slice(len(account_fields), len(columns)),
        person_attnames=[columns[i].target.attname for i in person_fields],
    )


def find_for_sign_in(username: str) -> Account | None:
    """The account named `username` with its person, as
    Account.objects.select_related("person").only(*SIGN_IN_FIELDS).get(username=...)
    returns it (same SQL, same value conversions, same cached relation both ways),
    without building the query each time. Fields left out load lazily if touched."""
    alias = router.db_for_read(Account)
    lookup = _compiled_lookup(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, [username])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, column in enumerate(lookup.columns):
        for converter in value_converters(connection, column):
            values[i] = converter(values[i], column, connection)
    account = Account.from_db(alias, lookup.account_attnames, values[lookup.account_slice])
    person_values = values[lookup.person_slice]
    person = (
        None if person_values[0] is None
        else Person.from_db(alias, lookup.person_attnames, person_values)
    )
    relation: Any = Account._meta.get_field("person")
    relation.set_cached_value(account, person)
    if person is not None:
        relation.remote_field.set_cached_value(person, account)
    return account


class AccountBackend(RolePermissionsMixin, ModelBackend):
    """Username is case-insensitive; the account must be enabled, claimed (or staff
    without a directory person) and its person active in the directory. IT
    administrators hold every permission (accounts.roles).

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
        user = find_for_sign_in(username.strip().casefold())
        if user is None:
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


ACCOUNT_BACKEND = f"{AccountBackend.__module__}.{AccountBackend.__qualname__}"


@sensitive_variables("password")
def authenticate_account(request: HttpRequest, username: str, password: str) -> Account | None:
    """django.contrib.auth.authenticate() for the one backend Hallpass signs people in
    with (the system check below keeps AUTHENTICATION_BACKENDS at exactly that).

    authenticate() loads each configured backend and binds the credentials to its
    inspected signature on every call, about 0.08 ms of every sign-in here
    (benchmarks/login_benchmark.py); for one known backend that is constant work.
    What it returns is the same: the account with `backend` set, as login() reads
    it, or None. Django's user_login_failed signal is not sent (nothing here
    listens; failures are audited by accounts.login)."""
    user = AccountBackend().authenticate(request, username=username, password=password)
    if user is not None:
        signed_in: Any = user  # login() reads the attribute authenticate() sets
        signed_in.backend = ACCOUNT_BACKEND
    return user


@checks.register(checks.Tags.security)
def check_one_authentication_backend(**kwargs: Any) -> list[checks.CheckMessage]:
    if list(settings.AUTHENTICATION_BACKENDS) != [ACCOUNT_BACKEND]:
        return [
            checks.Error(
                f"AUTHENTICATION_BACKENDS must be [{ACCOUNT_BACKEND!r}]: the sign-in "
                "page authenticates through that backend alone "
                "(accounts.authentication.authenticate_account).",
                id="accounts.E001",
            )
        ]
    return []
