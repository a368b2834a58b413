"""Hallpass's rules for Django OAuth Toolkit's OpenID Connect provider.

One validator subclass (OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"]) holds them, at
the extension points the toolkit documents: the claims and the opaque `sub`,
the scopes each app was given, PKCE for public clients, exact redirect addresses,
refusing accounts that may no longer sign in, and auditing each token issued.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from oauth2_provider.models import AbstractApplication, Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request

from accounts.authentication import may_sign_in
from accounts.models import Account
from audit.models import EventType, Outcome
from audit.services import record
from sso import claims as sso_claims
from sso.models import App

OPENID = "openid"


def app_of(client: Application | None) -> App | None:
    if client is None:
        return None
    return App.objects.filter(oidc_client=client).first()


def allowed_scopes(client: Application | None) -> set[str]:
    """openid, and the data sets the district gave the client's app."""
    app = app_of(client)
    return {OPENID, *(app.data_sets if app is not None else ())}


class HallpassValidator(OAuth2Validator):  # type: ignore[misc]
    # Which scope releases each claim (the toolkit filters claims by it).
    oidc_claim_scope = {
        "sub": OPENID,
        **{
            claim: data_set
            for data_set, names in sso_claims.CLAIMS_BY_DATA_SET.items()
            for claim in names
        },
    }

    # -- Claims -------------------------------------------------------------------
    def get_oidc_claims(self, token: Any, token_handler: Any, request: Request) -> dict[str, Any]:
        """The claims of the scopes granted: an app receives nothing it was not
        given, whatever it asked for (the grant's scopes were checked against the
        app by validate_scopes)."""
        user = request.user
        if not isinstance(user, Account):
            return {}
        granted = set(request.scopes) & allowed_scopes(request.client)
        return sso_claims.claims_for(user, granted)

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", *self.oidc_claim_scope.keys() - {"sub"}]

    # -- What a client may ask for ----------------------------------------------------
    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Application, request: Request,
        *args: Any, **kwargs: Any,
    ) -> bool:
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        return set(scopes) <= allowed_scopes(client)

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """Exactly one of the registered addresses, character for character: no
        extra query string, path or port (RFC 9700 section 4.1.3)."""
        return redirect_uri in request.client.redirect_uris.split()

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        """PKCE (S256: the toolkit refuses "plain") for public clients, which hold
        no secret; a confidential client may use it too, and then must finish it."""
        client = getattr(request, "client", None)
        if not isinstance(client, Application):
            client = Application.objects.filter(client_id=client_id).first()
        return client is None or client.client_type == AbstractApplication.CLIENT_PUBLIC

    # -- Accounts that may no longer sign in -------------------------------------------
    # Their tokens are ended when that happens (sso.services); these checks refuse
    # whatever was issued in between.
    def validate_code(
        self, client_id: str, code: str, client: Application, request: Request,
        *args: Any, **kwargs: Any,
    ) -> bool:
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return bool(valid) and may_sign_in(request.user)

    def validate_refresh_token(
        self, refresh_token: str, client: Application, request: Request,
        *args: Any, **kwargs: Any,
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and may_sign_in(request.user)

    def validate_bearer_token(self, token: str, scopes: list[str], request: Request) -> bool:
        valid = super().validate_bearer_token(token, scopes, request)
        return bool(valid) and may_sign_in(request.user)

    # -- Audit ----------------------------------------------------------------------------
    def save_bearer_token(
        self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        with transaction.atomic():
            super().save_bearer_token(token, request, *args, **kwargs)
            record(
                EventType.SSO_TOKEN_ISSUED,
                Outcome.SUCCESS,
                request=self.build_http_request(request),
                account=request.user,
                details={
                    "client_id": request.client.client_id,
                    "grant_type": request.grant_type,
                    "scope": " ".join(request.scopes),
                },
            )
