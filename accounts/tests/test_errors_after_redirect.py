"""A POST with an error is answered by a redirect to its page (post/redirect/get), so
Back never asks to post again; the page then shows the errors and what was typed,
except secrets: passwords, the current password, recovery answers and a challenge
answer that had an error."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.challenges import active_questions
from accounts.tests.builders import (
    DEFAULT_PASSWORD,
    answers_for,
    make_claimed_account,
    make_person,
)
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    CLAIM_URL,
    PASSWORD_URL,
    choose_password,
    identify,
    wizard_token,
)
from accounts.tests.test_forgot_password import NEW as NEW_PASSWORD_URL
from accounts.tests.test_forgot_password import QUESTIONS
from accounts.tests.test_forgot_password import START as FORGOT_PASSWORD
from common.form_replay import SESSION_KEY
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

FORGOT_USERNAME = reverse("accounts:forgot-username")
CHANGE_CHALLENGES = reverse("accounts:change-challenges")
SECRET = "Secret-Typed-Here-77"


def stored(client: FormClient) -> str:
    """Everything the session keeps for the next page, as text to search."""
    return json.dumps(client.session.get(SESSION_KEY, {}), ensure_ascii=False)


def at_the_questions() -> FormClient:
    client = FormClient()
    identify(client, make_person())
    choose_password(client)
    return client


def test_a_failed_claim_redirects_and_the_page_after_says_so_once():
    client = FormClient()
    typed = {"family_name": "Nobody", "given_name": "Here", "identifier": "999999"}
    response = client.post(CLAIM_URL, typed)
    assert response.status_code == 302 and response.url == CLAIM_URL
    failure = "<p><strong>The Claim Account Operation Failed.</strong></p>"
    page = client.get(CLAIM_URL).content.decode()
    assert failure in page
    assert 'value="Nobody"' in page and 'value="999999"' in page
    # Reloaded (or reached again by Back or Forward): the page as it first was.
    assert failure not in client.get(CLAIM_URL).content.decode()


def test_a_password_error_keeps_no_password():
    client = FormClient()
    identify(client, make_person())
    response = client.post(
        PASSWORD_URL,
        {"password1": SECRET, "password2": SECRET + "x", "wizard": wizard_token(client)},
    )
    assert response.status_code == 302 and response.url == PASSWORD_URL
    assert SECRET not in stored(client)
    page = client.get(PASSWORD_URL).content.decode()
    assert "The passwords do not match." in page
    assert SECRET not in page


def test_a_questions_error_keeps_the_choices_and_the_answers_without_an_error():
    client = at_the_questions()
    ids = [str(pk) for pk in active_questions().values_list("pk", flat=True)[:3]]
    data = {
        "question_1": ids[0], "answer_1": "Blue",
        "question_2": ids[1], "answer_2": "blue ",  # the same answer, once folded
        "question_3": ids[2], "answer_3": "Springfield",
        "wizard": wizard_token(client),
    }  # fmt: skip
    response = client.post(CHALLENGES_URL, data)
    assert response.status_code == 302 and response.url == CHALLENGES_URL
    assert "blue " not in stored(client)
    form = client.get(CHALLENGES_URL).context["form"]
    assert form.errors == {"answer_2": ["Your answers must all be different."]}
    for n, qid in enumerate(ids, start=1):
        assert str(form[f"question_{n}"].value()) == qid
    assert [form[f"answer_{n}"].value() for n in (1, 2, 3)] == ["Blue", None, "Springfield"]


def test_wrong_recovery_answers_are_never_kept():
    answers = answers_for()
    account = make_claimed_account(answers=answers)
    client = FormClient()
    client.post(FORGOT_PASSWORD, {"username": account.username})
    response = client.post(QUESTIONS, {f"answer_{qid}": SECRET for qid in answers})
    assert response.status_code == 302 and response.url == QUESTIONS
    assert SECRET not in stored(client)
    page = client.get(QUESTIONS).content.decode()
    assert "Those answers do not match" in page and SECRET not in page


def test_an_empty_recovery_answer_keeps_the_others_out_too():
    answers = answers_for()
    account = make_claimed_account(answers=answers)
    client = FormClient()
    client.post(FORGOT_PASSWORD, {"username": account.username})
    first, *others = answers
    client.post(QUESTIONS, {f"answer_{first}": "", **{f"answer_{q}": SECRET for q in others}})
    assert SECRET not in stored(client)
    assert "Answer this question." in client.get(QUESTIONS).content.decode()


def test_forgot_username_answers_every_post_with_a_redirect():
    client = FormClient()
    invalid = client.post(FORGOT_USERNAME, {"email": "not an address"})
    assert invalid.status_code == 302 and invalid.url == FORGOT_USERNAME
    assert 'value="not an address"' in client.get(FORGOT_USERNAME).content.decode()
    sent = client.post(FORGOT_USERNAME, {"email": "someone@example.org"})
    assert sent.status_code == 302 and sent.url == FORGOT_USERNAME
    page = client.get(FORGOT_USERNAME).content.decode()
    assert "If that address belongs to an account, we have emailed its username." in page
    assert "someone@example.org" not in page


def test_a_locked_recovery_is_shown_after_a_redirect(settings):
    answers = answers_for()
    account = make_claimed_account(answers=answers)
    client = FormClient()
    client.post(FORGOT_PASSWORD, {"username": account.username})
    for _attempt in range(settings.RECOVERY_MAX_FAILURES):
        response = client.post(QUESTIONS, {f"answer_{qid}": "wrong" for qid in answers})
    assert response.status_code == 302 and response.url == FORGOT_PASSWORD
    assert "Self-service password reset is locked" in client.get(FORGOT_PASSWORD).content.decode()


def test_a_new_password_error_keeps_no_password():
    answers = answers_for()
    account = make_claimed_account(answers=answers)
    client = FormClient()
    client.post(FORGOT_PASSWORD, {"username": account.username})
    client.post(QUESTIONS, {f"answer_{qid}": text for qid, text in answers.items()})
    response = client.post(NEW_PASSWORD_URL, {"password1": SECRET, "password2": ""})
    assert response.status_code == 302 and response.url == NEW_PASSWORD_URL
    assert SECRET not in stored(client)
    assert "Enter the password again." in client.get(NEW_PASSWORD_URL).content.decode()


def test_changing_questions_keeps_no_current_password():
    client = FormClient()
    client.force_login(make_claimed_account())
    response = client.post(
        CHANGE_CHALLENGES, {"current_password": DEFAULT_PASSWORD, "answer_1": "Kept-Answer"}
    )
    assert response.status_code == 302 and response.url == CHANGE_CHALLENGES
    assert DEFAULT_PASSWORD not in stored(client)
    form = client.get(CHANGE_CHALLENGES).context["form"]
    assert form["answer_1"].value() == "Kept-Answer"
    assert form.errors["question_1"] == ["Choose question 1."]
