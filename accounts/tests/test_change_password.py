"""Signed in: change the password (the current one is needed)."""

from __future__ import annotations

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import PasswordHistory
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

URL = reverse("accounts:change-password")
NEW = "Another Long Passphrase 31"


class ChangePasswordTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        self.account = make_claimed_account()
        self.client.force_login(self.account)

    def change(self, current: str, new: str, again: str | None = None):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                URL,
                {"current_password": current, "password1": new, "password2": again or new},
                follow=True,
            )

    def test_it_needs_to_be_signed_in(self) -> None:
        self.client.logout()
        self.assertRedirects(self.client.get(URL), f"{reverse('accounts:login')}?next={URL}")

    def test_the_form_has_labelled_fields(self) -> None:
        response = self.client.get(URL)
        for name in ["current_password", "password1", "password2"]:
            self.assertContains(response, f'<label for="id_{name}">')

    def test_it_changes_the_password_and_keeps_the_session(self) -> None:
        response = self.change(DEFAULT_PASSWORD, NEW)
        self.assertRedirects(response, reverse("portal:home"))
        self.assertContains(response, "Your password has been changed.")
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(NEW))
        self.assertEqual(self.client.get(reverse("portal:home")).status_code, 200)
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.PASSWORD_CHANGED, account=self.account
            ).exists()
        )
        self.assertEqual(PasswordHistory.objects.filter(account=self.account).count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn(NEW, mail.outbox[0].body)

    def test_a_wrong_current_password_is_refused(self) -> None:
        response = self.change("not my password", NEW)
        self.assertContains(response, "Your current password is not correct.")
        self.assertContains(response, 'aria-describedby="id_current_password_error"')
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(DEFAULT_PASSWORD))
        event = AuditEvent.objects.get(event_type=EventType.PASSWORD_CHECK_FAILED)
        self.assertEqual(
            (event.outcome, event.account_id, event.details),
            (Outcome.FAILURE, self.account.pk, {"purpose": "change_password"}),
        )
        self.assertEqual(event.ip_address, "127.0.0.1")

    def test_the_current_password_cannot_be_reused(self) -> None:
        response = self.change(DEFAULT_PASSWORD, DEFAULT_PASSWORD)
        self.assertContains(response, "Passwords cannot be reused")

    def test_an_earlier_password_cannot_be_reused(self) -> None:
        self.change(DEFAULT_PASSWORD, NEW)
        response = self.change(NEW, DEFAULT_PASSWORD)
        self.assertContains(response, "Passwords cannot be reused")

    def test_the_two_new_passwords_must_match(self) -> None:
        response = self.change(DEFAULT_PASSWORD, NEW, NEW + "x")
        self.assertContains(response, "The passwords do not match.")

    def test_the_password_may_not_contain_the_username(self) -> None:
        response = self.change(DEFAULT_PASSWORD, f"{self.account.username}-secure-9")
        self.assertContains(response, "cannot contain your username")

    def test_no_password_appears_in_the_audit_log(self) -> None:
        self.change(DEFAULT_PASSWORD, NEW)
        for event in AuditEvent.objects.all():
            self.assertNotIn(NEW, str(event.details))
            self.assertNotIn(DEFAULT_PASSWORD, str(event.details))


class CurrentPasswordGuessingTests(TestCase):
    """Someone at a device left signed in must not try current passwords at will:
    failures count against the account like failed sign-ins."""
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()
        self.client.force_login(self.account)

    def tearDown(self) -> None:
        cache.clear()

    @override_settings(LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    def test_guessing_the_current_password_is_throttled(self) -> None:
        for n in range(3):
            response = self.client.post(
                URL, {"current_password": f"guess {n}", "password1": NEW, "password2": NEW}
            )
            self.assertContains(response, "Your current password is not correct.")

        response = self.client.post(
            URL, {"current_password": DEFAULT_PASSWORD, "password1": NEW, "password2": NEW}
        )

        self.assertContains(response, "Too many attempts, please try again later.")
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(DEFAULT_PASSWORD))
        # The same counter guards sign-in: the guesser cannot go on there either.
        signed_in = FormClient().post(
            reverse("accounts:login"),
            {"username": self.account.username, "password": DEFAULT_PASSWORD},
        )
        self.assertEqual(signed_in.status_code, 200)
        blocked = AuditEvent.objects.filter(
            event_type=EventType.THROTTLED, account=self.account,
            details__purpose="change_password",
        )
        self.assertEqual(blocked.count(), 1)
        self.assertEqual(
            AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHECK_FAILED).count(), 3
        )

