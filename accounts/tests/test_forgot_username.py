"""Forgot My Username: the username is emailed; the page never says whether the
address matched."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Account
from accounts.tests.builders import make_claimed_account, make_person
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient
from directory.models import Person, Status

pytestmark = pytest.mark.django_db

URL = reverse("accounts:forgot-username")
SAME_ANSWER = "If that address belongs to an account, we have emailed its username."
TOO_MANY = "Too many attempts, please try again later."

Ask = Callable[..., Any]


def html_of(message: EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    content, _mimetype = message.alternatives[0]
    return str(content)


def page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def account() -> Account:
    return make_claimed_account()


@pytest.fixture
def email(account: Account) -> str:
    """The district address the account's person has in the directory."""
    assert account.person is not None
    return account.person.email


@pytest.fixture
def ask(client: FormClient, django_capture_on_commit_callbacks) -> Ask:
    """Asks for the username sent to an address, running what waits for the commit
    (the email)."""

    def submit(address: str, **extra: Any):
        with django_capture_on_commit_callbacks(execute=True):
            return client.submit(URL, {"email": address}, **extra)

    return submit


def test_the_help_page_offers_both_options(client):
    response = client.get(reverse("accounts:help"))
    assertContains(response, "Need help?")
    assertContains(response, "Forgot My Username")
    assertContains(response, "Forgot My Password")
    assertContains(response, URL)
    assertContains(response, reverse("accounts:forgot-password"))


def test_it_emails_the_username_to_the_district_address(account, email, ask, mailoutbox):
    response = ask(email.upper())
    assertContains(response, SAME_ANSWER)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [email]
    assert account.display_username in message.body
    assert "username" in message.subject.lower()


def test_an_unknown_address_gets_the_same_page_and_no_email(email, ask, mailoutbox):
    known = page(ask(email))
    unknown = page(ask("nobody@example.org"))
    assert known.replace(email, "") == unknown.replace("nobody@example.org", "")
    assert len(mailoutbox) == 1


def test_the_typed_address_is_not_kept_in_the_form(email, ask):
    assertNotContains(ask(email), email)


def test_a_disabled_account_gets_nothing(account, email, ask, mailoutbox):
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assertContains(ask(email), SAME_ANSWER)
    assert mailoutbox == []


def test_a_person_who_left_gets_nothing(account, email, ask, mailoutbox):
    assert account.person is not None
    account.person.status = Status.INACTIVE
    account.person.save()
    assertContains(ask(email), SAME_ANSWER)
    assert mailoutbox == []


def test_an_unclaimed_person_is_told_to_claim_first(ask, mailoutbox):
    person = make_person(email="new.student@example.org")
    response = ask("new.student@example.org")
    assertContains(response, SAME_ANSWER)
    assert len(mailoutbox) == 1
    assert "not been claimed" in mailoutbox[0].body
    assert "/account/claim/" in mailoutbox[0].body
    assert person.username not in mailoutbox[0].body


def test_a_person_still_inside_the_waiting_period_gets_nothing(ask, mailoutbox):
    make_person(email="brand.new@example.org", claimable=False)
    assertContains(ask("brand.new@example.org"), SAME_ANSWER)
    assert mailoutbox == []


def test_the_email_goes_in_the_accounts_language(account, email, ask, mailoutbox):
    Account.objects.filter(pk=account.pk).update(language="vi")
    ask(email)
    assert '<html lang="vi">' in html_of(mailoutbox[0])


