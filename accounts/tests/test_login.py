"""Signing in: the page, every failure looking the same, throttles, next-redirects."""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.login import WITHHELD_USERNAME
from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from accounts.tests.test_authentication import COUNTING, CountingArgon2Hasher
from audit.models import AuditEvent, EventType, Outcome
from directory.models import Status

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")
LOCKOUT = settings.LOGIN_LOCKOUT_SECONDS
# Redis expires counters by its own clock, which a test cannot move; the Redis
# store's expiry is tested with a real short window in common/tests/test_throttle.py.
skip_with_redis_clock = pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="Redis keeps its own clock"
)

Post = Callable[..., HttpResponse]


def normalized(html: str, *typed: str) -> str:
    """A page with the CSRF token and what the visitor typed blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


@pytest.fixture
def account() -> Account:
    return make_claimed_account()


@pytest.fixture
def post(client: Client) -> Post:
    def post(username: str, password: str, **extra: Any) -> HttpResponse:
        return client.post(  # type: ignore[return-value]
            LOGIN, {"username": username, "password": password},
            HTTP_USER_AGENT="TestBrowser/1", **extra,
        )

    return post


def fail_times(post: Post, username: str, times: int, **extra: Any) -> None:
    for _ in range(times):
        post(username, "wrong password 1", **extra)


def failed_usernames() -> list[str]:
    return [
        e.details["username"]
        for e in AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).order_by("pk")
    ]


# --- The page ---------------------------------------------------------------------


def test_it_shows_the_form_help_links_and_tips(client: Client) -> None:
    response = client.get(LOGIN)
    for text in ('<label for="id_username">', '<label for="id_password">',
                 reverse("accounts:help"), "Need help?", "Don't have an account yet?",
                 "Claim your account.", "S0123456", "Passwords are case sensitive.",
                 "incognito"):
        assertContains(response, text)
    assertNotContains(response, "Authentication Failed")


@pytest.mark.parametrize("name", ["login", "forgot-username", "forgot-password", "help"])
def test_credential_pages_are_never_cached(client: Client, name: str) -> None:
    assert "no-store" in client.get(reverse(f"accounts:{name}"))["Cache-Control"]


def test_it_sends_a_signed_in_person_home(client: Client, account: Account) -> None:
    client.force_login(account)
    assertRedirects(client.get(LOGIN), HOME)


# --- Success ----------------------------------------------------------------------


def test_it_signs_in_and_lands_on_the_portal_home(
    client: Client, post: Post, account: Account
) -> None:
    assertRedirects(post(account.username, DEFAULT_PASSWORD), HOME)
    assert int(client.session[SESSION_KEY]) == account.pk


def test_the_username_is_case_insensitive(post: Post, account: Account) -> None:
    assertRedirects(post(account.username.upper(), DEFAULT_PASSWORD), HOME)


def test_surrounding_spaces_in_the_username_are_ignored(post: Post, account: Account) -> None:
    assertRedirects(post(f"  {account.username} ", DEFAULT_PASSWORD), HOME)


def test_it_lands_where_the_district_configured(settings, post: Post, account: Account) -> None:
    settings.LOGIN_REDIRECT_URL = "accounts:change-password"
    assertRedirects(
        post(account.username, DEFAULT_PASSWORD), reverse("accounts:change-password")
    )


def test_it_audits_the_success_with_ip_and_user_agent(post: Post, account: Account) -> None:
    post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(event_type=EventType.LOGIN_SUCCEEDED)
    assert event.account_id == account.pk
    assert event.outcome == Outcome.SUCCESS
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "TestBrowser/1"


def test_it_follows_a_safe_next(client: Client, account: Account) -> None:
    target = reverse("accounts:change-password")
    response = client.post(
        LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD, "next": target}
    )
    assertRedirects(response, target)


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_it_ignores_a_next_to_another_site(client: Client, account: Account, unsafe: str) -> None:
    response = client.post(
        f"{LOGIN}?next={unsafe}", {"username": account.username, "password": DEFAULT_PASSWORD}
    )
    assertRedirects(response, HOME)


def test_a_protected_page_sends_to_login_and_back(client: Client) -> None:
    response = client.get(reverse("accounts:change-password"))
    assertRedirects(response, f"{LOGIN}?next={reverse('accounts:change-password')}")
    assertContains(client.get(response["Location"]), 'name="next" value="/account/password/"')


# --- Failures ---------------------------------------------------------------------


def assert_failed(client: Client, response: HttpResponse) -> None:
    assert response.status_code == 200
    assertContains(response, "Authentication Failed")
    assertContains(response, 'role="alert"')
    assertContains(response, "Passwords are case sensitive.")
    assert SESSION_KEY not in client.session


def test_a_wrong_password_fails(client: Client, post: Post, account: Account) -> None:
    assert_failed(client, post(account.username, "wrong password 1"))


def test_the_password_is_case_sensitive(client: Client, post: Post, account: Account) -> None:
    assert_failed(client, post(account.username, DEFAULT_PASSWORD.upper()))


def test_an_unknown_username_fails(client: Client, post: Post) -> None:
    assert_failed(client, post("s0999999", DEFAULT_PASSWORD))


def test_a_disabled_account_fails_with_the_right_password(
    client: Client, post: Post, account: Account
) -> None:
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert_failed(client, post(account.username, DEFAULT_PASSWORD))


def test_a_deactivated_person_fails_with_the_right_password(
    client: Client, post: Post, account: Account
) -> None:
    assert account.person is not None
    account.person.status = Status.INACTIVE
    account.person.save()
    assert_failed(client, post(account.username, DEFAULT_PASSWORD))


def test_an_unclaimed_account_fails(client: Client, post: Post, account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(claimed_at=None)
    assert_failed(client, post(account.username, DEFAULT_PASSWORD))


def test_the_password_is_never_shown_back(post: Post, account: Account) -> None:
    assertNotContains(post(account.username, "Secret-Typed-Password-7"), "Secret-Typed-Password-7")


def test_every_failure_is_the_same_page(post: Post) -> None:
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
        response = post(username, password)
        pages.add((response.status_code, normalized(response.content.decode(), username)))
    assert len(pages) == 1


def test_it_audits_the_failure_without_the_password(post: Post, account: Account) -> None:
    post(account.username.upper(), "Typed-Secret-55")
    event = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
    assert event.account_id == account.pk
    assert event.details["username"] == account.username
    assert event.details["reason"] == "wrong_password"
    assert "Typed-Secret-55" not in str(event.details)


def test_it_audits_an_unknown_username_without_an_account(post: Post) -> None:
    post("S0999999", "Typed-Secret-55")
    event = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
    assert event.account_id is None
    assert event.details["reason"] == "unknown_username"


def test_a_password_typed_into_the_username_box_is_not_kept(post: Post) -> None:
    staff = Account.objects.create_user("tech1", "Tech-Pass-Long-1")
    for typed in ("Purple-Otter-Rides-7", "84736251", "S0999999", "e012345", "TECH1"):
        post(typed, "Typed-Secret-55")
    assert failed_usernames() == [
        WITHHELD_USERNAME, WITHHELD_USERNAME, "s0999999", "e012345", staff.username
    ]
    assert "otter" not in str(list(AuditEvent.objects.values_list("details")))


def test_which_usernames_are_kept_follows_the_districts_templates(settings, post: Post) -> None:
    settings.USERNAME_TEMPLATES = {"student": "stu{identifier}x", "teacher": "t.{identifier}"}
    for typed in ("STU123X", "t.77", "s0123456", "tx77"):
        post(typed, "Typed-Secret-55")
    assert failed_usernames() == ["stu123x", "t.77", WITHHELD_USERNAME, WITHHELD_USERNAME]


def test_an_empty_form_asks_for_both_fields(post: Post) -> None:
    response = post("", "")
    assertContains(response, "Enter your username.")
    assertContains(response, "Enter your password.")
    assertContains(response, 'aria-describedby="id_username_error"')


# --- The per-username limit -------------------------------------------------------


@pytest.fixture
def account_limit_of_three(settings) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_MAX_FAILURES_PER_IP = 50


account_limit = pytest.mark.usefixtures("account_limit_of_three")


@account_limit
def test_a_blocked_attempt_reads_no_account_whether_or_not_it_exists(
    post: Post, account: Account
) -> None:
    fail_times(post, account.username, 3)
    fail_times(post, "s0999999", 3)
    for username in (account.username, "s0999999"):
        with CaptureQueriesContext(connection) as queries:
            post(username, DEFAULT_PASSWORD)
        assert [q["sql"] for q in queries if '"accounts_account"' in q["sql"]] == []


@account_limit
def test_a_blocked_attempt_keeps_only_a_username_shaped_text(post: Post) -> None:
    fail_times(post, "Purple-Otter-Rides-7", 3)
    fail_times(post, "s0999999", 3)
    post("Purple-Otter-Rides-7", "x")
    post("s0999999", "x")
    blocked = AuditEvent.objects.filter(event_type=EventType.THROTTLED).order_by("pk")
    assert [e.details["username"] for e in blocked] == [WITHHELD_USERNAME, "s0999999"]


@account_limit
def test_it_locks_the_username_after_too_many_failures(
    client: Client, post: Post, account: Account
) -> None:
    fail_times(post, account.username, 3)
    response = post(account.username, DEFAULT_PASSWORD)
    assertContains(response, "Authentication Failed")
    assertContains(response, "too many failed attempts")
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(
        event_type=EventType.THROTTLED, outcome=Outcome.BLOCKED, details__scope="login-account"
    ).exists()


@account_limit
def test_the_failure_that_locks_says_so_on_the_page_and_in_the_log(
    post: Post, account: Account
) -> None:
    fail_times(post, account.username, 2)
    assertContains(post(account.username, "wrong password 1"), "too many failed attempts")
    locking = AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).order_by("pk")
    assert [e.details["locked"] for e in locking] == [False, False, True]


@account_limit
def test_the_lock_counts_any_spelling_of_the_username(post: Post, account: Account) -> None:
    fail_times(post, account.username.upper(), 2)
    fail_times(post, " " + account.username + " ", 1)
    assertContains(post(account.username, DEFAULT_PASSWORD), "too many failed")


@account_limit
def test_the_lock_looks_the_same_for_an_unknown_username(post: Post, account: Account) -> None:
    fail_times(post, account.username, 3)
    fail_times(post, "s0999999", 3)
    real = post(account.username, "wrong password 1")
    unknown = post("s0999999", "wrong password 1")
    assert normalized(real.content.decode(), account.username) == normalized(
        unknown.content.decode(), "s0999999"
    )
    assertContains(unknown, "too many failed attempts")


@account_limit
def test_the_lock_does_not_affect_other_usernames(post: Post, account: Account) -> None:
    fail_times(post, account.username, 3)
    other = make_claimed_account()
    assertRedirects(post(other.username, DEFAULT_PASSWORD), HOME)


@account_limit
def test_a_success_gives_back_its_own_attempt_and_no_earlier_failure(
    client: Client, post: Post, account: Account
) -> None:
    fail_times(post, account.username, 2)
    assertRedirects(post(account.username, DEFAULT_PASSWORD), HOME)
    client.logout()
    fail_times(post, account.username, 1)  # the third failure in the window
    assertContains(post(account.username, DEFAULT_PASSWORD), "too many failed")


@account_limit
@skip_with_redis_clock
def test_the_lock_ends_after_the_window(post: Post, account: Account) -> None:
    with time_machine.travel(time.time(), tick=False) as clock:
        fail_times(post, account.username, 3)
        clock.shift(LOCKOUT - 1)
        assertContains(post(account.username, DEFAULT_PASSWORD), "too many failed")
        clock.shift(2)
        assertRedirects(post(account.username, DEFAULT_PASSWORD), HOME)


@account_limit
def test_locked_attempts_skip_the_hash_whether_or_not_the_account_exists(
    settings, post: Post, account: Account
) -> None:
    fail_times(post, account.username, 3)
    fail_times(post, "s0999999", 3)
    settings.PASSWORD_HASHERS = COUNTING
    for username in [account.username, "s0999999"]:
        CountingArgon2Hasher.calls = 0
        post(username, "wrong password 1")
        assert CountingArgon2Hasher.calls == 0, username


# --- The per-address limit --------------------------------------------------------


@pytest.fixture
def address_limit_of_three(settings) -> None:
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 50


address_limit = pytest.mark.usefixtures("address_limit_of_three")


def fail_from(post: Post, address: str, times: int) -> None:
    for n in range(times):
        post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=address)


@address_limit
def test_it_blocks_an_address_that_fails_too_often(post: Post, account: Account) -> None:
    fail_from(post, "10.9.9.9", 3)
    assertContains(
        post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9"), "too many failed attempts"
    )
    assert AuditEvent.objects.filter(
        event_type=EventType.THROTTLED, details__scope="login-ip"
    ).exists()


@address_limit
def test_other_addresses_still_sign_in(post: Post, account: Account) -> None:
    fail_from(post, "10.9.9.9", 3)
    assertRedirects(post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.10"), HOME)


@address_limit
def test_successes_from_an_address_do_not_count_against_it(
    client: Client, post: Post, account: Account
) -> None:
    for _ in range(5):
        assertRedirects(post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9"), HOME)
        client.logout()
    fail_from(post, "10.9.9.9", 2)
    assertRedirects(post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9"), HOME)


@address_limit
def test_an_ipv6_client_changing_address_within_its_64_is_still_blocked(
    post: Post, account: Account
) -> None:
    for n in range(3):
        post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
    response = post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assertContains(response, "too many failed attempts")


@address_limit
def test_another_ipv6_network_still_signs_in(post: Post, account: Account) -> None:
    for n in range(3):
        post(f"s09{n:05d}", "wrong password 1", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
    assertRedirects(post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="2001:db8:1:3::1"), HOME)


@address_limit
@skip_with_redis_clock
def test_the_address_recovers_after_the_window(post: Post, account: Account) -> None:
    with time_machine.travel(time.time(), tick=False) as clock:
        fail_from(post, "10.9.9.9", 3)
        clock.shift(LOCKOUT + 1)
        response = post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9")
    assertRedirects(response, HOME)


# --- A school's shared address ----------------------------------------------------


@pytest.fixture
def school_network(settings) -> None:
    """A school signs in through one NAT address: its typos must not lock it out."""
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)
    settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER = 2


at_school = pytest.mark.usefixtures("school_network")


@at_school
def test_a_school_address_allows_the_limit_times_the_multiplier(
    post: Post, account: Account
) -> None:
    fail_from(post, "10.20.0.1", 5)
    assertRedirects(post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1"), HOME)


@at_school
def test_a_school_address_is_still_blocked_beyond_it(
    client: Client, post: Post, account: Account
) -> None:
    fail_from(post, "10.20.0.1", 6)
    response = post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1")
    assertContains(response, "too many failed attempts")
    assert SESSION_KEY not in client.session


@at_school
def test_an_address_outside_the_school_networks_keeps_the_plain_limit(
    post: Post, account: Account
) -> None:
    fail_from(post, "203.0.113.9", 3)
    response = post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assertContains(response, "too many failed attempts")


@at_school
def test_the_per_account_limit_is_not_multiplied(post: Post, account: Account) -> None:
    for _ in range(3):
        post(account.username, "wrong password 1", REMOTE_ADDR="10.20.0.1")
    response = post(account.username, DEFAULT_PASSWORD, REMOTE_ADDR="10.20.0.1")
    assertContains(response, "too many failed attempts")
