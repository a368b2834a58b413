"""The token endpoint's limits hold when requests arrive together, through real
servers (accounts.tests.portal_server): a burst of wrong client secrets reaches the
secret's hash only the limit's worth of times, and the right secret after it is
refused from that network (not from the app's own); a burst of unknown clients from
one address is held to that address's limit."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.tests.portal_server import PortalServers, Reply, serve_portal, together
from sso.tests.relying_party import REDIRECT_URI

TOKEN = "/oidc/token/"
LIMIT = 8
ADDRESS_LIMIT = 2 * LIMIT

SETUP = """
import json
from sso.tests.builders import make_oidc_app
_app, credentials = make_oidc_app("Gradebook", confidential=True)
print(json.dumps([credentials.client_id, credentials.client_secret]))
"""

AUDIT = """
import json
from audit.models import AuditEvent
rows = AuditEvent.objects.filter(ip_address__in=ADDRESSES).values_list("event_type", "details")
print(json.dumps([[kind, details.get("scope", "")] for kind, details in rows]))
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServers]:
    tmp: Path = tmp_path_factory.mktemp("token-portal")
    env = {
        "SSO_TOKEN_MAX_FAILURES_PER_CLIENT": str(LIMIT),
        "SSO_TOKEN_MAX_FAILURES_PER_IP": str(ADDRESS_LIMIT),
    }
    yield from serve_portal(tmp, env)


def exchange(client_id: str, secret: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code", "code": "not-a-code", "redirect_uri": REDIRECT_URI,
        "client_id": client_id, "client_secret": secret,
    }


def audit_of(portal: PortalServers, *addresses: str) -> Counter[tuple[str, str]]:
    rows = portal.run(AUDIT.replace("ADDRESSES", repr(list(addresses))))
    return Counter((kind, scope) for kind, scope in rows)


def test_a_burst_of_wrong_secrets_for_one_client_hashes_only_the_limit(
    portal: PortalServers,
) -> None:
    client_id, secret = portal.run(SETUP)
    # Fewer than the address's limit, so that the client's is the one reached.
    browser = portal.browser("127.0.0.40")
    hashes = portal.hashes()
    replies = together(*(
        functools.partial(browser.request, "POST", TOKEN, exchange(client_id, "wrong"), n)
        for n in range(2 * LIMIT - 2)
    ))
    assert Counter(reply.status for reply in replies) == {401: LIMIT, 429: LIMIT - 2}
    assert portal.hashes() - hashes == LIMIT
    right: Reply = browser.request("POST", TOKEN, exchange(client_id, secret))
    assert right.status == 429
    assert portal.hashes() - hashes == LIMIT
    elsewhere: Reply = portal.browser("127.0.0.41").request(
        "POST", TOKEN, exchange(client_id, secret)
    )
    assert elsewhere.status == 400  # the secret passed; the code is not one
    events = audit_of(portal, "127.0.0.40")
    assert events[("sso.token_refused", "")] == LIMIT
    assert events[("throttled", "sso-token-client")] == LIMIT - 1
    assert "sso.token_issued" not in {kind for kind, _ in events}


def test_a_burst_of_unknown_clients_from_one_address_is_held_to_its_limit(
    portal: PortalServers,
) -> None:
    browser = portal.browser("127.0.0.42")
    replies = together(*(
        functools.partial(browser.request, "POST", TOKEN, exchange(f"nobody-{n}", "x"), n)
        for n in range(3 * LIMIT)
    ))
    refused = 3 * LIMIT - ADDRESS_LIMIT
    assert Counter(reply.status for reply in replies) == {401: ADDRESS_LIMIT, 429: refused}
    events = audit_of(portal, "127.0.0.42")
    assert events[("sso.token_refused", "")] == ADDRESS_LIMIT
    assert events[("throttled", "sso-token-ip")] == refused