def test_without_a_saved_language_the_email_uses_the_pages_language(email, ask, mailoutbox):
    ask(email, HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in html_of(mailoutbox[0])


def test_an_invalid_address_is_explained(ask):
    response = ask("not-an-address")
    assertContains(response, "Enter an email address")
    assertContains(response, 'aria-describedby="id_email_error"')
    assertContains(response, 'role="alert"')


def test_it_audits_matches_and_misses_without_the_typed_address(account, email, ask):
    ask(email)
    ask("nobody@example.org")
    hit = AuditEvent.objects.get(event_type=EventType.USERNAME_RECOVERED, outcome=Outcome.SUCCESS)
    assert hit.account_id == account.pk
    miss = AuditEvent.objects.get(event_type=EventType.USERNAME_RECOVERED, outcome=Outcome.FAILURE)
    assert "nobody@example.org" not in str(miss.details)


def test_it_is_throttled_per_address(email, ask, mailoutbox, settings):
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 2
    ask("a@example.org", REMOTE_ADDR="10.0.0.5")
    ask("b@example.org", REMOTE_ADDR="10.0.0.5")
    response = ask(email, REMOTE_ADDR="10.0.0.5")
    assertContains(response, TOO_MANY)
    assertNotContains(response, SAME_ANSWER)
    assert mailoutbox == []
    assertContains(ask(email, REMOTE_ADDR="10.0.0.6"), SAME_ANSWER)


def test_an_ipv6_client_is_throttled_per_64(email, ask, mailoutbox, settings):
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 2
    ask("a@example.org", REMOTE_ADDR="2001:db8:5:5::1")
    ask("b@example.org", REMOTE_ADDR="2001:db8:5:5::2")
    response = ask(email, REMOTE_ADDR="2001:db8:5:5:1:2:3:4")
    assertContains(response, TOO_MANY)
    assert mailoutbox == []
    assertContains(ask(email, REMOTE_ADDR="2001:db8:5:6::1"), SAME_ANSWER)


def test_one_address_is_emailed_a_few_times_an_hour_from_any_number_of_addresses(
    email, ask, mailoutbox, settings
):
    settings.RECOVERY_MAX_EMAILS_PER_ADDRESS = 2
    for n in range(4):
        assertContains(ask(email, REMOTE_ADDR=f"10.0.7.{n}"), SAME_ANSWER)
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(
        event_type=EventType.THROTTLED, details__scope="recovery-username-recipient"
    ).exists()
    # Another mailbox is not affected.
    ask("someone.else@example.org", REMOTE_ADDR="10.0.7.9")
    ask(email.upper(), REMOTE_ADDR="10.0.7.8")
    assert len(mailoutbox) == 2


def test_spellings_the_database_matches_to_one_mailbox_share_its_count(
    account, ask, mailoutbox, settings
):
    """PostgreSQL's UPPER() turns a dotless i (U+0131) into "I": each such spelling
    of the address reaches the same mailbox, so it must not earn a count of its own."""
    settings.RECOVERY_MAX_EMAILS_PER_ADDRESS = 2
    assert account.person is not None
    Person.objects.filter(pk=account.person.pk).update(email="mia.lin@example.org")
    dotless = "\u0131"
    spellings = [
        "mia.lin@example.org",
        f"m{dotless}a.lin@example.org",
        f"mia.l{dotless}n@example.org",
        f"m{dotless}a.l{dotless}n@example.org",
    ]
    matched = [s for s in spellings if Person.objects.filter(email__iexact=s).exists()]
    if len(matched) < 3:
        pytest.skip("this database matches only ASCII case (SQLite): no such spellings")
    for n, spelling in enumerate(spellings):
        assertContains(ask(spelling, REMOTE_ADDR=f"10.0.8.{n}"), SAME_ANSWER)
    assert len(mailoutbox) == 2


def test_a_school_address_may_ask_the_limit_times_the_multiplier(email, ask, settings):
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 2
    settings.SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)
    settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER = 2
    for n in range(3):
        ask(f"n{n}@example.org", REMOTE_ADDR="10.20.0.5")
    assertContains(ask(email, REMOTE_ADDR="10.20.0.5"), SAME_ANSWER)
    response = ask(email, REMOTE_ADDR="10.20.0.5")
    assertContains(response, TOO_MANY)
