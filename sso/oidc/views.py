"""Django OAuth Toolkit's views, extended where Hallpass needs more: refusals are
audited, and RP-initiated logout accepts ID tokens signed by a retired key and
signs out through Hallpass's own sign-out (audited, tokens ended)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import (
    ClientIdMissmatch,
    InvalidIDTokenError,
    InvalidOIDCClientError,
)
from oauth2_provider.models import Application, IDToken
from oauth2_provider.settings import oauth2_settings

from accounts import login as login_service
from accounts.models import Account
from audit.models import EventType, Outcome
from audit.services import record
from common import throttle
from sso.oidc.limits import CLIENT_ID_MAX, client_id_of, reserve_token_attempt
from sso.oidc.validators import app_of
from sso.services import end_tokens


def _record_refusal(
    request: HttpRequest, *, endpoint: str, error: str, client_id: str, account: Any = None
) -> None:
    record(
        EventType.SSO_TOKEN_REFUSED,
        Outcome.FAILURE,
        request=request,
        account=account if isinstance(account, Account) else None,
        details={"endpoint": endpoint, "error": error, "client_id": client_id[:CLIENT_ID_MAX]},
    )


def app_name(application: Application | None) -> str:
    """The name people know the app by, in their language."""
    if application is None:
        return ""
    app = app_of(application)
    return app.name_for(get_language() or "en") if app is not None else str(application.name)


class AppNameMixin:
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["app_name"] = app_name(context.get("application"))
        return context


class AuthorizationView(AppNameMixin, dot_views.AuthorizationView):  # type: ignore[misc]
    """The authorization endpoint. A signed-out person is sent to Hallpass's sign-in
    page, which comes back here; consent is asked only of apps the district has
    not approved (sso/templates/oauth2_provider/authorize.html)."""

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        oauth_error = getattr(error, "oauthlib_error", error)
        _record_refusal(
            self.request,
            endpoint="authorize",
            error=str(getattr(oauth_error, "error", "invalid_request")),
            client_id=str(self.request.GET.get("client_id") or self.request.POST.get("client_id")
                          or ""),
            account=self.request.user,
        )
        return super().error_response(error, application, **kwargs)  # type: ignore[no-any-return]


class TokenView(dot_views.TokenView):  # type: ignore[misc]
    """The token endpoint: issued tokens are audited by the validator; refusals here,
    with the error the client was given (never the code or token it sent). Failed
    exchanges are limited per client and per address (sso.oidc.limits): a blocked
    attempt is answered 429 before the client's secret is hashed."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client_id = client_id_of(request)
        reservation = reserve_token_attempt(request)
        if reservation.blocked is not None:
            record(
                EventType.THROTTLED,
                Outcome.BLOCKED,
                request=request,
                details={"scope": reservation.blocked.limit.scope, "client_id": client_id},
            )
            refused = JsonResponse({"error": "temporarily_unavailable"}, status=429)
            refused["Retry-After"] = str(reservation.blocked.limit.window_seconds)
            refused["Cache-Control"] = "no-store"
            return refused
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            throttle.release(reservation)
            return response
        try:
            error = str(json.loads(response.content).get("error", "unknown"))
        except ValueError:
            error = "unknown"
        _record_refusal(request, endpoint="token", error=error, client_id=client_id)
        return response


def published_keys() -> jwk.JWKSet:
    """Every key in the JWKS: the signing key and the retired ones still published."""
    keys = jwk.JWKSet()
    for pem in [
        oauth2_settings.OIDC_RSA_PRIVATE_KEY,
        *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
    ]:
        keys.add(jwk.JWK.from_pem(pem.encode()))
    return keys


class RPInitiatedLogoutView(AppNameMixin, dot_views.RPInitiatedLogoutView):  # type: ignore[misc]
    """An app sends the person here to sign out of Hallpass too.

    The id_token_hint is verified against every published key (a token signed
    before a key rotation is still the app's), and an ID token already ended by a
    sign-out elsewhere still names its app: the person is then sent back to the
    app, signed out, instead of seeing an error."""

    def validate_logout_request(
        self, id_token_hint: str | None, client_id: str | None, post_logout_redirect_uri: str | None
    ) -> tuple[Application | None, Any]:
        application: Application | None = None
        user = None
        if id_token_hint:
            claims = self._verified_hint(id_token_hint)
            audience = claims.get("aud")
            audiences = [audience] if isinstance(audience, str) else list(audience or [])
            application = Application.objects.filter(client_id__in=audiences).first()
            if application is None:
                raise InvalidIDTokenError()
            if client_id and client_id != application.client_id:
                raise ClientIdMissmatch()
            id_token = IDToken.objects.filter(jti=str(claims.get("jti", ""))).first()
            user = id_token.user if id_token is not None else None
        elif client_id:
            application = Application.objects.filter(client_id=client_id).first()
            if application is None:
                raise InvalidOIDCClientError()
        self.validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        return application, user

    def _verified_hint(self, id_token_hint: str) -> dict[str, Any]:
        """The hint's claims once its signature and issuer are checked. An expired
        hint is accepted (OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS): an app
        often signs out long after its ID token was issued."""
        try:
            token = jwt.JWT(key=published_keys(), jwt=id_token_hint, check_claims={})
            claims = json.loads(token.claims)
        except (JWException, ValueError, TypeError):
            raise InvalidIDTokenError() from None
        validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
        if not isinstance(claims, dict) or claims.get("iss") != (
            validator.get_oidc_issuer_endpoint(self.request)
        ):
            raise InvalidIDTokenError()
        return claims

    def do_logout(
        self,
        application: Application | None = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        if self.request.user.is_authenticated:
            # Audited and every app's tokens ended, as a sign-out from the portal.
            login_service.do_logout(self.request)
        elif isinstance(token_user, Account):
            end_tokens(Q(pk=token_user.pk))
        return super().do_logout(  # type: ignore[no-any-return]
            application, post_logout_redirect_uri, state, token_user
        )
