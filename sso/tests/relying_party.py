"""A relying party built on Authlib (OAuth2Session) and joserfc, talking to a live
Hallpass over HTTP, and a person's browser (requests) that signs in.

Nothing here knows Hallpass's internals: the RP reads the discovery document,
verifies ID tokens against the published JWKS and checks their claims with
Authlib's CodeIDToken, as a district's app would."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlparse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REDIRECT_URI = "https://app.example.org/callback"
LOGOUT_REDIRECT_URI = "https://app.example.org/signed-out"


class Browser:
    """A person's browser: cookies, and redirects followed one at a time so that
    the step leaving Hallpass for the app is seen, not fetched."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.session = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.session.get(urljoin(self.site, url), allow_redirects=False, timeout=10)

    def post_form(
        self, url: str, page: requests.Response, data: dict[str, str]
    ) -> requests.Response:
        token = CSRF_FIELD.search(page.text)
        assert token, "no CSRF token on the page"
        return self.session.post(
            urljoin(self.site, url),
            data={"csrfmiddlewaretoken": token.group(1), **data},
            allow_redirects=False,
            timeout=10,
        )

    def sign_in(self, username: str, password: str, next_url: str = "") -> requests.Response:
        login = "/account/login/" + (f"?next={quote(next_url)}" if next_url else "")
        page = self.get(login)
        return self.post_form(login, page, {"username": username, "password": password,
                                            **({"next": next_url} if next_url else {})})

    def follow_until_leaving(self, url: str) -> requests.Response:
        """Follow Hallpass's redirects; stop at the first page or the first
        redirect to another site (the app's callback)."""
        response = self.get(url)
        for _ in range(10):
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303) or not location:
                return response
            target = urljoin(response.url, location)
            if not target.startswith(self.site):
                return response
            response = self.get(target)
        raise AssertionError("too many redirects")


@dataclass
class RelyingParty:
    """One app: its client credentials and Authlib's session."""

    site: str
    client_id: str
    client_secret: str | None = None
    redirect_uri: str = REDIRECT_URI
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.metadata = requests.get(
            urljoin(self.site, "/.well-known/openid-configuration"), timeout=10
        ).json()

    def session(self, scope: str = "openid profile email roster") -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=scope,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
        )

    def authorization_request(self, scope: str = "openid profile email roster") -> Login:
        client = self.session(scope)
        verifier = generate_token(48)
        nonce = secrets.token_urlsafe(16)
        url, state = client.create_authorization_url(
            self.metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
        return Login(self, client, url, state, nonce, verifier)

    def key_set(self) -> KeySet:
        return KeySet.import_key_set(requests.get(self.metadata["jwks_uri"], timeout=10).json())

    def verify_id_token(
        self, id_token: str, *, nonce: str, access_token: str | None = None
    ) -> CodeIDToken:
        """The signature against the published keys, then every ID token claim."""
        decoded = jwt.decode(id_token, self.key_set(), algorithms=["RS256"])
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            options={
                "iss": {"essential": True, "value": self.metadata["issuer"]},
                "aud": {"essential": True, "value": self.client_id},
                "nonce": {"essential": True, "value": nonce},
            },
            params={"nonce": nonce, "client_id": self.client_id, "access_token": access_token},
        )
        claims.validate()
        return claims

    def userinfo(self, access_token: str) -> requests.Response:
        return requests.get(
            self.metadata["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=10,
        )


@dataclass
class Login:
    """One authorization request and what came of it."""

    rp: RelyingParty
    client: OAuth2Session
    url: str
    state: str
    nonce: str
    verifier: str

    def callback_from(self, response: requests.Response) -> str:
        location = response.headers.get("Location", "")
        assert location.startswith(self.rp.redirect_uri), (response.status_code, location)
        return location

    def code_of(self, callback: str) -> str:
        return parse_qs(urlparse(callback).query)["code"][0]

    def fetch_token(self, callback: str, *, verifier: str | None = None) -> dict[str, Any]:
        token: dict[str, Any] = self.client.fetch_token(
            self.rp.metadata["token_endpoint"],
            authorization_response=callback,
            code_verifier=self.verifier if verifier is None else verifier,
        )
        return token
