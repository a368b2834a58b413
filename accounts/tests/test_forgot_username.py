"""Forgot My Username: the username is emailed; the page never says whether the
address matched."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account, make_person
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient
from directory.models import Person, Status

URL = reverse("accounts:forgot-username")
SAME_ANSWER = "If that address belongs to an account, we have emailed its username."


def html_alternative(message: EmailMessage) -> tuple[str, str]:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    return str(content), str(mimetype)


def html_of(message: EmailMessage) -> str:
    return html_alternative(message)[0]



def page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


class ForgotUsernameTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()
        assert self.account.person is not None
        self.email = self.account.person.email

    def ask(self, email: str, **extra: Any):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, {"email": email}, **extra)

    def test_the_help_page_offers_both_options(self) -> None:
        response = self.client.get(reverse("accounts:help"))
        self.assertContains(response, "Need help?")
        self.assertContains(response, "Forgot My Username")
        self.assertContains(response, "Forgot My Password")
        self.assertContains(response, URL)
        self.assertContains(response, reverse("accounts:forgot-password"))

    def test_it_emails_the_username_to_the_district_address(self) -> None:
        response = self.ask(self.email.upper())
        self.assertContains(response, SAME_ANSWER)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.email])
        self.assertIn(self.account.display_username, message.body)
        self.assertIn("username", message.subject.lower())

    def test_an_unknown_address_gets_the_same_page_and_no_email(self) -> None:
        known = page(self.ask(self.email))
        unknown = page(self.ask("nobody@example.org"))
        self.assertEqual(known.replace(self.email, ""), unknown.replace("nobody@example.org", ""))
        self.assertEqual(len(mail.outbox), 1)

    def test_the_typed_address_is_not_kept_in_the_form(self) -> None:
        self.assertNotContains(self.ask(self.email), self.email)

    def test_a_disabled_account_gets_nothing(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(is_active=False)
        self.assertContains(self.ask(self.email), SAME_ANSWER)
        self.assertEqual(mail.outbox, [])

    def test_a_person_who_left_gets_nothing(self) -> None:
        assert self.account.person is not None
        self.account.person.status = Status.INACTIVE
        self.account.person.save()
        self.assertContains(self.ask(self.email), SAME_ANSWER)
        self.assertEqual(mail.outbox, [])

    def test_an_unclaimed_person_is_told_to_claim_first(self) -> None:
        person = make_person(email="new.student@example.org")
        response = self.ask("new.student@example.org")
        self.assertContains(response, SAME_ANSWER)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("not been claimed", mail.outbox[0].body)
        self.assertIn("/account/claim/", mail.outbox[0].body)
        self.assertNotIn(person.username, mail.outbox[0].body)

    def test_a_person_still_inside_the_waiting_period_gets_nothing(self) -> None:
        make_person(email="brand.new@example.org", claimable=False)
        self.assertContains(self.ask("brand.new@example.org"), SAME_ANSWER)
        self.assertEqual(mail.outbox, [])

    def test_the_email_goes_in_the_accounts_language(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(language="vi")
        self.ask(self.email)
        html = str(html_of(mail.outbox[0]))
        self.assertIn('<html lang="vi">', html)

    def test_without_a_saved_language_the_email_uses_the_pages_language(self) -> None:
        self.ask(self.email, HTTP_ACCEPT_LANGUAGE="es")
        self.assertIn('<html lang="es">', str(html_of(mail.outbox[0])))

    def test_an_invalid_address_is_explained(self) -> None:
        response = self.ask("not-an-address")
        self.assertContains(response, "Enter an email address")
        self.assertContains(response, 'aria-describedby="id_email_error"')
        self.assertContains(response, 'role="alert"')

    def test_it_audits_matches_and_misses_without_the_typed_address(self) -> None:
        self.ask(self.email)
        self.ask("nobody@example.org")
        hit = AuditEvent.objects.get(
            event_type=EventType.USERNAME_RECOVERED, outcome=Outcome.SUCCESS
        )
        self.assertEqual(hit.account_id, self.account.pk)
        miss = AuditEvent.objects.get(
            event_type=EventType.USERNAME_RECOVERED, outcome=Outcome.FAILURE
        )
        self.assertNotIn("nobody@example.org", str(miss.details))

    @override_settings(RECOVERY_MAX_REQUESTS_PER_IP=2)
    def test_it_is_throttled_per_address(self) -> None:
        self.ask("a@example.org", REMOTE_ADDR="10.0.0.5")
        self.ask("b@example.org", REMOTE_ADDR="10.0.0.5")
        response = self.ask(self.email, REMOTE_ADDR="10.0.0.5")
        self.assertContains(response, "Too many attempts, please try again later.")
        self.assertNotContains(response, SAME_ANSWER)
        self.assertEqual(mail.outbox, [])
        self.assertContains(self.ask(self.email, REMOTE_ADDR="10.0.0.6"), SAME_ANSWER)

    @override_settings(RECOVERY_MAX_REQUESTS_PER_IP=2)
    def test_an_ipv6_client_is_throttled_per_64(self) -> None:
        self.ask("a@example.org", REMOTE_ADDR="2001:db8:5:5::1")
        self.ask("b@example.org", REMOTE_ADDR="2001:db8:5:5::2")
        response = self.ask(self.email, REMOTE_ADDR="2001:db8:5:5:1:2:3:4")
        self.assertContains(response, "Too many attempts, please try again later.")
        self.assertEqual(mail.outbox, [])
        self.assertContains(self.ask(self.email, REMOTE_ADDR="2001:db8:5:6::1"), SAME_ANSWER)

    @override_settings(RECOVERY_MAX_EMAILS_PER_ADDRESS=2)
    def test_one_address_is_emailed_a_few_times_an_hour_from_any_number_of_addresses(
        self,
    ) -> None:
        for n in range(4):
            self.assertContains(self.ask(self.email, REMOTE_ADDR=f"10.0.7.{n}"), SAME_ANSWER)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.THROTTLED, details__scope="recovery-username-recipient"
            ).exists()
        )
        # Another mailbox is not affected.
        self.ask("someone.else@example.org", REMOTE_ADDR="10.0.7.9")
        self.ask(self.email.upper(), REMOTE_ADDR="10.0.7.8")
        self.assertEqual(len(mail.outbox), 2)

    @override_settings(RECOVERY_MAX_EMAILS_PER_ADDRESS=2)
    def test_spellings_the_database_matches_to_one_mailbox_share_its_count(self) -> None:
        """PostgreSQL's UPPER() turns a dotless i (U+0131) into "I": each such spelling
        of the address reaches the same mailbox, so it must not earn a count of its own."""
        assert self.account.person is not None
        Person.objects.filter(pk=self.account.person.pk).update(email="mia.lin@example.org")
        dotless = "\u0131"
        spellings = [
            "mia.lin@example.org",
            f"m{dotless}a.lin@example.org",
            f"mia.l{dotless}n@example.org",
            f"m{dotless}a.l{dotless}n@example.org",
        ]
        matched = [s for s in spellings if Person.objects.filter(email__iexact=s).exists()]
        if len(matched) < 3:
            self.skipTest("this database matches only ASCII case (SQLite): no such spellings")
        for n, spelling in enumerate(spellings):
            self.assertContains(self.ask(spelling, REMOTE_ADDR=f"10.0.8.{n}"), SAME_ANSWER)
        self.assertEqual(len(mail.outbox), 2)

    @override_settings(
        RECOVERY_MAX_REQUESTS_PER_IP=2,
        SCHOOL_NETWORKS=(ipaddress.ip_network("10.20.0.0/16"),),
        SCHOOL_NETWORK_LIMIT_MULTIPLIER=2,
    )
    def test_a_school_address_may_ask_the_limit_times_the_multiplier(self) -> None:
        for n in range(3):
            self.ask(f"n{n}@example.org", REMOTE_ADDR="10.20.0.5")
        self.assertContains(self.ask(self.email, REMOTE_ADDR="10.20.0.5"), SAME_ANSWER)
        response = self.ask(self.email, REMOTE_ADDR="10.20.0.5")
        self.assertContains(response, "Too many attempts, please try again later.")
