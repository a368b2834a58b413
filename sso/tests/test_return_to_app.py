"""Signing in, and claiming an account first, return to the app's authorization
request, which then goes back to the app without asking for a password again."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.urls import reverse

from accounts.tests import claim_helpers
from accounts.tests.builders import DEFAULT_PASSWORD, make_person
from common.tests.client import FormClient
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import REDIRECT_URI

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def authorize_url() -> str:
    _app, credentials = make_oidc_app("Classroom")
    query = urlencode({
        "response_type": "code", "client_id": credentials.client_id,
        "redirect_uri": REDIRECT_URI, "scope": "openid", "state": "s-1",
        "code_challenge": create_s256_code_challenge(generate_token(48)),
        "code_challenge_method": "S256",
    })
    return f"{reverse('oauth2_provider:authorize')}?{query}"


def link_in(page: str, path: str) -> str:
    found = re.search(f'href="({re.escape(path)}[^"]*)"', page)
    assert found, f"no link to {path}"
    return unescape(found.group(1))


def test_signing_in_returns_to_the_authorization_request(client, student, authorize_url):
    to_login = client.get(authorize_url)
    assert to_login.status_code == 302
    login_url = to_login["Location"]
    assert login_url.startswith(LOGIN)

    page = client.get(login_url)
    assert f'name="next" value="{authorize_url}"'.replace("&", "&amp;") in page.content.decode()
    signed_in = client.post(login_url, {
        "username": student.username, "password": DEFAULT_PASSWORD, "next": authorize_url,
    })
    assert signed_in["Location"] == authorize_url
    to_app = client.get(signed_in["Location"])
    assert to_app["Location"].startswith(f"{REDIRECT_URI}?code=")
    assert "state=s-1" in to_app["Location"]


def test_a_failed_sign_in_keeps_the_way_back(client, student, authorize_url):
    login_url = client.get(authorize_url)["Location"]
    client.post(login_url, {"username": student.username, "password": "wrong",
                            "next": authorize_url})
    signed_in = client.post(login_url, {
        "username": student.username, "password": DEFAULT_PASSWORD, "next": authorize_url,
    })
    assert signed_in["Location"] == authorize_url


def test_a_person_without_an_account_claims_it_then_signs_in_back_to_the_app(
    authorize_url,
):
    person = make_person(given_name="Lan", family_name="Tran")
    client = FormClient()
    login_url = client.get(authorize_url)["Location"]
    login_page = client.get(login_url).content.decode()
    claim_link = link_in(login_page, "/account/claim/")
    assert "next=" in claim_link

    client.get(claim_link)
    claim_helpers.identify(client, person)
    claim_helpers.choose_password(client)
    claim_helpers.answer(client)
    done = client.get(claim_helpers.DONE_URL).content.decode()
    sign_in_link = link_in(done, "/account/login/")

    signed_in = client.post(sign_in_link, {
        "username": person.username, "password": claim_helpers.PASSWORD,
        "next": client.get(sign_in_link).context["next"],
    })
    assert signed_in["Location"] == authorize_url
    assert client.get(authorize_url)["Location"].startswith(f"{REDIRECT_URI}?code=")


def test_another_site_is_never_a_way_back(client, student):
    client.get(reverse("accounts:claim") + "?next=https://evil.example.org/")
    assert "claim_next" not in client.session
    signed_in = client.post(LOGIN, {"username": student.username, "password": DEFAULT_PASSWORD,
                                    "next": "https://evil.example.org/"})
    assert signed_in["Location"] == reverse("portal:home")
