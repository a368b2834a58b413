"""Forgot My Password shows the username in the portal's one display form, and its
step bar marks the steps already done."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

START = reverse("accounts:forgot-password")
QUESTIONS = reverse("accounts:forgot-password-questions")
NEW = reverse("accounts:forgot-password-new")
DONE = reverse("accounts:forgot-password-done")
NEW_PASSWORD = "Fresh Start Passphrase 2026"


def done_steps(body: bytes) -> list[str]:
    steps = re.search(rb'<ol class="steps".*?</ol>', body, re.S)
    assert steps is not None, "no step bar"
    return re.findall(r'<li class="done">([^<]+)', steps.group(0).decode())


def current_step(body: bytes) -> str:
    match = re.search(rb'<li aria-current="step">([^<]+)', body)
    assert match is not None
    return match.group(1).decode()


def recover(client: FormClient, account: Account, typed: str) -> list[bytes]:
    """Every page of the way through, as a person typing `typed` sees them."""
    pages = [client.get(START).content]
    assert client.submit(START, {"username": typed}).status_code == 302
    pages.append(client.get(QUESTIONS).content)
    answers = {f"answer_{qid}": text for qid, text in answers_for().items()}
    assert client.submit(QUESTIONS, answers)["Location"] == NEW
    pages.append(client.get(NEW).content)
    response = client.submit(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == DONE
    pages.append(client.get(DONE).content)
    return pages


@pytest.mark.parametrize("typed", ["s0123456", "S0123456", " s0123456 "])
def test_every_step_shows_a_students_username_as_the_portal_does(client, typed):
    account = make_claimed_account(identifier="123456")
    _start, questions, new, done = recover(client, account, typed)
    for page in (questions, new, done):
        assert b"S0123456" in page
        assert b"s0123456" not in page
    assert b"You can now sign in as S0123456 with your new password." in done
    assert account.display_username == "S0123456"


def test_a_username_nobody_has_is_shown_the_same_way(client):
    client.submit(START, {"username": "s0999999"})
    page = client.get(QUESTIONS).content
    assert b"S0999999" in page
    assert b"s0999999" not in page


def test_the_step_bar_marks_the_steps_done(client):
    account = make_claimed_account()
    start, questions, new, done = recover(client, account, account.username)
    assert done_steps(start) == []
    assert current_step(start) == "Username"
    assert done_steps(questions) == ["Username"]
    assert done_steps(new) == ["Username", "Challenge questions"]
    assert done_steps(done) == ["Username", "Challenge questions", "New password"]
    assert DEFAULT_PASSWORD != NEW_PASSWORD
