"""A language chosen just before signing in wins over the account's saved one, and is
saved; without a fresh choice the saved language applies."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")


def html_lang(body: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', body)
    assert match is not None
    return match.group(1).decode()


def account_with_language(language: str) -> Account:
    account = make_claimed_account()
    Account.objects.filter(pk=account.pk).update(language=language)
    return account


def sign_in(client: FormClient, account: Account) -> None:
    response = client.post(LOGIN, {"username": account.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize(("saved", "chosen"), [("en", "vi"), ("vi", "es"), ("es", "en")])
def test_a_language_chosen_on_the_sign_in_page_wins_and_is_saved(client, saved, chosen):
    account = account_with_language(saved)
    client.post("/language/", {"language": chosen, "next": LOGIN})
    sign_in(client, account)
    assert html_lang(client.get(HOME).content) == chosen
    account.refresh_from_db()
    assert account.language == chosen


def test_without_a_choice_the_saved_language_applies(client):
    account = account_with_language("vi")
    sign_in(client, account)
    assert html_lang(client.get(HOME, headers={"accept-language": "es"}).content) == "vi"
    account.refresh_from_db()
    assert account.language == "vi"


def test_a_language_cookie_left_on_a_shared_device_is_not_a_choice(client):
    """Another member of the family chose Spanish yesterday: the cookie is the
    device's, and it does not switch this person's saved Vietnamese."""
    account = account_with_language("vi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    sign_in(client, account)
    assert html_lang(client.get(HOME).content) == "vi"
    account.refresh_from_db()
    assert account.language == "vi"


def test_the_choice_is_used_once(client):
    """Signed out and in again as someone else on the same device, without choosing:
    the second person's saved language applies."""
    first = account_with_language("en")
    client.post("/language/", {"language": "vi", "next": LOGIN})
    sign_in(client, first)
    client.post(reverse("accounts:logout"))
    second = account_with_language("es")
    sign_in(client, second)
    assert html_lang(client.get(HOME).content) == "es"
    second.refresh_from_db()
    assert second.language == "es"
