"""Reset and disable ask first: a confirmation page lists the accounts and what will
happen to them, as Django's delete does; nothing changes until it is confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Account
from accounts.roles import TECHNICIAN
from accounts.tests.builders import make_claimed_account, make_staff_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_account_changelist")

CONSEQUENCES = {
    "reset_accounts": "The person must claim the account again (Claim My Account) before "
    "they can sign in.",
    "disable_accounts": "The people will not be able to sign in, and whoever is signed in "
    "will be signed out.",
}


FULL_CONSEQUENCES = {
    "reset_accounts": "Each account's password, challenge answers and sessions will be "
    "cleared, and whoever is signed in will be signed out. The person must claim the "
    "account again (Claim My Account) before they can sign in.",
    "disable_accounts": "The people will not be able to sign in, and whoever is signed in "
    "will be signed out. Nothing else changes: enabling an account gives it back as it was.",
}


@pytest.fixture
def tech() -> Account:
    return make_staff_account(TECHNICIAN, given_name="Tomas", family_name="Reyes")


@pytest.fixture
def tech_client(tech: Account) -> FormClient:
    client = FormClient()
    client.force_login(tech)
    return client


def choose(client: FormClient, action: str, *accounts: Account, language: str = "en"):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in accounts]},
        headers={"accept-language": language},
    )


@pytest.mark.parametrize("action", ["reset_accounts", "disable_accounts"])
def test_choosing_the_action_shows_a_confirmation_and_changes_nothing(tech_client, action):
    first = make_claimed_account(given_name="Ana", family_name="Reyes")
    second = make_claimed_account(given_name="Linh", family_name="Trần")
    response = choose(tech_client, action, first, second)
    assert response.status_code == 200
    for account in (first, second):
        assertContains(response, account.display_username)
        assertContains(response, f'name="_selected_action" value="{account.pk}"')
    assertContains(response, "Ana Reyes")
    assertContains(response, "Linh Trần")
    assertContains(response, CONSEQUENCES[action])
    assertContains(response, '<input type="hidden" name="post" value="yes">')
    assertContains(response, f'<input type="hidden" name="action" value="{action}">')
    for account in (first, second):
        account.refresh_from_db()
        assert account.is_claimed and account.is_active
    assert not AuditEvent.objects.filter(
        event_type__in=[EventType.ACCOUNT_RESET, EventType.ACCOUNT_DISABLED]
    ).exists()


def test_confirming_resets_them(tech_client, tech):
    account = make_claimed_account()
    response = tech_client.post(
        CHANGELIST,
        {"action": "reset_accounts", "_selected_action": [account.pk], "post": "yes"},
        follow=True,
    )
    assertContains(response, "1 account was reset; the person must claim it again.")
    account.refresh_from_db()
    assert not account.is_claimed
    assert AuditEvent.objects.get(event_type=EventType.ACCOUNT_RESET).actor_id == tech.pk


def test_the_page_says_which_accounts_a_technician_cannot_touch(tech_client):
    student = make_claimed_account()
    colleague = make_staff_account(TECHNICIAN, given_name="Rosa", family_name="Diaz")
    response = choose(tech_client, "reset_accounts", student, colleague)
    body = response.content.decode()
    line = next(line for line in body.splitlines() if colleague.display_username in line)
    assert "only an IT administrator can act on it" in line
    student_line = next(line for line in body.splitlines() if student.display_username in line)
    assert "left unchanged" not in student_line


def test_enabling_needs_no_confirmation(tech_client):
    account = make_claimed_account()
    Account.objects.filter(pk=account.pk).update(is_active=False)
    response = choose(tech_client, "enable_accounts", account)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_active


@pytest.mark.parametrize("language", ["en", "es", "vi"])
@pytest.mark.parametrize("action", ["reset_accounts", "disable_accounts"])
def test_the_confirmation_is_in_the_staff_members_language(tech, language, action):
    Account.objects.filter(pk=tech.pk).update(language=language)
    client = FormClient()
    client.force_login(Account.objects.get(pk=tech.pk))
    response = choose(client, action, make_claimed_account(), language=language)
    with translation.override(language):
        consequence = translation.gettext(FULL_CONSEQUENCES[action])
    assertContains(response, consequence.replace("'", "&#x27;"))
    if language != "en":
        assertNotContains(response, CONSEQUENCES[action])
