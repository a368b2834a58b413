"""Signed in: change the challenge questions (the current password is needed)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.challenges import active_questions, check_answers
from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

URL = reverse("accounts:change-challenges")


@pytest.fixture
def account(client: FormClient) -> Account:
    """Signed in on `client`."""
    account = make_claimed_account()
    client.force_login(account)
    return account


@pytest.fixture
def new_ids() -> list[int]:
    """Three catalog questions other than the ones the account answered."""
    return list(active_questions().values_list("pk", flat=True)[3:6])


def change(client: FormClient, current: str, answers: list[str], ids: list[int]):
    data = {"current_password": current}
    for n, (qid, text) in enumerate(zip(ids, answers, strict=True), start=1):
        data[f"question_{n}"] = str(qid)
        data[f"answer_{n}"] = text
    return client.submit(URL, data, follow=True)


@pytest.mark.usefixtures("account")
def test_it_needs_to_be_signed_in(client):
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.usefixtures("account")
def test_the_form_offers_three_questions_and_the_current_password(client):
    response = client.get(URL)
    assertContains(response, '<label for="id_current_password">')
    for n in (1, 2, 3):
        assertContains(response, f'<div class="question-list" id="id_question_{n}">')
        assertContains(response, f'<label for="id_answer_{n}">')


def test_it_replaces_the_answers(client, account, new_ids):
    response = change(client, DEFAULT_PASSWORD, ["Green", "Max", "Chicago"], new_ids)
    assertRedirects(response, reverse("portal:home"))
    assertContains(response, "Your challenge questions were successfully updated.")
    new = dict(zip(new_ids, ["green", " MAX ", "chicago"], strict=True))
    assert check_answers(account, new)
    assert not check_answers(account, answers_for())
    assert AuditEvent.objects.filter(
        event_type=EventType.CHALLENGES_CHANGED, account=account
    ).exists()
    event = AuditEvent.objects.get(event_type=EventType.CHALLENGES_CHANGED)
    assert "Green" not in str(event.details)


def test_a_wrong_current_password_changes_nothing(client, account, new_ids):
    response = change(client, "wrong password", ["Green", "Max", "Chicago"], new_ids)
    assertContains(response, "Your current password is not correct.")
    assert check_answers(account, answers_for())
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_CHECK_FAILED)
    assert (event.account_id, event.details) == (account.pk, {"purpose": "change_challenges"})


@pytest.mark.usefixtures("account")
def test_questions_must_differ(client, new_ids):
    same = [new_ids[0]] * 3
    response = change(client, DEFAULT_PASSWORD, ["Green", "Max", "Chicago"], same)
    assertContains(response, "Choose a different question for each.")


@pytest.mark.usefixtures("account")
def test_answers_must_differ(client, new_ids):
    response = change(client, DEFAULT_PASSWORD, ["Green", "green ", "Chicago"], new_ids)
    assertContains(response, "Your answers must all be different.")
