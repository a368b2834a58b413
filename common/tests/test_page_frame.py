"""The page frame around every page: the language switcher's markup, the district's
name, logo, colours and help contacts, messages, and the error pages."""

from __future__ import annotations

import itertools
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase, override_settings

from common.context_processors import (
    DEFAULT_ACCENT_COLOR,
    DEFAULT_PRIMARY_COLOR,
    contrast_ratio,
    text_color_on,
    valid_hex_color,
)
from common.templatetags.hallpass import tel_href
from common.tests.client import FormClient
from common.views import server_error

# A form endpoint on every page (the language switcher), for the expired-form page.
SWITCH_URL = "/language/"
# Any page built on base.html that needs no other app's view: the 404 page.
ANY_PAGE = "/no-such-page/"


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match is not None, "no <html lang> on the page"
    return match.group(1).decode()


@override_settings(DEBUG=False)
class PageFrameTests(TestCase):
    client_class = FormClient

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
        self.assertIn(str(district["support_center_name"]), content)

    def test_signed_out_pages_show_no_signed_in_banner(self) -> None:
        response = self.client.get(ANY_PAGE)
        self.assertNotContains(response, "Signed in as", status_code=404)

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

    def test_the_branding_stylesheet_holds_only_the_two_validated_colours(self) -> None:
        hostile = {
            **settings.DISTRICT,
            "primary_color": "red}</style><script>alert(1)</script>",
            "accent_color": "#ABC",
        }
        with self.settings(DISTRICT=hostile):
            page = self.client.get(ANY_PAGE).content.decode()
            links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
            stylesheet = self.client.get(links[-1])
        self.assertNotIn("<script>", page)
        self.assertNotIn("<style", page)
        self.assertNotIn(" style=", page)
        self.assertEqual(stylesheet.status_code, 200)
        self.assertEqual(stylesheet["Content-Type"], "text/css; charset=utf-8")
        self.assertEqual(
            stylesheet.content.decode(),
            f":root{{--brand:{DEFAULT_PRIMARY_COLOR};--accent:#aabbcc}}\n",
        )

    def test_new_colours_get_a_new_stylesheet_address_which_browsers_may_keep(self) -> None:
        def stylesheet_link(primary: str) -> str:
            with self.settings(DISTRICT={**settings.DISTRICT, "primary_color": primary}):
                page = self.client.get(ANY_PAGE).content.decode()
            return str(re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)[-1])

        first, second = stylesheet_link("#0b5394"), stylesheet_link("#7a1f5c")
        self.assertNotEqual(first, second)
        self.assertEqual(stylesheet_link("#0B5394"), first)
        response = self.client.get(first)
        self.assertIn("max-age=31536000", response["Cache-Control"])
        self.assertIn("immutable", response["Cache-Control"])

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
