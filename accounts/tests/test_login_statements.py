"""What one sign-in costs the database: the statements of a successful login POST."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

LOGIN = reverse("accounts:login")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


class SignInStatementTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()

    def sign_in(self) -> list[str]:
        client = FormClient()
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
        client = FormClient()
        client.post(LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD})
        succeeded = AuditEvent.objects.filter(event_type=EventType.LOGIN_SUCCEEDED)
        self.assertEqual(succeeded.count(), 1)
        account = Account.objects.get(pk=self.account.pk)
        self.assertIsNotNone(account.last_login)
        home = client.get(reverse("portal:home"))
        self.assertContains(home, self.account.display_username)


class LastLoginTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()

    def test_a_sign_in_records_its_time_as_last_login(self) -> None:
        from django.utils import timezone

        self.assertIsNone(Account.objects.get(pk=self.account.pk).last_login)
        before = timezone.now()
        FormClient().post(LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD})
        last_login = Account.objects.get(pk=self.account.pk).last_login
        self.assertIsNotNone(last_login)
        assert last_login is not None
        self.assertGreaterEqual(last_login, before)
        self.assertLessEqual(last_login, timezone.now())

    def test_every_kind_of_sign_in_records_last_login_once(self) -> None:
        import accounts.login  # noqa: F401  (installs the receiver)

        client = FormClient()
        with CaptureQueriesContext(connection) as captured:
            client.force_login(self.account)
        updates = [q for q in captured.captured_queries if '"last_login"' in q["sql"]]
        self.assertEqual(len(updates), 1)
        self.assertIsNotNone(Account.objects.get(pk=self.account.pk).last_login)


class SignInLookupTests(TestCase):
    def test_it_returns_what_the_orm_returns_for_the_same_query(self) -> None:
        from accounts.authentication import SIGN_IN_FIELDS, find_for_sign_in

        account = make_claimed_account()
        found = find_for_sign_in(account.username)
        expected = (
            Account.objects.select_related("person").only(*SIGN_IN_FIELDS)
            .get(username=account.username)
        )
        assert found is not None and found.person is not None and expected.person is not None
        assert account.person is not None
        self.assertEqual(found.get_deferred_fields(), expected.get_deferred_fields())
        for name in ("id", "username", "password", "last_login", "is_active", "claimed_at",
                     "person_id", "language"):
            self.assertEqual(getattr(found, name), getattr(expected, name), name)
        self.assertEqual(found.person.status, expected.person.status)
        self.assertIs(found.person.account, found)
        self.assertEqual(type(found.is_active), bool)
        # A field the lookup left out still loads.
        self.assertEqual(found.person.email, account.person.email)

    def test_it_finds_staff_without_a_person_and_nobody_for_an_unknown_name(self) -> None:
        from accounts.authentication import find_for_sign_in

        staff = Account.objects.create_user(username="it-admin", password="x")
        found = find_for_sign_in("it-admin")
        assert found is not None
        self.assertEqual(found.pk, staff.pk)
        self.assertIsNone(found.person)
        self.assertIsNone(find_for_sign_in("nobody"))
