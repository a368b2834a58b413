"""What one sign-in costs the database: the statements of a successful login POST."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType

LOGIN = reverse("accounts:login")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


class SignInStatementTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()

    def sign_in(self) -> list[str]:
        client = Client()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD}
            )
        self.assertEqual(response.status_code, 302)
        return [
            q["sql"] for q in captured.captured_queries
            if not q["sql"].startswith(TRANSACTION_CONTROL)
        ]

    def test_a_sign_in_reads_the_account_once_and_writes_three_rows(self) -> None:
        statements = self.sign_in()
        table_cache = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
        # The throttle counters: one read of the cache table (Redis when configured).
        cache_reads = [s for s in statements if "hallpass_cache" in s]
        self.assertEqual(len(cache_reads), 1 if table_cache else 0)
        # The account with its person; then last_login, the audit row, the session.
        self.assertEqual(
            [" ".join(s.split()[:3]) for s in statements if "hallpass_cache" not in s][1:],
            ['UPDATE "accounts_account" SET', 'INSERT INTO "audit_auditevent"',
             'INSERT INTO "django_session"'],
        )
        self.assertEqual(len(statements), len(cache_reads) + 4, statements)

    def test_the_account_lookup_loads_only_what_sign_in_reads(self) -> None:
        lookup = next(
            s for s in self.sign_in() if s.startswith("SELECT") and "accounts_account" in s
        )
        selected = lookup.split(" FROM ")[0]
        for needed in ('"password"', '"is_active"', '"claimed_at"', '"status"'):
            self.assertIn(needed, selected)
        for not_needed in ('"recovery_failures"', '"date_joined"', '"given_name"', '"email"'):
            self.assertNotIn(not_needed, selected)

    def test_the_signed_in_account_still_has_everything_on_later_pages(self) -> None:
        client = Client()
        client.post(LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD})
        succeeded = AuditEvent.objects.filter(event_type=EventType.LOGIN_SUCCEEDED)
        self.assertEqual(succeeded.count(), 1)
        account = Account.objects.get(pk=self.account.pk)
        self.assertIsNotNone(account.last_login)
        home = client.get(reverse("portal:home"))
        self.assertContains(home, self.account.display_username)
