"""Signing out: POST only, the session is thrown away, audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

LOGOUT = reverse("accounts:logout")


@pytest.fixture
def account() -> Account:
    return make_claimed_account()


@pytest.fixture
def signed_in(client: Client, account: Account) -> Client:
    client.force_login(account)
    return client


def test_it_signs_out_and_returns_to_the_login_page(signed_in):
    response = signed_in.post(LOGOUT)
    assertRedirects(response, reverse("accounts:login"))
    assert SESSION_KEY not in signed_in.session
    home = signed_in.get(reverse("portal:home"))
    assert home.status_code == 302


def test_a_get_does_not_sign_out(signed_in):
    assert signed_in.get(LOGOUT).status_code == 405
    assert SESSION_KEY in signed_in.session


def test_it_requires_the_csrf_token(account):
    client = FormClient(enforce_csrf_checks=True)
    client.force_login(account)
    assert client.post(LOGOUT).status_code == 403
    assert SESSION_KEY in client.session


def test_it_is_audited(signed_in, account):
    signed_in.post(LOGOUT)
    assert AuditEvent.objects.filter(event_type=EventType.LOGOUT, account=account).exists()


def test_signing_out_when_signed_out_is_harmless(signed_in):
    signed_in.post(LOGOUT)
    assertRedirects(signed_in.post(LOGOUT), reverse("accounts:login"))


@pytest.mark.parametrize(
    ("language", "notice"),
    [("en", "You have signed out."), ("es", "Ha cerrado la sesión."), ("vi", "Bạn đã đăng xuất.")],
)
def test_the_sign_in_page_says_you_have_signed_out(client, language, notice):
    account = make_claimed_account()
    Account.objects.filter(pk=account.pk).update(language=language)
    client.force_login(account)
    response = client.post(LOGOUT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assertContains(response, notice)
    assertContains(response, f'<html lang="{language}"')
    # Said once: reloading the page does not repeat it.
    assertNotContains(client.get(reverse("accounts:login")), notice)
