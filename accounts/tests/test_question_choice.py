"""Choosing challenge questions (the claim wizard and the signed-in change page): no
question is chosen in advance, and each empty choice gets its own error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.challenges import active_questions
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_person
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    choose_password,
    identify,
    wizard_token,
)
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("accounts:change-challenges")


@pytest.fixture
def claim_client() -> FormClient:
    """A visitor at the claim wizard's questions step."""
    client = FormClient()
    identify(client, make_person())
    choose_password(client)
    return client


@pytest.fixture
def signed_in_client() -> FormClient:
    client = FormClient()
    client.force_login(make_claimed_account())
    return client


def question_lists(body: str) -> list[str]:
    return re.findall(r'<fieldset class="form-field question-field">.*?</fieldset>', body, re.S)


def assert_nothing_chosen(body: str) -> None:
    lists = question_lists(body)
    assert len(lists) == 3
    for n, radios in enumerate(lists, start=1):
        assert f"<legend>Question {n}</legend>" in radios
        inputs = re.findall(r'<input type="radio"[^>]*>', radios)
        assert len(inputs) == active_questions().count()
        assert all(" checked" not in radio for radio in inputs)


def test_the_claim_wizard_chooses_no_question_in_advance(claim_client):
    assert_nothing_chosen(claim_client.get(CHALLENGES_URL).content.decode())


def test_the_change_page_chooses_no_question_in_advance(signed_in_client):
    assert_nothing_chosen(signed_in_client.get(CHANGE_URL).content.decode())


def test_every_question_is_a_label_in_the_visitors_language(claim_client):
    body = claim_client.get(CHALLENGES_URL, headers={"accept-language": "es"}).content.decode()
    first = active_questions().first()
    assert first is not None
    assert f'<label for="id_question_1_0">{first.text_es}</label>' in body
    assert first.text_en not in body


def answers_leaving_out(number: int) -> dict[str, str]:
    ids = list(active_questions().values_list("pk", flat=True)[:3])
    data = {}
    for n, (qid, text) in enumerate(zip(ids, ["Blue", "Rex", "Springfield"], strict=True), 1):
        data[f"question_{n}"] = "" if n == number else str(qid)
        data[f"answer_{n}"] = text
    return data


def test_an_empty_choice_in_the_claim_wizard_is_named_and_linked(claim_client):
    data = {**answers_leaving_out(2), "wizard": wizard_token(claim_client)}
    response = claim_client.submit(CHALLENGES_URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<li><a href="#id_question_2">Choose question 2.</a></li>' in body
    assert 'aria-describedby="id_question_2_error"' in body
    assert "Choose question 1." not in body
    assert "Choose question 3." not in body
    assert response.context["form"].errors == {"question_2": ["Choose question 2."]}


def test_every_empty_choice_on_the_change_page_gets_its_own_error(signed_in_client):
    data = {"current_password": DEFAULT_PASSWORD, **answers_leaving_out(1)}
    data["question_3"] = ""
    response = signed_in_client.submit(CHANGE_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "question_1": ["Choose question 1."],
        "question_3": ["Choose question 3."],
    }
