"""The token endpoint's limits: failed exchanges per client (from one network) and per address are
refused once spent, before the client's secret is hashed; a successful exchange
gives its attempt back."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from audit.models import AuditEvent, EventType
from common import throttle
from common.tests.client import FormClient
from sso.oidc import limits
from sso.tests.builders import make_oidc_app
from sso.tests.relying_party import REDIRECT_URI

pytestmark = pytest.mark.django_db

TOKEN = reverse("oauth2_provider:token")


def exchange(client: FormClient, client_id: str, secret: str, address: str = "10.1.1.1") -> int:
    response = client.post(TOKEN, {
        "grant_type": "authorization_code", "code": "not-a-code", "redirect_uri": REDIRECT_URI,
        "client_id": client_id, "client_secret": secret,
    }, REMOTE_ADDR=address)
    return int(response.status_code)


def test_wrong_secrets_for_one_client_are_refused_once_its_limit_is_spent(settings):
    settings.SSO_TOKEN_MAX_FAILURES_PER_CLIENT = 3
    _app, credentials = make_oidc_app("Gradebook", confidential=True)
    client = FormClient()
    statuses = [exchange(client, credentials.client_id, "wrong", "10.1.1.1") for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # The right secret is refused too from that network, until the window ends...
    assert exchange(client, credentials.client_id, credentials.client_secret, "10.1.1.1") == 429
    assert throttle.count(limits.client_counter(credentials.client_id, "10.1.1.1")) == 3
    blocked = AuditEvent.objects.filter(event_type=EventType.THROTTLED)
    assert [event.details for event in blocked] == [
        {"scope": "sso-token-client", "client_id": credentials.client_id}
    ] * 2
    # ...but not from the app's own server elsewhere: nobody can lock an app out.
    assert exchange(client, credentials.client_id, credentials.client_secret, "10.1.1.9") == 400


def test_a_client_named_in_the_form_behind_another_in_basic_is_counted_too(settings):
    settings.SSO_TOKEN_MAX_FAILURES_PER_CLIENT = 2
    _app, credentials = make_oidc_app("Gradebook", confidential=True)
    throwaway = base64.b64encode(b"someone-else:x").decode()
    statuses = [
        FormClient().post(TOKEN, {
            "grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI,
            "client_id": credentials.client_id, "client_secret": "wrong",
        }, HTTP_AUTHORIZATION=f"basic {throwaway}").status_code
        for _ in range(3)
    ]  # fmt: skip
    assert statuses == [401, 401, 429]
    assert throttle.count(limits.client_counter(credentials.client_id, "127.0.0.1")) == 2


def test_failures_from_one_address_are_refused_once_its_limit_is_spent(settings):
    settings.SSO_TOKEN_MAX_FAILURES_PER_IP = 2
    client = FormClient()
    statuses = [exchange(client, f"unknown-{n}", "wrong", "10.2.2.2") for n in range(3)]
    assert statuses == [401, 401, 429]
    assert throttle.count(limits.address_counter("10.2.2.2")) == 2
    # Another address is not held back.
    assert exchange(client, "unknown-9", "wrong", "10.2.2.3") == 401


def test_the_client_of_http_basic_authentication_is_the_one_counted():
    _app, credentials = make_oidc_app("Gradebook", confidential=True)
    basic = base64.b64encode(f"{credentials.client_id}:wrong".encode()).decode()
    response = FormClient().post(
        TOKEN, {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 401
    assert throttle.count(limits.client_counter(credentials.client_id, "127.0.0.1")) == 1
