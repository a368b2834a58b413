"""The language a page is served in and the switcher (POST /language/), which saves
a signed-in person's choice on their account; and the signed-in banner."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Account
from accounts.tests.builders import make_person

pytestmark = pytest.mark.django_db

SWITCH_URL = "/language/"
# Any page built on base.html that needs no other app's view: the 404 page.
ANY_PAGE = "/no-such-page/"
LANGUAGE_COOKIE = django_settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def _site_error_pages(settings):
    """With DEBUG on, Django answers a missing page with its technical page, not
    the site's own built on base.html."""
    settings.DEBUG = False


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    assert match is not None, "no <html lang> on the page"
    return match.group(1).decode()


def make_account(language: str = "") -> Account:
    person = make_person(given_name="Maria", family_name="Lopez")
    return Account.objects.create(
        username=person.username, person=person, language=language, claimed_at=timezone.now()
    )


def test_a_page_is_in_the_browsers_language_by_default(client):
    response = client.get(ANY_PAGE, headers={"accept-language": "vi,en;q=0.5"})
    assert html_lang(response.content) == "vi"


def test_a_page_falls_back_to_english_for_an_unsupported_language(client):
    response = client.get(ANY_PAGE, headers={"accept-language": "de"})
    assert html_lang(response.content) == "en"


def test_switcher_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(SWITCH_URL, {"language": "es", "next": "/account/login/"})
    assertRedirects(response, "/account/login/", fetch_redirect_response=False)
    assert response.cookies[LANGUAGE_COOKIE].value == "es"
    page = client.get(ANY_PAGE, headers={"accept-language": "en"})
    assert html_lang(page.content) == "es"


def test_the_language_cookie_is_http_only_and_same_site(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(SWITCH_URL, {"language": "vi", "next": "/"})
    cookie = response.cookies[LANGUAGE_COOKIE]
    assert cookie.value == "vi"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"]


def test_switcher_refuses_to_redirect_off_site(client):
    response = client.post(SWITCH_URL, {"language": "es", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_switcher_only_accepts_post(client):
    response = client.get(SWITCH_URL, {"language": "es"})
    assert response.status_code == 405


def test_switcher_saves_the_choice_on_a_signed_in_account(client):
    account = make_account(language="en")
    client.force_login(account)
    client.post(SWITCH_URL, {"language": "vi", "next": "/"})
    account.refresh_from_db()
    assert account.language == "vi"


def test_switcher_ignores_an_unknown_language(client):
    account = make_account(language="es")
    client.force_login(account)
    client.post(SWITCH_URL, {"language": "xx", "next": "/"})
    account.refresh_from_db()
    assert account.language == "es"


def test_a_signed_in_persons_saved_language_beats_the_device_cookie(client):
    # A brother chose Spanish on the family laptop; his sister reads Vietnamese.
    account = make_account(language="vi")
    client.cookies[LANGUAGE_COOKIE] = "es"
    client.force_login(account)
    response = client.get(ANY_PAGE)
    assert html_lang(response.content) == "vi"


def test_the_language_in_use_is_remembered_for_a_person_with_none_saved(client):
    account = make_account(language="")
    client.force_login(account)
    client.get(ANY_PAGE, headers={"accept-language": "es"})
    account.refresh_from_db()
    assert account.language == "es"


def test_signed_out_visitors_are_not_affected_by_saved_languages(client):
    make_account(language="vi")
    response = client.get(ANY_PAGE, headers={"accept-language": "es"})
    assert html_lang(response.content) == "es"


def test_signed_in_pages_say_who_is_signed_in_and_offer_to_sign_out(client):
    account = make_account()
    client.force_login(account)
    response = client.get(ANY_PAGE, headers={"accept-language": "en"})
    assertContains(
        response, f"Signed in as Maria Lopez ({account.display_username})", status_code=404
    )
    assertContains(response, "not you?", status_code=404)
    assertContains(
        response, f'action="{reverse("accounts:logout")}" method="post"', status_code=404
    )
