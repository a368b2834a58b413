"""Registering apps in the admin: an OpenID Connect client created with the app
(its secret shown once, stored hashed), icons that are images and nothing else."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import Application
from PIL import Image

from accounts.models import Account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient
from sso.models import App
from sso.tests.builders import make_app, make_oidc_app

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sso_app_add")


def image(kind: str = "PNG", size: int = 64) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (size, size), (20, 80, 160)).save(data, format=kind)
    return SimpleUploadedFile(f"icon.{kind.lower()}", data.getvalue())


@pytest.fixture
def it_admin():
    """Django's own test client: the app's form posts multipart, as a browser posts a
    form that takes a file (the icon)."""
    client = Client()
    client.force_login(Account.objects.create_superuser("itadmin", "Long-Admin-Pass-1"))
    return client


def form(**fields: object) -> dict[str, object]:
    return {
        "name": "Gradebook", "description": "", "launch_url": "https://grades.example.org/login",
        "position": "0", "is_active": "on", "name_es": "", "description_es": "",
        "name_vi": "", "description_vi": "", "icon_letter": "", "icon_color": "blue",
        "grades": "", "sign_in": "link", "redirect_uris": "", "post_logout_redirect_uris": "",
        **fields,
    }


def test_a_confidential_client_is_created_with_the_app_and_its_secret_shown_once(it_admin):
    response = it_admin.post(ADD, form(
        sign_in="confidential", redirect_uris="https://grades.example.org/cb",
        data_sets=["profile", "roster"], approved="on", roles=["teacher"],
    ))
    app = App.objects.get(name="Gradebook")
    client = app.oidc_client
    assert client is not None and client.client_type == Application.CLIENT_CONFIDENTIAL
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["credentials"].client_secret
    assert secret in response.content.decode()
    assert client.client_secret != secret  # stored hashed
    assert client.skip_authorization and client.redirect_uris == "https://grades.example.org/cb"
    assert app.data_sets == ["profile", "roster"] and app.roles == ["teacher"]

    # Saved again: the secret is not shown (nor changed).
    page = it_admin.post(reverse("admin:sso_app_change", args=[app.pk]), form(
        sign_in="confidential", redirect_uris="https://grades.example.org/cb",
    ))
    assert page.status_code == 302
    assert Application.objects.get(pk=client.pk).client_secret == client.client_secret


def test_single_sign_on_needs_a_valid_redirect_address(it_admin):
    response = it_admin.post(ADD, form(sign_in="public", redirect_uris=""))
    assert "Single sign-on needs a redirect address." in response.content.decode()
    response = it_admin.post(ADD, form(sign_in="public", redirect_uris="javascript:alert(1)"))
    assert response.context["adminform"].form.has_error("redirect_uris")
    assert not App.objects.filter(name="Gradebook").exists()


def test_a_plain_link_app_loses_its_client(it_admin):
    it_admin.post(ADD, form(sign_in="public", redirect_uris="https://grades.example.org/cb"))
    app = App.objects.get(name="Gradebook")
    client_pk = app.oidc_client_id
    it_admin.post(reverse("admin:sso_app_change", args=[app.pk]), form(sign_in="link"))
    assert App.objects.get(pk=app.pk).oidc_client is None
    assert not Application.objects.filter(pk=client_pk).exists()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_an_icon_is_stored_and_served_for_good(it_admin, client, kind):
    it_admin.post(ADD, form(icon_upload=image(kind)))
    app = App.objects.get(name="Gradebook")
    assert app.icon_type == f"image/{kind.lower()}"
    response = client.get(
        reverse("sso:app-icon", kwargs={"pk": app.pk, "version": app.icon_version})
    )
    assert response["Content-Type"] == app.icon_type
    assert "immutable" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).format == kind
    assert client.get(reverse("sso:app-icon", kwargs={"pk": app.pk, "version": "old"})) \
        .status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("icon.svg", b'<svg xmlns="http://www.w3.org/2000/svg">'
                            b"<script>alert(1)</script></svg>"), "Upload a PNG, JPEG or WebP"),
        (SimpleUploadedFile("icon.gif", b"GIF89a" + b"\0" * 20), "Upload a PNG, JPEG or WebP"),
        (SimpleUploadedFile("icon.png", b"\x89PNG\r\n\x1a\n" + b"x" * 300 * 1024),
         "at most 256 KB"),
    ],
    ids=["svg", "gif", "too-large"],
)
def test_an_icon_that_is_not_a_small_png_jpeg_or_webp_is_refused(it_admin, upload, message):
    response = it_admin.post(ADD, form(icon_upload=upload))
    assert message in response.content.decode()
    assert not App.objects.filter(name="Gradebook").exists()


def test_an_icon_too_many_pixels_wide_is_refused(it_admin, settings):
    settings.SSO_ICON_MAX_PIXELS = 32
    response = it_admin.post(ADD, form(icon_upload=image(size=33)))
    assert "at most 32 pixels" in response.content.decode()


def test_the_launchpad_shows_the_icon(it_admin, client):
    it_admin.post(ADD, form(icon_upload=image()))
    app = App.objects.get(name="Gradebook")
    page = it_admin.get(reverse("portal:home")).content.decode()
    assert reverse("sso:app-icon", kwargs={"pk": app.pk, "version": app.icon_version}) in page


CHANGELIST = reverse("admin:sso_app_changelist")


@pytest.fixture
def it_admin_form() -> FormClient:
    client = FormClient()
    client.force_login(Account.objects.create_superuser("itadmin2", "Long-Admin-Pass-1"))
    return client


def new_secret_action(app: App, **fields: str) -> dict[str, str]:
    return {"action": "new_client_secret", ACTION_CHECKBOX_NAME: str(app.pk), **fields}


def test_replacing_a_client_secret_asks_first_then_shows_the_new_one_once(it_admin_form):
    app, credentials = make_oidc_app("Gradebook", confidential=True)
    client = Application.objects.get(pk=app.oidc_client_id)
    confirm = it_admin_form.post(CHANGELIST, new_secret_action(app))
    assert confirm.status_code == 200
    assert "Yes, replace the secret" in confirm.content.decode()
    assert Application.objects.get(pk=client.pk).client_secret == client.client_secret

    shown = it_admin_form.post(CHANGELIST, new_secret_action(app, confirmed="yes"))
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    secret = shown.context["credentials"].client_secret
    assert secret in shown.content.decode() and secret != credentials.client_secret
    stored = Application.objects.get(pk=client.pk).client_secret
    assert stored != secret and check_password(secret, stored)
    assert not check_password(credentials.client_secret, stored)
    event = AuditEvent.objects.get(event_type=EventType.SSO_CLIENT_SECRET_CHANGED)
    assert event.actor is not None and event.actor.username == "itadmin2"
    assert event.details == {"client_id": client.client_id, "app": "Gradebook"}
    assert secret not in json.dumps(event.details)


@pytest.mark.parametrize("confidential", [False, None], ids=["public client", "plain link"])
def test_only_a_confidential_client_gets_a_new_secret(it_admin_form, confidential):
    app = make_oidc_app("Reader")[0] if confidential is False else make_app("Library")
    response = it_admin_form.post(
        CHANGELIST, new_secret_action(app, confirmed="yes"), follow=True
    )
    assert "Choose one app with a confidential client" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EventType.SSO_CLIENT_SECRET_CHANGED).exists()


def test_two_apps_at_once_are_refused(it_admin_form):
    first, _ = make_oidc_app("Gradebook", confidential=True)
    second, _ = make_oidc_app("Planner", confidential=True)
    response = it_admin_form.post(CHANGELIST, {
        "action": "new_client_secret", ACTION_CHECKBOX_NAME: [str(first.pk), str(second.pk)],
        "confirmed": "yes",
    }, follow=True)
    assert "Choose one app with a confidential client" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EventType.SSO_CLIENT_SECRET_CHANGED).exists()
