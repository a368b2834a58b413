"""The page frame around every page: the language switcher's markup, the district's
name, logo, colours and help contacts, messages, and the error pages."""

from __future__ import annotations

import itertools
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

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

pytestmark = pytest.mark.django_db

# A form endpoint on every page (the language switcher), for the expired-form page.
SWITCH_URL = "/language/"
# Any page built on base.html that needs no other app's view: the 404 page.
ANY_PAGE = "/no-such-page/"
STYLESHEET_LINK = r'<link rel="stylesheet" href="([^"]+)">'


@pytest.fixture(autouse=True)
def _site_error_pages(settings):
    """With DEBUG on, Django answers a missing page with its technical page, not
    the site's own built on base.html."""
    settings.DEBUG = False


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match is not None, "no <html lang> on the page"
    return match.group(1).decode()


def test_every_page_offers_each_language_in_its_own_name(client):
    response = client.get(ANY_PAGE, headers={"accept-language": "vi"})
    content = response.content.decode()
    assert '<label for="language-select">' in content
    for code, name in (("en", "English"), ("es", "Español"), ("vi", "Tiếng Việt")):
        assert f'<option value="{code}" lang="{code}"' in content
        assert f">{name}</option>" in content
    assert '<option value="vi" lang="vi" selected>' in content


def test_every_page_shows_the_district_name_logo_help_contacts_and_a_skip_link(client, settings):
    response = client.get(ANY_PAGE)
    assert response.status_code == 404
    content = response.content.decode()
    district = settings.DISTRICT
    assert 'href="#main"' in content
    assert '<main id="main"' in content
    assert district["name"] in content
    assert f'src="{district["logo_url"]}"' in content
    assert f'href="mailto:{district["help_email"]}"' in content
    assert f'href="tel:{tel_href(district["help_phone"])}"' in content
    assert str(district["support_center_name"]) in content


def test_signed_out_pages_show_no_signed_in_banner(client):
    response = client.get(ANY_PAGE)
    assertNotContains(response, "Signed in as", status_code=404)


def test_messages_are_announced_as_status_with_their_level():
    html = render_to_string(
        "_messages.html",
        {"messages": [Message(messages.SUCCESS, "Your password was changed.")]},
    )
    assertInHTML(
        '<div class="messages" role="status"><p class="notice notice-success">'
        "Your password was changed.</p></div>",
        html,
    )
    assert "role=" not in render_to_string("_messages.html", {"messages": []})


def test_the_branding_stylesheet_holds_only_the_two_validated_colours(client, settings):
    settings.DISTRICT = {
        **settings.DISTRICT,
        "primary_color": "red}</style><script>alert(1)</script>",
        "accent_color": "#ABC",
    }
    page = client.get(ANY_PAGE).content.decode()
    links = re.findall(STYLESHEET_LINK, page)
    stylesheet = client.get(links[-1])
    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"] == "text/css; charset=utf-8"
    assert (
        stylesheet.content.decode()
        == f":root{{--brand:{DEFAULT_PRIMARY_COLOR};--accent:#aabbcc}}\n"
    )


def test_new_colours_get_a_new_stylesheet_address_which_browsers_may_keep(client, settings):
    district = settings.DISTRICT

    def stylesheet_link(primary: str) -> str:
        settings.DISTRICT = {**district, "primary_color": primary}
        page = client.get(ANY_PAGE).content.decode()
        return str(re.findall(STYLESHEET_LINK, page)[-1])

    first, second = stylesheet_link("#0b5394"), stylesheet_link("#7a1f5c")
    assert first != second
    assert stylesheet_link("#0B5394") == first
    settings.DISTRICT = district
    response = client.get(first)
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_a_light_brand_colour_switches_the_header_to_dark_text(client, settings):
    settings.DISTRICT = {**settings.DISTRICT, "primary_color": "#f1c232"}
    response = client.get(ANY_PAGE)
    assert re.search(r'<html [^>]*class="brand-text-dark"', response.content.decode())


def test_the_server_error_page_shows_help_without_touching_the_database(
    settings, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert settings.DISTRICT["name"] in content
    assert settings.DISTRICT["help_email"] in content
    assert "<h1>" in content


def test_an_expired_form_gets_a_friendly_page_in_the_visitors_language():
    client = FormClient(enforce_csrf_checks=True)
    response = client.post(SWITCH_URL, {"language": "es"}, headers={"accept-language": "es"})
    assert response.status_code == 403
    assert html_lang(response.content) == "es"
    assertContains(response, '<main id="main"', status_code=403)


def test_a_brand_colour_may_be_short_or_long_hex():
    assert valid_hex_color("#0B5394", "#000000") == "#0b5394"
    assert valid_hex_color(" #abc ", "#000000") == "#aabbcc"


def test_a_brand_colour_falls_back_on_anything_but_hex():
    for bad in ("red", "#12345", "#1234567", "rgb(0,0,0)", "", None, 42, "#0b5394;x:y"):
        assert valid_hex_color(bad, DEFAULT_ACCENT_COLOR) == DEFAULT_ACCENT_COLOR


def test_the_contrast_ratio_is_wcags_for_black_on_white():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0, abs=0.005)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.005)


def test_text_on_any_brand_colour_meets_aa():
    # Every colour on a 16-step grid, including the mid-greys where neither
    # white nor near-black alone would pass.
    steps = [f"{v:02x}" for v in range(0, 256, 17)]
    for r, g, b in itertools.product(steps, repeat=3):
        background = f"#{r}{g}{b}"
        assert contrast_ratio(text_color_on(background), background) >= 4.5, background


def test_the_default_blue_gets_white_text():
    assert text_color_on(DEFAULT_PRIMARY_COLOR) == "#ffffff"


def test_a_phone_link_keeps_only_what_a_phone_dials():
    assert tel_href("(555) 010-2772") == "5550102772"
    assert tel_href("+1 770 473 2772") == "+17704732772"
