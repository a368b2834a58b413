"""The whole OpenID Connect flow over HTTP, with Authlib as the app: discovery,
sign-in, the code with PKCE, the ID token checked against the published keys,
userinfo, refresh with rotation and RP-initiated logout."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD
from audit.models import AuditEvent, EventType
from sso.models import Subject
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import LOGOUT_REDIRECT_URI, Browser, RelyingParty


@pytest.fixture
def signed_in(site: str, student: Account) -> Browser:
    browser = Browser(site)
    assert browser.sign_in(student.username, DEFAULT_PASSWORD).status_code == 302
    return browser


def test_discovery_names_the_endpoints_keys_and_claims(site):
    metadata = requests.get(f"{site}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == site
    assert metadata["jwks_uri"].startswith(site)
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"][0] == "RS256"
    assert {"openid", "profile", "email", "roster"} <= set(metadata["scopes_supported"])
    assert {"sub", "preferred_username", "email", "role", "schools", "grades"} <= set(
        metadata["claims_supported"]
    )
    assert metadata["end_session_endpoint"].startswith(site)
    keys = requests.get(metadata["jwks_uri"], timeout=10).json()["keys"]
    assert [key["alg"] for key in keys] == ["RS256"]
    assert all("d" not in key for key in keys), "a private key part was published"


def test_a_public_client_signs_a_student_in_with_pkce(site, signed_in, student):
    _app, credentials = make_oidc_app("Classroom")
    rp = RelyingParty(site, credentials.client_id)
    login = rp.authorization_request()

    callback = login.callback_from(signed_in.follow_until_leaving(login.url))
    assert f"state={login.state}" in callback
    token = login.fetch_token(callback)

    claims = rp.verify_id_token(token["id_token"], nonce=login.nonce,
                                access_token=token["access_token"])
    subject = Subject.objects.get(account=student).value
    assert claims["sub"] == str(subject) != student.username
    assert claims["preferred_username"] == student.username
    assert claims["name"] == "Ana Reyes"
    assert claims["given_name"] == "Ana"
    assert claims["family_name"] == "Reyes"
    assert claims["email"] == student.email
    assert claims["role"] == "student"
    assert claims["schools"] == [{"id": claims["schools"][0]["id"], "identifier": "0042",
                                  "name": "Lincoln High School"}]
    assert claims["grades"] == ["09"]
    for withheld in ("identifier", "birthdate", "address", "phone_number"):
        assert withheld not in claims

    info = rp.userinfo(token["access_token"]).json()
    assert info["sub"] == claims["sub"]
    assert info["schools"] == claims["schools"]

    issued = AuditEvent.objects.filter(event_type=EventType.SSO_TOKEN_ISSUED)
    assert issued.get().account_id == student.pk
    assert issued.get().details["client_id"] == credentials.client_id


def test_scopes_decide_which_claims_an_app_receives(site, signed_in, student):
    _app, credentials = make_oidc_app("Library")
    rp = RelyingParty(site, credentials.client_id)
    login = rp.authorization_request(scope="openid profile")
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))
    claims = rp.verify_id_token(token["id_token"], nonce=login.nonce)
    assert claims["preferred_username"] == student.username
    for other in ("email", "role", "schools", "grades"):
        assert other not in claims
    assert "email" not in rp.userinfo(token["access_token"]).json()


def test_a_confidential_client_refreshes_and_each_refresh_token_works_once(
    site, signed_in, student
):
    _app, credentials = make_oidc_app("Gradebook", confidential=True)
    rp = RelyingParty(site, credentials.client_id, credentials.client_secret)
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))

    client = rp.session()
    refreshed = client.refresh_token(rp.metadata["token_endpoint"],
                                     refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert rp.userinfo(refreshed["access_token"]).status_code == 200

    # The first refresh token was used: presented again, it is refused, and the
    # tokens that came from it end too (a copy was stolen, or the app is broken).
    reuse = requests.post(
        rp.metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(credentials.client_id, credentials.client_secret),
        timeout=10,
    )
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    assert AuditEvent.objects.filter(event_type=EventType.SSO_TOKEN_REFUSED).exists()


def test_an_app_signs_the_person_out_of_hallpass_and_back_to_the_app(site, signed_in, student):
    _app, credentials = make_oidc_app("Classroom")
    rp = RelyingParty(site, credentials.client_id)
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))

    response = signed_in.get(
        rp.metadata["end_session_endpoint"]
        + "?"
        + urlencode({
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": LOGOUT_REDIRECT_URI,
            "state": "abc",
        })
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LOGOUT_REDIRECT_URI}?state=abc"
    # Hallpass's session ended, and so did every token the apps were given.
    home = signed_in.get(reverse("portal:home"))
    assert home.status_code == 302 and reverse("accounts:login") in home.headers["Location"]
    assert rp.userinfo(token["access_token"]).status_code == 401
    assert AuditEvent.objects.filter(event_type=EventType.LOGOUT, account=student).exists()
