"""What the provider refuses: wrong or extra redirect addresses, codes used twice,
PKCE missing or wrong, tampered or expired ID tokens, scopes an app was not
given; and every refusal is audited."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
import requests
import time_machine
from django.utils import timezone
from joserfc.errors import BadSignatureError, ExpiredTokenError

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD
from audit.models import AuditEvent, EventType
from common import throttle
from sso.models import DataSet
from sso.oidc import limits
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import REDIRECT_URI, Browser, RelyingParty

HIDDEN_FIELD = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


@pytest.fixture
def signed_in(site: str, student: Account) -> Browser:
    browser = Browser(site)
    assert browser.sign_in(student.username, DEFAULT_PASSWORD).status_code == 302
    return browser


@pytest.fixture
def rp(site: str) -> RelyingParty:
    _app, credentials = make_oidc_app("Classroom")
    return RelyingParty(site, credentials.client_id)


def refusals() -> list[str]:
    return [
        event.details["error"]
        for event in AuditEvent.objects.filter(event_type=EventType.SSO_TOKEN_REFUSED)
    ]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.org/callback",
        REDIRECT_URI + "?extra=1",
        REDIRECT_URI + "/more",
        REDIRECT_URI.replace("https://", "http://"),
        "https://app.example.org:8443/callback",
    ],
    ids=["other-site", "extra-query", "longer-path", "other-scheme", "other-port"],
)
def test_only_the_registered_redirect_address_is_accepted(site, signed_in, redirect_uri):
    _app, credentials = make_oidc_app("Classroom")
    rp = RelyingParty(site, credentials.client_id, redirect_uri=redirect_uri)
    login = rp.authorization_request()
    response = signed_in.follow_until_leaving(login.url)
    # Never sent to the address it named: an error page on Hallpass instead.
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert refusals() == ["invalid_request"]


def test_a_code_works_once(signed_in, rp):
    login = rp.authorization_request()
    callback = login.callback_from(signed_in.follow_until_leaving(login.url))
    login.fetch_token(callback)
    again = requests.post(rp.metadata["token_endpoint"], data={
        "grant_type": "authorization_code", "code": login.code_of(callback),
        "redirect_uri": REDIRECT_URI, "client_id": rp.client_id, "code_verifier": login.verifier,
    }, timeout=10)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert refusals() == ["invalid_grant"]


def test_a_code_expires_after_a_minute(signed_in, rp):
    login = rp.authorization_request()
    callback = login.callback_from(signed_in.follow_until_leaving(login.url))
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = requests.post(rp.metadata["token_endpoint"], data={
            "grant_type": "authorization_code", "code": login.code_of(callback),
            "redirect_uri": REDIRECT_URI, "client_id": rp.client_id,
            "code_verifier": login.verifier,
        }, timeout=10)
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("verifier", ["", "x" * 50], ids=["missing", "wrong"])
def test_the_pkce_verifier_must_match(signed_in, rp, verifier):
    login = rp.authorization_request()
    callback = login.callback_from(signed_in.follow_until_leaving(login.url))
    data = {"grant_type": "authorization_code", "code": login.code_of(callback),
            "redirect_uri": REDIRECT_URI, "client_id": rp.client_id}
    if verifier:
        data["code_verifier"] = verifier
    response = requests.post(rp.metadata["token_endpoint"], data=data, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_request")


def test_a_public_client_must_use_pkce(signed_in, rp):
    client = rp.session()
    url, _state = client.create_authorization_url(rp.metadata["authorization_endpoint"],
                                                  nonce="n-1")
    url = url.replace("&code_challenge_method=S256", "")
    response = signed_in.follow_until_leaving(url)
    assert "error=invalid_request" in response.headers.get("Location", "")
    assert refusals() == ["invalid_request"]


def test_plain_pkce_is_refused(signed_in, rp):
    client = rp.session()
    url, _state = client.create_authorization_url(
        rp.metadata["authorization_endpoint"], nonce="n-1", code_challenge="a" * 43,
        code_challenge_method="plain",
    )
    response = signed_in.follow_until_leaving(url)
    assert "error=" in response.headers.get("Location", "") or response.status_code == 400


def test_a_tampered_id_token_fails_verification(signed_in, rp):
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["preferred_username"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        rp.verify_id_token(f"{header}.{forged}.{signature}", nonce=login.nonce)


def test_an_expired_id_token_fails_verification(signed_in, rp, settings):
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))
    lifetime = settings.OAUTH2_PROVIDER["ID_TOKEN_EXPIRE_SECONDS"]
    with time_machine.travel(timezone.now() + timedelta(seconds=lifetime + 5)), \
            pytest.raises(ExpiredTokenError):
        rp.verify_id_token(token["id_token"], nonce=login.nonce)


def test_a_wrong_nonce_fails_verification(signed_in, rp):
    login = rp.authorization_request()
    token = login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))
    with pytest.raises(Exception, match="nonce"):
        rp.verify_id_token(token["id_token"], nonce="another-nonce")


def test_a_student_cannot_get_a_scope_their_app_was_not_given(site, signed_in):
    _app, credentials = make_oidc_app("Reading", data_sets=[DataSet.PROFILE])
    rp = RelyingParty(site, credentials.client_id)
    login = rp.authorization_request(scope="openid profile roster")
    response = signed_in.follow_until_leaving(login.url)
    assert "error=invalid_scope" in response.headers["Location"]
    assert refusals() == ["invalid_scope"]


def test_an_unapproved_app_asks_first_and_cancel_refuses(site, signed_in):
    _app, credentials = make_oidc_app("Quiz Maker", approved=False)
    rp = RelyingParty(site, credentials.client_id)
    login = rp.authorization_request()
    page = signed_in.follow_until_leaving(login.url)
    assert page.status_code == 200
    assert "Sign in to Quiz Maker" in page.text
    assert "Your role, your schools and your grade" in page.text
    fields = {
        name: value
        for name, value in HIDDEN_FIELD.findall(page.text)
        if name != "csrfmiddlewaretoken"
    }
    cancelled = signed_in.post_form("/oidc/authorize/", page, fields)
    assert "error=access_denied" in cancelled.headers["Location"]
    allowed = signed_in.post_form("/oidc/authorize/", page, {**fields, "allow": "on"})
    callback = login.callback_from(allowed)
    assert login.fetch_token(callback)["id_token"]


def test_a_successful_exchange_gives_its_attempt_back(signed_in, rp):
    login = rp.authorization_request()
    login.fetch_token(login.callback_from(signed_in.follow_until_leaving(login.url)))
    assert throttle.count(limits.client_counter(rp.client_id, "127.0.0.1")) == 0
    assert throttle.count(limits.address_counter("127.0.0.1")) == 0
