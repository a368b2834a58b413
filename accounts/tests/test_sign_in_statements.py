"""The statements a successful sign-in sends, before and after the password hash.

The sign-in's time outside the hash has a guard-rail (benchmarks/login_benchmark.py),
and most of that time is statements: those after the hash are the slow ones (it
leaves the processor's caches cold). So each is listed here, and a new one fails a
test. The attempt counters' statements (common.throttle, in the database without
Redis) and transaction control are left out: the throttle's own tests count them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.acceptable_use import PENDING_SESSION_KEY
from accounts.hashers import OwaspArgon2PasswordHasher
from accounts.models import AcceptableUsePolicy, Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TABLE = re.compile(r'(?:FROM|INTO|UPDATE) "?(\w+)"?')
LEFT_OUT = re.compile(r"^(?:BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)\b|\bcommon_throttlecounter\b")


class MarkingArgon2Hasher(OwaspArgon2PasswordHasher):
    """The portal's Argon2 hasher, noting how many statements had been sent when it
    checked a password."""

    # Set by the sign_in fixture for each sign-in.
    statements: ClassVar[CaptureQueriesContext | None] = None
    sent_before: ClassVar[list[int]] = []

    def verify(self, password: str, encoded: str) -> bool:
        assert self.statements is not None
        self.sent_before.append(len(self.statements.captured_queries))
        return super().verify(password, encoded)


@dataclass(frozen=True)
class Statements:
    """A sign-in's statements as "VERB table", in the order they were sent."""

    before_hash: list[str]
    after_hash: list[str]


SignIn = Callable[[Account], "Statements"]


@pytest.fixture
def sign_in(settings: Any, client: Client) -> Iterator[SignIn]:
    settings.PASSWORD_HASHERS = [f"{__name__}.MarkingArgon2Hasher"]

    def sign_in(account: Account) -> Statements:
        MarkingArgon2Hasher.sent_before = []
        with CaptureQueriesContext(connection) as statements:
            MarkingArgon2Hasher.statements = statements
            response = client.post(
                LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD}
            )
        assert response.status_code == 302
        assert len(MarkingArgon2Hasher.sent_before) == 1  # one hash per sign-in
        hashed_at = MarkingArgon2Hasher.sent_before[0]
        named = [_named(query["sql"]) for query in statements.captured_queries]
        return Statements(
            before_hash=[text for text in named[:hashed_at] if text],
            after_hash=[text for text in named[hashed_at:] if text],
        )

    yield sign_in
    MarkingArgon2Hasher.statements = None


def _named(sql: str) -> str:
    if LEFT_OUT.search(sql):
        return ""
    table = TABLE.search(sql)
    return f"{sql.split()[0]} {table.group(1) if table else '?'}"


def test_before_the_hash_a_sign_in_reads_the_policy_versions_and_the_account(
    sign_in: SignIn,
) -> None:
    statements = sign_in(make_claimed_account())
    assert statements.before_hash == [
        "SELECT accounts_acceptableusepolicy",
        "SELECT accounts_account",
    ]


def test_after_the_hash_a_sign_in_writes_last_login_the_audit_row_and_the_session(
    sign_in: SignIn,
) -> None:
    statements = sign_in(make_claimed_account())
    assert statements.after_hash == [
        "UPDATE accounts_account",
        "INSERT audit_auditevent",
        "INSERT django_session",
    ]


def test_a_version_to_accept_adds_one_read_and_goes_into_the_same_session_write(
    sign_in: SignIn, client: Client
) -> None:
    AcceptableUsePolicy.objects.create(
        version="2026-2", text_en="Be kind.", roles=["student"], published_at=timezone.now()
    )
    statements = sign_in(make_claimed_account())
    assert statements.after_hash == [
        "UPDATE accounts_account",
        "SELECT accounts_policyacceptance",
        "INSERT audit_auditevent",
        "INSERT django_session",
    ]
    assert PENDING_SESSION_KEY in client.session
