"""The language a page is served in, the switcher, and the page frame around it."""

from __future__ import annotations

import itertools
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.builders import make_person
from common.context_processors import (
    DEFAULT_ACCENT_COLOR,
    DEFAULT_PRIMARY_COLOR,
    contrast_ratio,
    text_color_on,
    valid_hex_color,
)
from common.templatetags.hallpass import tel_href
from common.views import server_error

SWITCH_URL = "/language/"
# Any page built on base.html that needs no other app's view: the 404 page.
ANY_PAGE = "/no-such-page/"


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match is not None, "no <html lang> on the page"
    return match.group(1).decode()


@override_settings(DEBUG=False)
class LanguageChoiceTests(TestCase):
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
class PageFrameTests(TestCase):
    def test_every_page_offers_each_language_in_its_own_name(self) -> None:
        response = self.client.get(ANY_PAGE, headers={"accept-language": "vi"})
        content = response.content.decode()
        self.assertIn('<label for="language-select">', content)
        for code, name in (("en", "English"), ("es", "Español"), ("vi", "Tiếng Việt")):
            self.assertIn(f'<option value="{code}" lang="{code}"', content)
            self.assertIn(f">{name}</option>", content)
        self.assertIn('<option value="vi" lang="vi" selected>', content)

    def test_it_shows_the_district_name_logo_help_contacts_and_a_skip_link(self) -> None:
        response = self.client.get(ANY_PAGE)
        self.assertEqual(response.status_code, 404)
        content = response.content.decode()
        district = settings.DISTRICT
        self.assertIn('href="#main"', content)
        self.assertIn('<main id="main"', content)
        self.assertIn(district["name"], content)
        self.assertIn(f'src="{district["logo_url"]}"', content)
        self.assertIn(f'href="mailto:{district["help_email"]}"', content)
        self.assertIn(f'href="tel:{tel_href(district["help_phone"])}"', content)
        self.assertIn(district["support_center_name"], content)

    def test_signed_out_pages_show_no_signed_in_banner(self) -> None:
        response = self.client.get(ANY_PAGE)
        self.assertNotContains(response, "Signed in as", status_code=404)

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

    def test_messages_are_announced_as_status_with_their_level(self) -> None:
        html = render_to_string(
            "_messages.html",
            {"messages": [Message(messages.SUCCESS, "Your password was changed.")]},
        )
        self.assertInHTML(
            '<div class="messages" role="status"><p class="notice notice-success">'
            "Your password was changed.</p></div>",
            html,
        )
        self.assertNotIn("role=", render_to_string("_messages.html", {"messages": []}))

    def test_the_style_block_holds_only_the_two_validated_colours(self) -> None:
        hostile = {
            **settings.DISTRICT,
            "primary_color": "red}</style><script>alert(1)</script>",
            "accent_color": "#ABC",
        }
        with self.settings(DISTRICT=hostile):
            response = self.client.get(ANY_PAGE)
        content = response.content.decode()
        self.assertNotIn("<script>", content)
        styles = re.findall(r"<style>(.*?)</style>", content, re.S)
        self.assertEqual(
            styles, [f":root{{--brand:{DEFAULT_PRIMARY_COLOR};--accent:#aabbcc}}"]
        )
        self.assertNotIn(" style=", content)

    def test_a_light_brand_colour_switches_the_header_to_dark_text(self) -> None:
        with self.settings(DISTRICT={**settings.DISTRICT, "primary_color": "#f1c232"}):
            response = self.client.get(ANY_PAGE)
        self.assertRegex(response.content.decode(), r'<html [^>]*class="brand-text-dark"')

    def test_the_server_error_page_shows_help_without_touching_the_database(self) -> None:
        with self.assertNumQueries(0):
            response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        content = response.content.decode()
        self.assertIn(settings.DISTRICT["name"], content)
        self.assertIn(settings.DISTRICT["help_email"], content)
        self.assertIn("<h1>", content)

    def test_an_expired_form_gets_a_friendly_page_in_the_visitors_language(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(SWITCH_URL, {"language": "es"}, headers={"accept-language": "es"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(html_lang(response.content), "es")
        self.assertContains(response, '<main id="main"', status_code=403)


class BrandColourTests(TestCase):
    def test_it_accepts_short_and_long_hex_colours(self) -> None:
        self.assertEqual(valid_hex_color("#0B5394", "#000000"), "#0b5394")
        self.assertEqual(valid_hex_color(" #abc ", "#000000"), "#aabbcc")

    def test_it_falls_back_on_anything_but_a_hex_colour(self) -> None:
        for bad in ("red", "#12345", "#1234567", "rgb(0,0,0)", "", None, 42, "#0b5394;x:y"):
            self.assertEqual(valid_hex_color(bad, DEFAULT_ACCENT_COLOR), DEFAULT_ACCENT_COLOR)

    def test_it_knows_the_wcag_contrast_of_black_on_white(self) -> None:
        self.assertAlmostEqual(contrast_ratio("#000000", "#ffffff"), 21.0, places=2)
        self.assertAlmostEqual(contrast_ratio("#767676", "#ffffff"), 4.54, places=2)

    def test_text_on_any_brand_colour_meets_aa(self) -> None:
        # Every colour on a 16-step grid, including the mid-greys where neither
        # white nor near-black alone would pass.
        steps = [f"{v:02x}" for v in range(0, 256, 17)]
        for r, g, b in itertools.product(steps, repeat=3):
            background = f"#{r}{g}{b}"
            self.assertGreaterEqual(
                contrast_ratio(text_color_on(background), background), 4.5, background
            )

    def test_it_prefers_white_text_on_the_default_blue(self) -> None:
        self.assertEqual(text_color_on(DEFAULT_PRIMARY_COLOR), "#ffffff")


class TelHrefTests(TestCase):
    def test_it_keeps_only_what_a_phone_dials(self) -> None:
        self.assertEqual(tel_href("(555) 010-2772"), "5550102772")
        self.assertEqual(tel_href("+1 770 473 2772"), "+17704732772")
