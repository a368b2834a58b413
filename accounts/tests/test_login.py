"""Signing in: the page, every failure looking the same, throttles, next-redirects."""

from __future__ import annotations

import ipaddress
import re
import time
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.login import WITHHELD_USERNAME
from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from accounts.tests.test_authentication import COUNTING, CountingArgon2Hasher
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient
from directory.models import Status

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")


def normalized(html: str, *typed: str) -> str:
    """A page with the CSRF token and what the visitor typed blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


class LoginTestCase(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()  # throttles live in the cache (Redis in CI's second run)
        self.account = make_claimed_account()

    def post(self, username: str, password: str, **extra: Any):
        return self.client.post(
            LOGIN, {"username": username, "password": password}, HTTP_USER_AGENT="TestBrowser/1",
            **extra,
        )


class LoginPageTests(LoginTestCase):
    def test_it_shows_the_form_help_links_and_tips(self) -> None:
        response = self.client.get(LOGIN)
        self.assertContains(response, '<label for="id_username">')
        self.assertContains(response, '<label for="id_password">')
        self.assertContains(response, reverse("accounts:help"))
        self.assertContains(response, "Need help?")
        self.assertContains(response, "Don't have an account yet?")
        self.assertContains(response, "Claim your account.")
        self.assertContains(response, "S0123456")
        self.assertContains(response, "Passwords are case sensitive.")
        self.assertContains(response, "incognito")
        self.assertNotContains(response, "Authentication Failed")

    def test_credential_pages_are_never_cached(self) -> None:
        for name in ["login", "forgot-username", "forgot-password", "help"]:
            response = self.client.get(reverse(f"accounts:{name}"))
            self.assertIn("no-store", response["Cache-Control"], name)

    def test_it_sends_a_signed_in_person_home(self) -> None:
        self.client.force_login(self.account)
        self.assertRedirects(self.client.get(LOGIN), HOME)


class LoginSuccessTests(LoginTestCase):
    def test_it_signs_in_and_lands_on_the_portal_home(self) -> None:
        response = self.post(self.account.username, DEFAULT_PASSWORD)
        self.assertRedirects(response, HOME)
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.account.pk)

    def test_the_username_is_case_insensitive(self) -> None:
        response = self.post(self.account.username.upper(), DEFAULT_PASSWORD)
        self.assertRedirects(response, HOME)

    def test_it_audits_the_success_with_ip_and_user_agent(self) -> None:
        self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.1.2.3")
        event = AuditEvent.objects.get(event_type=EventType.LOGIN_SUCCEEDED)
        self.assertEqual(event.account_id, self.account.pk)
        self.assertEqual(event.outcome, Outcome.SUCCESS)
        self.assertEqual(event.ip_address, "10.1.2.3")
        self.assertEqual(event.user_agent, "TestBrowser/1")

    def test_it_follows_a_safe_next(self) -> None:
        target = reverse("accounts:change-password")
        response = self.client.post(
            LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD,
                    "next": target},
        )
        self.assertRedirects(response, target)

    def test_it_ignores_a_next_to_another_site(self) -> None:
        for unsafe in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
            self.client.logout()
            response = self.client.post(
                f"{LOGIN}?next={unsafe}",
                {"username": self.account.username, "password": DEFAULT_PASSWORD},
            )
            self.assertRedirects(response, HOME, msg_prefix=unsafe)

    def test_a_protected_page_sends_to_login_and_back(self) -> None:
        response = self.client.get(reverse("accounts:change-password"))
        self.assertRedirects(response, f"{LOGIN}?next={reverse('accounts:change-password')}")
        page = self.client.get(response["Location"])
        self.assertContains(page, 'name="next" value="/account/password/"')


class LoginFailureTests(LoginTestCase):
    def assert_failed(self, response) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Authentication Failed")
        self.assertContains(response, 'role="alert"')
        self.assertContains(response, "Passwords are case sensitive.")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_wrong_password_fails(self) -> None:
        self.assert_failed(self.post(self.account.username, "wrong password 1"))

    def test_the_password_is_case_sensitive(self) -> None:
        self.assert_failed(self.post(self.account.username, DEFAULT_PASSWORD.upper()))

    def test_an_unknown_username_fails(self) -> None:
        self.assert_failed(self.post("s0999999", DEFAULT_PASSWORD))

    def test_a_disabled_account_fails_with_the_right_password(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(is_active=False)
        self.assert_failed(self.post(self.account.username, DEFAULT_PASSWORD))

    def test_a_deactivated_person_fails_with_the_right_password(self) -> None:
        person = self.account.person
        assert person is not None
        person.status = Status.INACTIVE
        person.save()
        self.assert_failed(self.post(self.account.username, DEFAULT_PASSWORD))

    def test_an_unclaimed_account_fails(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(claimed_at=None)
        self.assert_failed(self.post(self.account.username, DEFAULT_PASSWORD))

    def test_the_password_is_never_shown_back(self) -> None:
        response = self.post(self.account.username, "Secret-Typed-Password-7")
        self.assertNotContains(response, "Secret-Typed-Password-7")

    def test_every_failure_is_the_same_page(self) -> None:
        other = make_claimed_account()
        disabled = make_claimed_account()
        Account.objects.filter(pk=disabled.pk).update(is_active=False)
        left = make_claimed_account()
        assert left.person is not None
        left.person.status = Status.INACTIVE
        left.person.save()
        cases = [
            (other.username, "wrong password 1"),
            ("s0999999", "wrong password 1"),
            (disabled.username, DEFAULT_PASSWORD),
            (left.username, DEFAULT_PASSWORD),
        ]
        pages = set()
        for username, password in cases:
            response = self.post(username, password)
            pages.add((response.status_code, normalized(response.content.decode(), username)))
        self.assertEqual(len(pages), 1)

    def test_it_audits_the_failure_without_the_password(self) -> None:
        self.post(self.account.username.upper(), "Typed-Secret-55")
        event = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
        self.assertEqual(event.account_id, self.account.pk)
        self.assertEqual(event.details["username"], self.account.username)
        self.assertEqual(event.details["reason"], "wrong_password")
        self.assertNotIn("Typed-Secret-55", str(event.details))

    def test_it_audits_an_unknown_username_without_an_account(self) -> None:
        self.post("S0999999", "Typed-Secret-55")
        event = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
        self.assertIsNone(event.account_id)
        self.assertEqual(event.details["reason"], "unknown_username")

    def test_a_password_typed_into_the_username_box_is_not_kept(self) -> None:
        staff = Account.objects.create_user("tech1", "Tech-Pass-Long-1")
        for typed in ("Purple-Otter-Rides-7", "84736251", "S0999999", "e012345", "TECH1"):
            self.post(typed, "Typed-Secret-55")
        kept = [
            e.details["username"] for e in
            AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).order_by("pk")
        ]
        self.assertEqual(
            kept,
            [WITHHELD_USERNAME, WITHHELD_USERNAME, "s0999999", "e012345", staff.username],
        )
        self.assertNotIn("otter", str(list(AuditEvent.objects.values_list("details"))))

    @override_settings(
        USERNAME_TEMPLATES={"student": "stu{identifier}x", "teacher": "t.{identifier}"}
    )
    def test_which_usernames_are_kept_follows_the_districts_templates(self) -> None:
        for typed in ("STU123X", "t.77", "s0123456", "tx77"):
            self.post(typed, "Typed-Secret-55")
        kept = [
            e.details["username"] for e in
            AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).order_by("pk")
        ]
        self.assertEqual(kept, ["stu123x", "t.77", WITHHELD_USERNAME, WITHHELD_USERNAME])

    def test_an_empty_form_asks_for_both_fields(self) -> None:
        response = self.post("", "")
        self.assertContains(response, "Enter your username.")
        self.assertContains(response, "Enter your password.")
        self.assertContains(response, 'aria-describedby="id_username_error"')


@override_settings(LOGIN_MAX_FAILURES_PER_ACCOUNT=3, LOGIN_MAX_FAILURES_PER_IP=50)
class AccountThrottleTests(LoginTestCase):
    def fail_times(self, username: str, times: int) -> None:
        for _ in range(times):
            self.post(username, "wrong password 1")

    def test_a_blocked_attempt_reads_no_account_whether_or_not_it_exists(self) -> None:
        self.fail_times(self.account.username, 3)
        self.fail_times("s0999999", 3)
        for username in (self.account.username, "s0999999"):
            with CaptureQueriesContext(connection) as queries:
                self.post(username, DEFAULT_PASSWORD)
            read = [q["sql"] for q in queries if '"accounts_account"' in q["sql"]]
            self.assertEqual(read, [], username)

    def test_a_blocked_attempt_keeps_only_a_username_shaped_text(self) -> None:
        self.fail_times("Purple-Otter-Rides-7", 3)
        self.fail_times("s0999999", 3)
        self.post("Purple-Otter-Rides-7", "x")
        self.post("s0999999", "x")
        blocked = AuditEvent.objects.filter(event_type=EventType.THROTTLED).order_by("pk")
        self.assertEqual(
            [e.details["username"] for e in blocked], [WITHHELD_USERNAME, "s0999999"]
        )

    def test_it_locks_the_username_after_too_many_failures(self) -> None:
        self.fail_times(self.account.username, 3)
        response = self.post(self.account.username, DEFAULT_PASSWORD)
        self.assertContains(response, "Authentication Failed")
        self.assertContains(response, "too many failed attempts")
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.THROTTLED, outcome=Outcome.BLOCKED,
                details__scope="login-account",
            ).exists()
        )

    def test_the_lock_counts_any_spelling_of_the_username(self) -> None:
        self.fail_times(self.account.username.upper(), 2)
        self.fail_times(" " + self.account.username + " ", 1)
        self.assertContains(self.post(self.account.username, DEFAULT_PASSWORD), "too many failed")

    def test_the_lock_looks_the_same_for_an_unknown_username(self) -> None:
        self.fail_times(self.account.username, 3)
        self.fail_times("s0999999", 3)
        real = self.post(self.account.username, "wrong password 1")
        unknown = self.post("s0999999", "wrong password 1")
        self.assertEqual(
            normalized(real.content.decode(), self.account.username),
            normalized(unknown.content.decode(), "s0999999"),
        )
        self.assertContains(unknown, "too many failed attempts")

    def test_the_lock_does_not_affect_other_usernames(self) -> None:
        self.fail_times(self.account.username, 3)
        other = make_claimed_account()
        self.assertRedirects(self.post(other.username, DEFAULT_PASSWORD), HOME)

    def test_a_success_resets_the_count(self) -> None:
        self.fail_times(self.account.username, 2)
        self.assertRedirects(self.post(self.account.username, DEFAULT_PASSWORD), HOME)
        self.client.logout()
        self.fail_times(self.account.username, 2)
        self.assertRedirects(self.post(self.account.username, DEFAULT_PASSWORD), HOME)

    @override_settings(LOGIN_LOCKOUT_SECONDS=3)
    def test_the_lock_ends_after_the_window(self) -> None:
        # The window runs from the first failure; three real Argon2 checks on a busy
        # machine must not use it up before the lock is looked at. Later failures
        # re-arm the entry for the whole seconds left, so it may last up to a second
        # longer than the window.
        first_failure = time.monotonic()
        self.fail_times(self.account.username, 3)
        self.assertContains(self.post(self.account.username, DEFAULT_PASSWORD), "too many failed")
        time.sleep(max(0.0, first_failure + 3 + 1.5 - time.monotonic()))
        self.assertRedirects(self.post(self.account.username, DEFAULT_PASSWORD), HOME)

    @override_settings(PASSWORD_HASHERS=COUNTING)
    def test_locked_attempts_skip_the_hash_whether_or_not_the_account_exists(self) -> None:
        self.fail_times(self.account.username, 3)
        self.fail_times("s0999999", 3)
        for username in [self.account.username, "s0999999"]:
            CountingArgon2Hasher.calls = 0
            self.post(username, "wrong password 1")
            self.assertEqual(CountingArgon2Hasher.calls, 0, username)


@override_settings(LOGIN_MAX_FAILURES_PER_IP=3, LOGIN_MAX_FAILURES_PER_ACCOUNT=50)
class IpThrottleTests(LoginTestCase):
    def test_it_blocks_an_address_that_fails_too_often(self) -> None:
        for n in range(3):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR="10.9.9.9")
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9")
        self.assertContains(response, "too many failed attempts")
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.THROTTLED, details__scope="login-ip"
            ).exists()
        )

    def test_other_addresses_still_sign_in(self) -> None:
        for n in range(3):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR="10.9.9.9")
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.10")
        self.assertRedirects(response, HOME)

    def test_an_ipv6_client_changing_address_within_its_64_is_still_blocked(self) -> None:
        for n in range(3):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        response = self.post(
            self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9"
        )
        self.assertContains(response, "too many failed attempts")

    def test_another_ipv6_network_still_signs_in(self) -> None:
        for n in range(3):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="2001:db8:1:3::1")
        self.assertRedirects(response, HOME)

    @override_settings(LOGIN_LOCKOUT_SECONDS=1)
    def test_the_address_recovers_after_the_window(self) -> None:
        for n in range(3):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR="10.9.9.9")
        time.sleep(1.2)
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9")
        self.assertRedirects(response, HOME)


@override_settings(
    LOGIN_MAX_FAILURES_PER_IP=3,
    LOGIN_MAX_FAILURES_PER_ACCOUNT=3,
    SCHOOL_NETWORKS=(ipaddress.ip_network("10.20.0.0/16"),),
    SCHOOL_NETWORK_LIMIT_MULTIPLIER=2,
)
class SchoolNetworkTests(LoginTestCase):
    """A school signs in through one NAT address: its typos must not lock it out."""

    def fail_from(self, address: str, times: int) -> None:
        for n in range(times):
            self.post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=address)

    def test_a_school_address_allows_the_limit_times_the_multiplier(self) -> None:
        self.fail_from("10.20.0.1", 5)
        self.assertRedirects(
            self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1"), HOME
        )

    def test_a_school_address_is_still_blocked_beyond_it(self) -> None:
        self.fail_from("10.20.0.1", 6)
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1")
        self.assertContains(response, "too many failed attempts")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_an_address_outside_the_school_networks_keeps_the_plain_limit(self) -> None:
        self.fail_from("203.0.113.9", 3)
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")
        self.assertContains(response, "too many failed attempts")

    def test_the_per_account_limit_is_not_multiplied(self) -> None:
        for _ in range(3):
            self.post(self.account.username, "wrong password 1", REMOTE_ADDR="10.20.0.1")
        response = self.post(self.account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1")
        self.assertContains(response, "too many failed attempts")
