"""Challenge questions per role: how many a role answers, and whether it may skip
them. A person who skipped cannot recover by the questions, and the forgot-password
pages say what to do instead, to every visitor alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.challenges import active_questions
from accounts.models import Account, ChallengeAnswer
from accounts.tests.builders import make_claimed_account, make_person
from accounts.tests.claim_helpers import (
    CHALLENGES_URL,
    DONE_URL,
    answer,
    choose_password,
    identify,
    wizard_token,
)
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient
from directory.models import Person

pytestmark = pytest.mark.django_db

START = reverse("accounts:forgot-password")
QUESTIONS = reverse("accounts:forgot-password-questions")
NOTICE = "If you skipped the challenge questions when you claimed your account"


@pytest.fixture(autouse=True)
def staff_may_skip_and_teachers_answer_two(settings: Any) -> None:
    settings.CHALLENGE_QUESTION_POLICIES = {
        **settings.CHALLENGE_QUESTION_POLICIES,
        "staff": {"count": 3, "required": False},
        "teacher": {"count": 2, "required": True},
    }


def two_answers() -> dict[int, str]:
    ids = list(active_questions().values_list("pk", flat=True)[:2])
    return dict(zip(ids, ("Maple", "Harbor"), strict=True))


def claim_until_questions(client: FormClient, person: Person) -> None:
    identify(client, person)
    choose_password(client)


def test_a_role_that_may_skip_is_offered_the_skip(client: FormClient):
    staff = make_person(role=Person.Role.STAFF)
    claim_until_questions(client, staff)
    page = client.get(CHALLENGES_URL).content.decode()
    assert "Skip the questions" in page
    assert "you cannot reset a forgotten password yourself" in page
    done = client.submit(CHALLENGES_URL, {"skip": "1", "wizard": wizard_token(client)})
    assert done["Location"] == DONE_URL
    account = Account.objects.get(person=staff)
    assert account.is_claimed
    assert not ChallengeAnswer.objects.filter(account=account).exists()
    event = AuditEvent.objects.get(event_type=EventType.CLAIM_COMPLETED, account=account)
    assert event.details == {"questions": "skipped"}
    assert "You skipped the challenge questions" in client.get(DONE_URL).content.decode()


def test_a_role_that_must_answer_cannot_skip(client: FormClient):
    student = make_person()
    claim_until_questions(client, student)
    assert "Skip the questions" not in client.get(CHALLENGES_URL).content.decode()
    refused = client.submit(CHALLENGES_URL, {"skip": "1", "wizard": wizard_token(client)})
    assert refused.status_code == 200
    assert not Account.objects.filter(person=student, claimed_at__isnull=False).exists()


def test_a_role_answers_its_own_number_of_questions(client: FormClient):
    teacher = make_person(role=Person.Role.TEACHER)
    claim_until_questions(client, teacher)
    form = client.get(CHALLENGES_URL).context["form"]
    assert [name for name in form.fields if name.startswith("question_")] == [
        "question_1", "question_2"
    ]
    assert answer(client, two_answers())["Location"] == DONE_URL
    account = Account.objects.get(person=teacher)
    assert ChallengeAnswer.objects.filter(account=account).count() == 2
    # Recovery asks the same two, and they work.
    client.submit(START, {"username": account.username})
    asked = client.get(QUESTIONS).context["form"].questions
    assert {question.pk for question in asked} == set(two_answers())
    right = client.submit(QUESTIONS, {f"answer_{qid}": text for qid, text in two_answers().items()})
    assert right["Location"] == reverse("accounts:forgot-password-new")


def test_who_skipped_cannot_recover_by_the_questions_and_is_told_what_to_do(
    client: FormClient,
):
    make_claimed_account()  # someone whose questions stand in
    skipped = make_claimed_account(role=Person.Role.STAFF)
    ChallengeAnswer.objects.filter(account=skipped).delete()
    assert NOTICE in client.get(START).content.decode()
    client.submit(START, {"username": skipped.username})
    page = client.get(QUESTIONS)
    assert NOTICE in page.content.decode()
    guesses = {f"answer_{question.pk}": "Blue" for question in page.context["form"].questions}
    refused = client.submit(QUESTIONS, guesses)
    assert "Those answers do not match" in refused.content.decode()


def test_the_notice_is_the_same_for_every_username(client: FormClient):
    make_claimed_account()
    skipped = make_claimed_account(role=Person.Role.STAFF)
    ChallengeAnswer.objects.filter(account=skipped).delete()
    pages = []
    for username in (skipped.username, "e999999", make_claimed_account().username):
        visitor = FormClient()
        visitor.submit(START, {"username": username})
        pages.append(NOTICE in visitor.get(QUESTIONS).content.decode())
    assert pages == [True, True, True]


def test_no_notice_when_every_role_must_answer(client: FormClient, settings: Any):
    settings.CHALLENGE_QUESTION_POLICIES = {
        role: {"count": 3, "required": True} for role in settings.CHALLENGE_QUESTION_POLICIES
    }
    assert NOTICE not in client.get(START).content.decode()


def test_who_skipped_can_add_questions_later(client: FormClient):
    skipped = make_claimed_account(role=Person.Role.STAFF)
    ChallengeAnswer.objects.filter(account=skipped).delete()
    client.force_login(skipped)
    data: dict[str, str] = {"current_password": "correct-Horse-battery-42"}
    for n, (qid, text) in enumerate(
        zip(active_questions().values_list("pk", flat=True)[:3], ("a1", "b2", "c3"), strict=True),
        start=1,
    ):
        data[f"question_{n}"], data[f"answer_{n}"] = str(qid), text
    assert client.submit(reverse("accounts:change-challenges"), data).status_code == 302
    assert ChallengeAnswer.objects.filter(account=skipped).count() == 3
