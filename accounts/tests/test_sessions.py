"""Sessions: a new key at sign-in, cookie flags, the idle timeout, the signed-in
banner, and sessions that end when the account can no longer sign in."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from common.tests.client import FormClient
from directory.models import Status

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")
SIGNED_OUT = f"{LOGIN}?next={HOME}"
# With REDIS_URL, sessions are read from Redis first, which forgets them on its own
# clock: moving Python's clock cannot expire them there.
SESSIONS_CACHED_IN_REDIS = settings.SESSION_ENGINE.endswith(".cached_db") and (
    "redis" in str(settings.CACHES["default"]["BACKEND"]).lower()
)


@pytest.fixture
def account() -> Account:
    return make_claimed_account(given_name="Ana", family_name="Reyes")


def sign_in(client: Client, account: Account):
    return client.post(LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD})


def test_signing_in_issues_a_new_session_key(client, account):
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert before is not None
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    sign_in(client, account)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_cookie_is_http_only_and_same_site_lax(client, account):
    response = sign_in(client, account)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_the_session_cookie_is_secure_when_configured(client, account, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = sign_in(client, account)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]


def test_the_idle_timeout_is_thirty_minutes_and_sign_in_sets_the_cookies_age(client, account):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_AFTER_SECONDS == 60
    response = sign_in(client, account)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.skipif(
    SESSIONS_CACHED_IN_REDIS, reason="Redis expires sessions on its own clock: see the next test"
)
def test_an_idle_session_expires_and_one_in_use_does_not(client, account, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    idle_timeout = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sign_in(client, account)
    assert client.get(HOME).status_code == 200
    # A page view every 29 minutes for an hour and a half keeps the session.
    for _ in range(3):
        time_machine.shift(idle_timeout - timedelta(minutes=1))
        assert client.get(HOME).status_code == 200

    time_machine.shift(idle_timeout)

    assertRedirects(client.get(HOME), SIGNED_OUT)


@pytest.mark.skipif(not SESSIONS_CACHED_IN_REDIS, reason="sessions are not cached in Redis")
def test_an_idle_session_expires_in_redis(client, account, settings):
    """Redis drops the cached session when its own timer runs out, and no test can move
    that clock: a one-second idle timeout and a real wait just past it."""
    settings.SESSION_COOKIE_AGE = 1
    sign_in(client, account)
    assert client.get(HOME).status_code == 200
    time.sleep(1.5)
    assertRedirects(client.get(HOME), SIGNED_OUT)


def test_a_person_deactivated_later_is_signed_out_on_the_next_request(client, account):
    sign_in(client, account)
    assert client.get(HOME).status_code == 200
    person = account.person
    assert person is not None
    person.status = Status.INACTIVE
    person.save()
    assertRedirects(client.get(HOME), SIGNED_OUT)


def test_an_account_disabled_later_is_signed_out_on_the_next_request(client, account):
    sign_in(client, account)
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assertRedirects(client.get(HOME), SIGNED_OUT)


def test_the_signed_in_banner_is_on_the_portal_home(client, account):
    sign_in(client, account)
    response = client.get(HOME)
    assertContains(response, f"Signed in as Ana Reyes ({account.display_username})")
    assertContains(response, "not you?")
    assertContains(response, f'action="{reverse("accounts:logout")}" method="post"')
    assertContains(response, "Sign out")


def test_the_signed_in_banner_is_on_change_password(client, account):
    sign_in(client, account)
    response = client.get(reverse("accounts:change-password"))
    assertContains(response, f"Signed in as Ana Reyes ({account.display_username})")
    assertContains(response, "Sign out")


def test_no_banner_when_signed_out(client):
    assertNotContains(client.get(LOGIN), "Signed in as")


def test_a_password_change_elsewhere_ends_this_session(client, account):
    other_device = FormClient()
    sign_in(other_device, account)
    sign_in(client, account)
    client.post(
        reverse("accounts:change-password"),
        {
            "current_password": DEFAULT_PASSWORD,
            "password1": "a brand new Passphrase 77",
            "password2": "a brand new Passphrase 77",
        },
    )
    assert client.get(HOME).status_code == 200
    assertRedirects(other_device.get(HOME), SIGNED_OUT)
    assert SESSION_KEY not in other_device.session
