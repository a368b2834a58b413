"""Limits on the token endpoint (common.throttle): failed exchanges per client from
one network, and per address.

A confidential client's secret is stored hashed, so every client authentication
costs a password hash, and every exchange a code or refresh token lookup. An
attempt therefore reserves its place in both counters before the toolkit looks at
it; an exchange that succeeds gives it back, so only failures count (a wrong
secret, an unknown client, a used, expired or guessed code or refresh token).

A client's limit is kept per network: client ids are public (every authorization
request shows one), so a limit shared by every address would let anyone lock an app
out of its sign-ins. A request naming two clients (one in HTTP Basic, another in the
form, which the toolkit falls back to) is counted against both.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest

from common import throttle
from common.net import client_ip, client_network

# A client_id is short; anything longer is not one and is not worth keeping.
CLIENT_ID_MAX = 100


def client_ids_of(request: HttpRequest) -> list[str]:
    """Every client a token request names: in HTTP Basic (client_secret_basic, the
    id form-encoded as RFC 6749 section 2.3.1 says) and in the form's client_id."""
    named = []
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        named.append(unquote(decoded.partition(":")[0].replace("+", " ")))
    named.append(str(request.POST.get("client_id", "")))
    return list(dict.fromkeys(client_id[:CLIENT_ID_MAX] for client_id in named if client_id))


def client_id_of(request: HttpRequest) -> str:
    """The client a token request names first, for the audit row ("" when none)."""
    return next(iter(client_ids_of(request)), "")


def client_counter(client_id: str, ip: str) -> throttle.Counter:
    limit = throttle.Limit(
        "sso-token-client",
        settings.SSO_TOKEN_MAX_FAILURES_PER_CLIENT,
        settings.SSO_TOKEN_LOCKOUT_SECONDS,
    )
    return throttle.Counter(limit, f"{client_id}|{client_network(ip)}")


def address_counter(ip: str) -> throttle.Counter:
    limit = throttle.Limit(
        "sso-token-ip", settings.SSO_TOKEN_MAX_FAILURES_PER_IP, settings.SSO_TOKEN_LOCKOUT_SECONDS
    )
    return throttle.Counter(limit, client_network(ip))


def reserve_token_attempt(request: HttpRequest) -> throttle.Reservation:
    """Count the attempt against its client and its address before the toolkit
    authenticates the client (a hash) and checks the grant."""
    ip = client_ip(request)
    clients = [client_counter(client_id, ip) for client_id in client_ids_of(request)]
    return throttle.reserve(address_counter(ip), *clients)
