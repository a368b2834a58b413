"""Single sign-on's writes: ending what apps were given, and the app registry.

Tokens end with the access they came from: when an account is reset or disabled,
its person leaves the district (a directory sync), its password is changed or
reset, or the person signs out of Hallpass (families share devices). The validator
(sso.oidc.validators) refuses a token of an account that may not sign in anyway;
ending the rows here makes that hold for good, and for accounts that may sign in
again (a new password) but must not find the old tokens still working.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from accounts.hooks import AccessEnded
from accounts.models import Account
from audit.models import AuditEvent, EventType, Outcome
from audit.services import record, record_many
from sso.models import App

logger = logging.getLogger(__name__)


def end_tokens(accounts: Q) -> dict[int, int]:
    """End every code, access, refresh and ID token of the accounts matched by
    `accounts` (a filter on Account), in bulk: a sync can deactivate thousands.
    Returns how many access and refresh tokens each account lost (accounts that
    had none are left out)."""
    ids = list(Account.objects.filter(accounts).values_list("pk", flat=True))
    if not ids:
        return {}
    ended: dict[int, int] = {}
    with transaction.atomic():
        live_refresh = RefreshToken.objects.filter(user_id__in=ids, revoked__isnull=True)
        for user_id in live_refresh.values_list("user_id", flat=True):
            ended[user_id] = ended.get(user_id, 0) + 1
        for user_id in AccessToken.objects.filter(user_id__in=ids).values_list(
            "user_id", flat=True
        ):
            ended[user_id] = ended.get(user_id, 0) + 1
        # Revoked rather than deleted, as the toolkit does: a revoked refresh token
        # presented again is recognised as reuse.
        live_refresh.update(revoked=timezone.now())
        AccessToken.objects.filter(user_id__in=ids).delete()
        IDToken.objects.filter(user_id__in=ids).delete()
        Grant.objects.filter(user_id__in=ids).delete()
    return ended


def end_tokens_on_access_ended(event: AccessEnded) -> None:
    """The accounts.hooks hook (settings.ACCOUNT_ACCESS_ENDED_HOOKS)."""
    ended = end_tokens(Q(pk=event.account_id)).get(event.account_id, 0)
    if ended:
        record(
            EventType.SSO_TOKENS_ENDED,
            Outcome.SUCCESS,
            request=event.request,
            account=Account.objects.get(pk=event.account_id),
            details={"reason": event.reason.value, "tokens_ended": ended},
        )


def end_tokens_of_people(person_ids: Iterable[int], *, reason: str, sync_run: int | None) -> int:
    """For a directory sync: one audit row per account that lost tokens."""
    ended = end_tokens(Q(person_id__in=list(person_ids)))
    if not ended:
        return 0
    person_of = dict(
        Account.objects.filter(pk__in=ended).values_list("pk", "person_id")
    )
    record_many(
        AuditEvent(
            event_type=EventType.SSO_TOKENS_ENDED,
            outcome=Outcome.SUCCESS,
            account_id=account_id,
            person_id=person_of.get(account_id),
            details={"reason": reason, "tokens_ended": count, "sync_run": sync_run},
        )
        for account_id, count in ended.items()
    )
    logger.info("Ended the single sign-on tokens of %d accounts", len(ended))
    return len(ended)


# --- The registry: an app's OpenID Connect client ------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """What IT staff decide about an app's OpenID Connect client."""

    confidential: bool
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientCredentials:
    """Shown once to IT staff: the secret is stored only as a hash."""

    client_id: str
    client_secret: str


def do_save_oidc_client(app: App, client: ClientSettings) -> ClientCredentials | None:
    """Create the app's client, or update it. Returns the credentials of a new
    client (or of one made confidential), whose secret is never shown again."""
    with transaction.atomic():
        application = app.oidc_client
        new_secret = None
        client_type = (
            Application.CLIENT_CONFIDENTIAL if client.confidential else Application.CLIENT_PUBLIC
        )
        if application is None:
            application = Application(
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                algorithm=Application.RS256_ALGORITHM,
            )
        if client.confidential and (
            application.pk is None or application.client_type != client_type
        ):
            new_secret = generate_client_secret()
            application.client_secret = new_secret
        elif not client.confidential:
            application.client_secret = ""
        application.client_type = client_type
        application.name = app.name
        application.redirect_uris = " ".join(client.redirect_uris)
        application.post_logout_redirect_uris = " ".join(client.post_logout_redirect_uris)
        application.skip_authorization = app.approved
        application.full_clean(exclude=["user", "client_secret"])
        application.save()
        if app.oidc_client_id != application.pk:
            app.oidc_client = application
            app.save(update_fields=["oidc_client"])
    if new_secret is None:
        return None
    return ClientCredentials(application.client_id, new_secret)


def has_client_secret(app: App) -> bool:
    """Whether the app's client is a confidential one, which holds a secret."""
    client = app.oidc_client
    return client is not None and client.client_type == Application.CLIENT_CONFIDENTIAL


def do_new_client_secret(
    app: App, *, acting_user: Account, request: HttpRequest | None = None
) -> ClientCredentials:
    """A new secret for a confidential client; the old one stops working now (a
    secret that leaked, or left with someone who set the app up). Audited with the
    staff member who asked; the secret itself is stored hashed and never logged."""
    application = app.oidc_client
    if application is None or not has_client_secret(app):
        raise ValueError("Only a confidential client has a secret.")
    secret = generate_client_secret()
    with transaction.atomic():
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
        record(
            EventType.SSO_CLIENT_SECRET_CHANGED,
            Outcome.SUCCESS,
            request=request,
            actor=acting_user,
            details={"client_id": application.client_id, "app": app.name},
        )
    return ClientCredentials(application.client_id, secret)


def do_remove_oidc_client(app: App) -> None:
    """The app becomes a plain link: its client and every token it held go."""
    application = app.oidc_client
    if application is None:
        return
    with transaction.atomic():
        app.oidc_client = None
        app.save(update_fields=["oidc_client"])
        application.delete()
