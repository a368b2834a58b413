"""Walking the claim wizard through the test client."""

from __future__ import annotations

import re

from django.urls import reverse

from accounts.tests.builders import answers_for
from common.tests.client import FormClient
from directory.models import Person

PASSWORD = "Purple-Otter-Rides-7"

CLAIM_URL = reverse("accounts:claim")
PASSWORD_URL = reverse("accounts:claim-password")
CHALLENGES_URL = reverse("accounts:claim-challenges")
DONE_URL = reverse("accounts:claim-done")


def identify(client: FormClient, person: Person, **overrides: str):
    data = {
        "family_name": person.family_name,
        "given_name": person.given_name,
        "identifier": person.identifier,
    }
    data.update(overrides)
    return client.submit(CLAIM_URL, data)


def wizard_token(client: FormClient) -> str:
    """The token the wizard's pages put in their forms' hidden "wizard" field."""
    state = client.session.get("claim") or {}
    return str(state.get("wizard", ""))


def choose_password(client: FormClient, password: str = PASSWORD, again: str | None = None):
    return client.submit(
        PASSWORD_URL,
        {
            "password1": password,
            "password2": password if again is None else again,
            "wizard": wizard_token(client),
        },
    )


def answer_data(answers: dict[int, str] | None = None) -> dict[str, str]:
    answers = answers if answers is not None else answers_for()
    data = {}
    for n, (qid, text) in enumerate(answers.items(), start=1):
        data[f"question_{n}"] = str(qid)
        data[f"answer_{n}"] = text
    return data


def answer(client: FormClient, answers: dict[int, str] | None = None):
    return client.submit(CHALLENGES_URL, {**answer_data(answers), "wizard": wizard_token(client)})


def claim(client: FormClient, person: Person, password: str = PASSWORD, **overrides: str):
    """The whole wizard; returns the last response (a redirect to the done page)."""
    response = identify(client, person, **overrides)
    assert response.status_code == 302, response.content.decode()
    response = choose_password(client, password)
    assert response.status_code == 302, response.content.decode()
    return answer(client)


def without_csrf(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


def text_of(body: bytes) -> str:
    """The visible text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", body.decode()).split())
