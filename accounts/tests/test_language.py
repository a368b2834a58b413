"""The language a page is served in and the switcher (POST /language/), which saves
a signed-in person's choice on their account; and the signed-in banner."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.builders import make_person
from common.tests.client import FormClient

SWITCH_URL = "/language/"
# Any page built on base.html that needs no other app's view: the 404 page.
ANY_PAGE = "/no-such-page/"


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match is not None, "no <html lang> on the page"
    return match.group(1).decode()


@override_settings(DEBUG=False)
class LanguageChoiceTests(TestCase):
    client_class = FormClient

    def make_account(self, language: str = "") -> Account:
        person = make_person(given_name="Maria", family_name="Lopez")
        return Account.objects.create(
            username=person.username, person=person, language=language, claimed_at=timezone.now()
        )

    def test_it_defaults_to_the_browser_accept_language(self) -> None:
        response = self.client.get(ANY_PAGE, headers={"accept-language": "vi,en;q=0.5"})
        self.assertEqual(html_lang(response.content), "vi")

    def test_it_falls_back_to_english_for_an_unsupported_language(self) -> None:
        response = self.client.get(ANY_PAGE, headers={"accept-language": "de"})
        self.assertEqual(html_lang(response.content), "en")

    def test_switcher_sets_the_cookie_and_returns_to_the_page(self) -> None:
        response = self.client.post(SWITCH_URL, {"language": "es", "next": "/account/login/"})
        self.assertRedirects(response, "/account/login/", fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "es")
        page = self.client.get(ANY_PAGE, headers={"accept-language": "en"})
        self.assertEqual(html_lang(page.content), "es")

    @override_settings(LANGUAGE_COOKIE_SECURE=True)
    def test_the_language_cookie_is_http_only_and_same_site(self) -> None:
        response = self.client.post(SWITCH_URL, {"language": "vi", "next": "/"})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "vi")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertTrue(cookie["secure"])

    def test_switcher_refuses_to_redirect_off_site(self) -> None:
        response = self.client.post(
            SWITCH_URL, {"language": "es", "next": "https://evil.example.com/"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("evil.example.com", response["Location"])

    def test_switcher_only_accepts_post(self) -> None:
        response = self.client.get(SWITCH_URL, {"language": "es"})
        self.assertEqual(response.status_code, 405)

    def test_switcher_saves_the_choice_on_a_signed_in_account(self) -> None:
        account = self.make_account(language="en")
        self.client.force_login(account)
        self.client.post(SWITCH_URL, {"language": "vi", "next": "/"})
        account.refresh_from_db()
        self.assertEqual(account.language, "vi")

    def test_switcher_ignores_an_unknown_language(self) -> None:
        account = self.make_account(language="es")
        self.client.force_login(account)
        self.client.post(SWITCH_URL, {"language": "xx", "next": "/"})
        account.refresh_from_db()
        self.assertEqual(account.language, "es")

    def test_a_signed_in_persons_saved_language_beats_the_device_cookie(self) -> None:
        # A brother chose Spanish on the family laptop; his sister reads Vietnamese.
        account = self.make_account(language="vi")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        self.client.force_login(account)
        response = self.client.get(ANY_PAGE)
        self.assertEqual(html_lang(response.content), "vi")

    def test_the_language_in_use_is_remembered_for_a_person_with_none_saved(self) -> None:
        account = self.make_account(language="")
        self.client.force_login(account)
        self.client.get(ANY_PAGE, headers={"accept-language": "es"})
        account.refresh_from_db()
        self.assertEqual(account.language, "es")

    def test_signed_out_visitors_are_not_affected_by_saved_languages(self) -> None:
        self.make_account(language="vi")
        response = self.client.get(ANY_PAGE, headers={"accept-language": "es"})
        self.assertEqual(html_lang(response.content), "es")


@override_settings(DEBUG=False)
class SignedInBannerTests(TestCase):
    def test_signed_in_pages_say_who_is_signed_in(self) -> None:
        person = make_person(given_name="Maria", family_name="Lopez")
        account = Account.objects.create(
            username=person.username, person=person, claimed_at=timezone.now()
        )
        self.client.force_login(account)
        response = self.client.get(ANY_PAGE, headers={"accept-language": "en"})
        self.assertContains(
            response, f"Signed in as Maria Lopez ({account.display_username})", status_code=404
        )
        self.assertContains(response, "not you?", status_code=404)
        try:
            logout_url = reverse("accounts:logout")
        except NoReverseMatch:
            return  # the sign-out form appears once the login engineer's URL exists
        self.assertContains(
            response, f'action="{logout_url}" method="post"', status_code=404
        )
