import pytest

from accounts.challenges import active_questions, check_answers, do_set_answers, normalize_answer
from accounts.models import ChallengeAnswer
from accounts.tests.builders import answers_for, make_claimed_account, make_person


@pytest.mark.django_db
def test_the_catalog_is_seeded_in_three_languages():
    questions = list(active_questions())
    assert len(questions) >= 10
    for question in questions:
        assert question.text_en and question.text_es and question.text_vi
        assert question.text_for("es") == question.text_es
        assert question.text_for("vi") == question.text_vi


@pytest.mark.django_db
def test_builders_make_a_claimed_account_with_hashed_answers():
    account = make_claimed_account(make_person(family_name="Nguyen"))
    assert account.is_claimed
    assert account.check_password("correct-Horse-battery-42")
    stored = list(ChallengeAnswer.objects.filter(account=account))
    assert len(stored) == 3
    assert all(a.answer_hash.startswith("argon2$") for a in stored)
    assert not any("blue" in a.answer_hash.lower() for a in stored)


def test_answers_are_normalised_for_case_accents_and_spaces():
    assert normalize_answer("  Señor   FLUFFY ") == "senor fluffy"
