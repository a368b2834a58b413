"""Signing out: POST only, the session is thrown away, audited."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.test import TestCase
from django.urls import reverse

from accounts.tests.builders import make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

LOGOUT = reverse("accounts:logout")


class LogoutTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        self.account = make_claimed_account()
        self.client.force_login(self.account)

    def test_it_signs_out_and_returns_to_the_login_page(self) -> None:
        response = self.client.post(LOGOUT)
        self.assertRedirects(response, reverse("accounts:login"))
        self.assertNotIn(SESSION_KEY, self.client.session)
        home = self.client.get(reverse("portal:home"))
        self.assertEqual(home.status_code, 302)

    def test_a_get_does_not_sign_out(self) -> None:
        self.assertEqual(self.client.get(LOGOUT).status_code, 405)
        self.assertIn(SESSION_KEY, self.client.session)

    def test_it_requires_the_csrf_token(self) -> None:
        client = FormClient(enforce_csrf_checks=True)
        client.force_login(self.account)
        self.assertEqual(client.post(LOGOUT).status_code, 403)
        self.assertIn(SESSION_KEY, client.session)

    def test_it_is_audited(self) -> None:
        self.client.post(LOGOUT)
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.LOGOUT, account=self.account).exists()
        )

    def test_signing_out_when_signed_out_is_harmless(self) -> None:
        self.client.post(LOGOUT)
        self.assertRedirects(self.client.post(LOGOUT), reverse("accounts:login"))
