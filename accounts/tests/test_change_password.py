"""Signed in: change the password (the current one is needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Account, PasswordHistory
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

URL = reverse("accounts:change-password")
NEW = "Another Long Passphrase 31"

Change = Callable[..., Any]


@pytest.fixture
def account(client: Client) -> Account:
    """Signed in on `client`."""
    account = make_claimed_account()
    client.force_login(account)
    return account


@pytest.fixture
def change(client: Client, account: Account, django_capture_on_commit_callbacks) -> Change:
    """Submits the form as the signed-in account, running what waits for the commit
    (the email)."""

    def submit(current: str, new: str, again: str | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                URL,
                {"current_password": current, "password1": new, "password2": again or new},
                follow=True,
            )

    return submit


@pytest.mark.usefixtures("account")
def test_it_needs_to_be_signed_in(client):
    client.logout()
    assertRedirects(client.get(URL), f"{reverse('accounts:login')}?next={URL}")


@pytest.mark.usefixtures("account")
def test_the_form_has_labelled_fields(client):
    response = client.get(URL)
    for name in ["current_password", "password1", "password2"]:
        assertContains(response, f'<label for="id_{name}">')


def test_it_changes_the_password_and_keeps_the_session(client, account, change, mailoutbox):
    response = change(DEFAULT_PASSWORD, NEW)
    assertRedirects(response, reverse("portal:home"))
    assertContains(response, "Your password has been changed.")
    account.refresh_from_db()
    assert account.check_password(NEW)
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEvent.objects.filter(
        event_type=EventType.PASSWORD_CHANGED, account=account
    ).exists()
    assert PasswordHistory.objects.filter(account=account).count() == 1
    assert len(mailoutbox) == 1
    assert NEW not in mailoutbox[0].body


def test_a_wrong_current_password_is_refused(account, change):
    response = change("not my password", NEW)
    assertContains(response, "Your current password is not correct.")
    assertContains(response, 'aria-describedby="id_current_password_error"')
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_CHECK_FAILED)
    assert (event.outcome, event.account_id, event.details) == (
        Outcome.FAILURE, account.pk, {"purpose": "change_password"}
    )
    assert event.ip_address == "127.0.0.1"


def test_the_current_password_cannot_be_reused(change):
    response = change(DEFAULT_PASSWORD, DEFAULT_PASSWORD)
    assertContains(response, "Passwords cannot be reused")


def test_an_earlier_password_cannot_be_reused(change):
    change(DEFAULT_PASSWORD, NEW)
    response = change(NEW, DEFAULT_PASSWORD)
    assertContains(response, "Passwords cannot be reused")


def test_the_two_new_passwords_must_match(change):
    response = change(DEFAULT_PASSWORD, NEW, NEW + "x")
    assertContains(response, "The passwords do not match.")


def test_the_password_may_not_contain_the_username(account, change):
    response = change(DEFAULT_PASSWORD, f"{account.username}-secure-9")
    assertContains(response, "cannot contain your username")


def test_no_password_appears_in_the_audit_log(change):
    change(DEFAULT_PASSWORD, NEW)
    for event in AuditEvent.objects.all():
        assert NEW not in str(event.details)
        assert DEFAULT_PASSWORD not in str(event.details)


def test_guessing_the_current_password_is_throttled(client, account, settings):
    """Someone at a device left signed in must not try current passwords at will:
    failures count against the account like failed sign-ins."""
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for n in range(3):
        response = client.post(
            URL, {"current_password": f"guess {n}", "password1": NEW, "password2": NEW}
        )
        assertContains(response, "Your current password is not correct.")

    response = client.post(
        URL, {"current_password": DEFAULT_PASSWORD, "password1": NEW, "password2": NEW}
    )

    assertContains(response, "Too many attempts, please try again later.")
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)
    # The same counter guards sign-in: the guesser cannot go on there either.
    signed_in = FormClient().post(
        reverse("accounts:login"), {"username": account.username, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 200
    blocked = AuditEvent.objects.filter(
        event_type=EventType.THROTTLED, account=account, details__purpose="change_password",
    )
    assert blocked.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHECK_FAILED).count() == 3


@pytest.mark.parametrize("throttled", [False, True])
def test_a_refused_current_password_says_nothing_about_the_new_one(
    client, account, settings, throttled
):
    """The reuse rule compares the new password with the current one:
    it must not answer while the current password is wrong or throttled, or the page
    would test guesses at the current password without the limit."""
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    if throttled:
        client.post(URL, {"current_password": "guess", "password1": NEW, "password2": NEW})
    response = client.post(
        URL,
        {"current_password": "guess", "password1": DEFAULT_PASSWORD,
         "password2": DEFAULT_PASSWORD},
    )
    assert "current_password" in response.context["form"].errors
    assert "password1" not in response.context["form"].errors
