"""Security headers on every response: Content-Security-Policy (django-csp) and
Permissions-Policy; and pages that need no inline script or style to keep to them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Account

pytestmark = pytest.mark.django_db

PUBLIC_PAGE = "/account/login/"


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(Account.objects.create_superuser("tech1", "Tech-Pass-Long-1"))
    return client


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_security_headers(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # Scripts and styles fall back to default-src: this site's files only.
    assert not {"script-src", "style-src", "script-src-attr", "style-src-attr"} & set(policy)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"].split(", ")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in permissions


def test_a_public_page_carries_the_security_headers():
    response = Client().get(PUBLIC_PAGE)
    assert response.status_code == 200
    assert_security_headers(response)


def test_an_admin_page_carries_the_security_headers(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_static_files_and_error_pages_carry_the_security_headers():
    assert_security_headers(Client().get("/static/hallpass/logo.svg"))
    assert_security_headers(Client().get("/no-such-page/"))


INLINE = {
    "a <style> block": re.compile(r"<style", re.I),
    "a script without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "an on*= handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def test_no_template_needs_inline_script_or_style():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for root in roots
        for path in root.rglob("*.html")
        if "emails" not in path.parts  # mail is not a page: no policy applies there
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert not found, found
