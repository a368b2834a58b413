"""A browser calling the portal's WSGI application, and claimed accounts to sign in
with: shared by the sign-in and session benchmarks (after django.setup())."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

PASSWORD = "Benchmark Passphrase 2026"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"
HEADERS = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9",
}


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    body: bytes


class Browser:
    """One visitor with its own cookies, calling hallpass.wsgi.application as a WSGI
    server does. Each response is read and closed, which sends request_finished:
    Django keeps or closes its database connections there, as on a server (Django's
    test Client switches that handling off)."""

    def __init__(self, address: str = "10.0.0.1") -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self._call({"REQUEST_METHOD": "GET", "PATH_INFO": path})

    def post(self, path: str, data: dict[str, str]) -> Response:
        body = urlencode(data).encode()
        return self._call({
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "wsgi.input": io.BytesIO(body),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)), "HTTP_ORIGIN": f"http://{HOST}",
        })

    def form(self, path: str, **fields: str) -> dict[str, str]:
        """GET the page (its CSRF cookie and token), then the fields to post back."""
        match = CSRF_TOKEN.search(self.get(path).body.decode())
        assert match, f"no CSRF token on {path}"
        return {**fields, "csrfmiddlewaretoken": match.group(1)}

    def _call(self, request: dict[str, Any]) -> Response:
        from hallpass.wsgi import application

        environ: dict[str, Any] = {
            **HEADERS, **request, "REMOTE_ADDR": self.address, "HTTP_HOST": HOST,
            "wsgi.errors": sys.stderr,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        setup_testing_defaults(environ)
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            started.append((status, headers))
            return None  # no write() callable: Django returns its body instead

        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        status, headers = started[0]
        location = ""
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie(value)
                self.cookies.update({morsel.key: morsel.value for morsel in cookie.values()})
            elif name.lower() == "location":
                location = value
        return Response(int(status.split()[0]), location, body)


def make_claimed_accounts(count: int) -> list[str]:
    """Usernames of `count` people who have claimed their accounts with PASSWORD,
    stored as a claim stores them."""
    from accounts.tests.builders import make_claimed_account

    return [make_claimed_account(password=PASSWORD).username for _ in range(count)]
