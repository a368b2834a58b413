"""Sessions: a new key at sign-in, cookie flags, the idle timeout, the signed-in
banner, and sessions that end when the account can no longer sign in."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from common.tests.client import FormClient
from directory.models import Status

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")


class SessionTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account(given_name="Ana", family_name="Reyes")

    def sign_in(self, client: FormClient | None = None):
        return (client or self.client).post(
            LOGIN, {"username": self.account.username, "password": DEFAULT_PASSWORD}
        )

    def test_signing_in_issues_a_new_session_key(self) -> None:
        session = self.client.session
        session["visited"] = True
        session.save()
        before = session.session_key
        assert before is not None
        self.client.cookies[settings.SESSION_COOKIE_NAME] = before
        self.sign_in()
        after = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertNotEqual(before, after)
        self.assertFalse(Session.objects.filter(session_key=before).exists())

    def test_the_session_cookie_is_http_only_and_same_site_lax(self) -> None:
        response = self.sign_in()
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["max-age"], settings.SESSION_COOKIE_AGE)

    @override_settings(SESSION_COOKIE_SECURE=True)
    def test_the_session_cookie_is_secure_when_configured(self) -> None:
        response = self.sign_in()
        self.assertTrue(response.cookies[settings.SESSION_COOKIE_NAME]["secure"])

    def test_the_idle_timeout_is_thirty_minutes_and_sign_in_sets_the_cookies_age(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertEqual(settings.SESSION_RENEW_AFTER_SECONDS, 60)
        response = self.sign_in()
        self.assertEqual(
            response.cookies[settings.SESSION_COOKIE_NAME]["max-age"], settings.SESSION_COOKIE_AGE
        )

    @override_settings(SESSION_COOKIE_AGE=1)
    def test_an_idle_session_expires(self) -> None:
        self.sign_in()
        self.assertEqual(self.client.get(HOME).status_code, 200)
        time.sleep(1.5)
        self.assertRedirects(self.client.get(HOME), f"{LOGIN}?next={HOME}")

    def test_a_person_deactivated_later_is_signed_out_on_the_next_request(self) -> None:
        self.sign_in()
        self.assertEqual(self.client.get(HOME).status_code, 200)
        person = self.account.person
        assert person is not None
        person.status = Status.INACTIVE
        person.save()
        self.assertRedirects(self.client.get(HOME), f"{LOGIN}?next={HOME}")

    def test_an_account_disabled_later_is_signed_out_on_the_next_request(self) -> None:
        self.sign_in()
        Account.objects.filter(pk=self.account.pk).update(is_active=False)
        self.assertRedirects(self.client.get(HOME), f"{LOGIN}?next={HOME}")

    def test_the_signed_in_banner_is_on_the_portal_home(self) -> None:
        self.sign_in()
        response = self.client.get(HOME)
        self.assertContains(response, f"Signed in as Ana Reyes ({self.account.display_username})")
        self.assertContains(response, "not you?")
        self.assertContains(response, f'action="{reverse("accounts:logout")}" method="post"')
        self.assertContains(response, "Sign out")

    def test_the_signed_in_banner_is_on_change_password(self) -> None:
        self.sign_in()
        response = self.client.get(reverse("accounts:change-password"))
        self.assertContains(response, f"Signed in as Ana Reyes ({self.account.display_username})")
        self.assertContains(response, "Sign out")

    def test_no_banner_when_signed_out(self) -> None:
        self.assertNotContains(self.client.get(LOGIN), "Signed in as")

    def test_a_password_change_elsewhere_ends_this_session(self) -> None:
        other_device = FormClient()
        self.sign_in(other_device)
        self.sign_in()
        self.client.post(
            reverse("accounts:change-password"),
            {
                "current_password": DEFAULT_PASSWORD,
                "password1": "a brand new Passphrase 77",
                "password2": "a brand new Passphrase 77",
            },
        )
        self.assertEqual(self.client.get(HOME).status_code, 200)
        self.assertRedirects(other_device.get(HOME), f"{LOGIN}?next={HOME}")
        self.assertNotIn(SESSION_KEY, other_device.session)
