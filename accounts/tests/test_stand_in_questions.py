"""The questions shown for a username that cannot recover (unknown, unclaimed,
disabled, left): drawn from the sets real accounts hold, so that how often a set
shows up says nothing about whether a username exists."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from accounts.challenges import active_questions, do_set_answers
from accounts.models import Account
from accounts.recovery import questions_for
from accounts.tests.builders import make_person

pytestmark = pytest.mark.django_db

UNKNOWN = [f"s09{n:05d}" for n in range(300)]


@pytest.fixture
def catalog() -> list[int]:
    ids = list(active_questions().values_list("pk", flat=True))
    assert len(ids) >= 10
    return ids


def hold(pk: int, questions: tuple[int, int, int]) -> Account:
    """A claimed account with this id answering these catalog questions."""
    person = make_person()
    account = Account.objects.create(
        pk=pk, username=person.username, person=person, claimed_at=timezone.now()
    )
    do_set_answers(account, {qid: f"answer {n}" for n, qid in enumerate(questions)})
    return account


def stand_in(username: str) -> frozenset[int]:
    return frozenset(question.pk for question in questions_for(username, None))


def test_stand_ins_are_the_sets_accounts_hold_in_the_same_proportions(catalog):
    common = (catalog[0], catalog[1], catalog[2])
    rare = (catalog[3], catalog[4], catalog[5])
    for pk in range(1001, 1007):
        hold(pk, common)
    for pk in range(1007, 1009):
        hold(pk, rare)
    shown = Counter(stand_in(username) for username in UNKNOWN)
    assert set(shown) == {frozenset(common), frozenset(rare)}
    # Six accounts in eight hold the common set.
    assert 0.6 < shown[frozenset(common)] / len(UNKNOWN) < 0.9


def test_a_known_account_is_asked_its_own_questions(catalog):
    hold(1001, (catalog[0], catalog[1], catalog[2]))
    own = hold(1002, (catalog[7], catalog[8], catalog[9]))
    hold(1003, (catalog[3], catalog[4], catalog[5]))
    asked = questions_for(own.username, own)
    assert [question.pk for question in asked] == [catalog[7], catalog[8], catalog[9]]


def test_a_new_claim_moves_stand_ins_only_onto_the_new_accounts_questions(catalog):
    sets = [
        (catalog[0], catalog[1], catalog[2]),
        (catalog[3], catalog[4], catalog[5]),
        (catalog[6], catalog[7], catalog[8]),
        (catalog[0], catalog[4], catalog[8]),
    ]
    for n, questions in enumerate(sets * 2):
        hold(1001 + n, questions)
    before = {username: stand_in(username) for username in UNKNOWN}
    newest = (catalog[1], catalog[5], catalog[9])
    hold(1009, newest)
    moved = {username for username in UNKNOWN if stand_in(username) != before[username]}
    # Like a real account, a stand-in keeps its questions: only the new account's
    # share of usernames (about one in nine) moves, and onto its questions.
    assert moved
    assert len(moved) < len(UNKNOWN) / 4
    assert {stand_in(username) for username in moved} == {frozenset(newest)}


def test_the_same_username_gets_the_same_stand_in_whatever_its_case(catalog):
    for n in range(8):
        hold(1001 + n, (catalog[n], catalog[n + 1], catalog[n + 2]))
    assert stand_in("s0999999") == stand_in("S0999999 ")
    assert len({stand_in(username) for username in UNKNOWN[:50]}) > 1


def test_with_no_answers_yet_stand_ins_are_drawn_evenly_from_the_catalog(catalog):
    shown = [questions_for(username, None) for username in UNKNOWN]
    assert all(len({question.pk for question in questions}) == 3 for questions in shown)
    assert all(question.pk in catalog for questions in shown for question in questions)
    # 120 sets of three among ten questions: 300 even draws find most of them.
    assert len({frozenset(question.pk for question in questions) for questions in shown}) > 60
