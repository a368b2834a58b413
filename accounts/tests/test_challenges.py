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


@pytest.mark.django_db
def test_check_answers_accepts_the_right_answers_typed_loosely():
    account = make_claimed_account()
    answers = answers_for()
    loose = {qid: f"  {text.upper()} " for qid, text in answers.items()}
    assert check_answers(account, loose)


@pytest.mark.django_db
def test_check_answers_rejects_one_wrong_answer():
    account = make_claimed_account()
    answers = answers_for()
    first = next(iter(answers))
    answers[first] = "wrong"
    assert not check_answers(account, answers)


@pytest.mark.django_db
def test_check_answers_rejects_answers_to_other_questions():
    account = make_claimed_account()
    other_ids = list(active_questions().values_list("pk", flat=True)[3:6])
    assert not check_answers(
        account, dict(zip(other_ids, ("Blue", "Rex", "Springfield"), strict=True))
    )


@pytest.mark.django_db
def test_check_answers_is_false_for_an_account_without_answers():
    account = make_claimed_account()
    ChallengeAnswer.objects.filter(account=account).delete()
    assert not check_answers(account, answers_for())


@pytest.mark.django_db
@pytest.mark.real_argon2
def test_check_answers_always_runs_three_hash_checks(monkeypatch):
    # Counting calls is the timing guarantee: same work with or without answers.
    from django.contrib.auth.hashers import check_password as real

    calls = []

    def counting(password, encoded, *args, **kwargs):
        calls.append(encoded)
        return real(password, encoded, *args, **kwargs)

    monkeypatch.setattr("accounts.challenges.check_password", counting)
    with_answers = make_claimed_account()
    without = make_claimed_account()
    ChallengeAnswer.objects.filter(account=without).delete()
    check_answers(with_answers, answers_for())
    check_answers(without, answers_for())
    check_answers(without, {})
    assert len(calls) == 9


@pytest.mark.django_db
def test_do_set_answers_replaces_the_old_answers():
    account = make_claimed_account()
    new_ids = list(active_questions().values_list("pk", flat=True)[3:6])
    do_set_answers(account, dict(zip(new_ids, ("one", "two", "three"), strict=True)))
    assert set(
        ChallengeAnswer.objects.filter(account=account).values_list("question_id", flat=True)
    ) == set(new_ids)
    assert check_answers(account, dict(zip(new_ids, ("One", "TWO", "three "), strict=True)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "texts",
    [("same", "Same", "other"), ("a", "b", ""), ("one", "two")],
)
def test_do_set_answers_refuses_duplicate_empty_or_missing_answers(texts):
    account = make_claimed_account()
    ids = list(active_questions().values_list("pk", flat=True)[: len(texts)])
    with pytest.raises(ValueError):
        do_set_answers(account, dict(zip(ids, texts, strict=True)))
    assert ChallengeAnswer.objects.filter(account=account).count() == 3


@pytest.mark.django_db
def test_a_retired_question_is_no_longer_offered_but_old_answers_still_work():
    from accounts.forms_common import ChallengeAnswersForm
    from accounts.models import ChallengeQuestion

    account = make_claimed_account()
    answers = answers_for()
    retired = next(iter(answers))
    ChallengeQuestion.objects.filter(pk=retired).update(is_active=False)
    form = ChallengeAnswersForm(count=3)
    offered = [
        int(str(choice.data["value"])) for choice in form["question_1"].subwidgets[1:]
    ]
    assert retired not in offered
    assert check_answers(account, answers)
    data: dict[str, object] = {
        "question_1": retired,
        "question_2": offered[0],
        "question_3": offered[1],
    }
    data.update({"answer_1": "a", "answer_2": "b", "answer_3": "c"})
    bound = ChallengeAnswersForm(count=3, data=data)
    assert not bound.is_valid()
    assert bound.errors["question_1"] == ["Choose a question from the list."]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Da Nang", "ĐÀ NẴNG", "da\u2013nang"])
def test_answers_are_folded_like_names(typed):
    account = make_claimed_account()
    qids = list(answers_for())
    do_set_answers(account, {qids[0]: "Đà Nẵng", qids[1]: "O'Brien", qids[2]: "Łódź"})
    ok = check_answers(
        account, {qids[0]: typed.replace("\u2013", " "), qids[1]: "o\u2019brien", qids[2]: "lodz"}
    )
    assert ok


@pytest.mark.django_db
def test_answers_stored_in_the_older_fold_still_verify():
    """An answer saved before Đ and U+2019 were folded was hashed as "đa nang": typed as
    it was then, it still verifies."""
    from django.contrib.auth.hashers import make_password

    from common.text import legacy_fold

    account = make_claimed_account()
    stored = {qid: text for qid, text in answers_for().items()}
    first, second, _third = list(stored)
    stored[first], stored[second] = "Đà Nẵng", "O\u2019Brien"
    for qid, text in stored.items():
        ChallengeAnswer.objects.filter(account=account, question_id=qid).update(
            answer_hash=make_password(legacy_fold(text))
        )
    assert check_answers(account, stored)
    assert check_answers(account, {**stored, first: "  đà nẵng "})
    assert not check_answers(account, {**stored, first: "Da Nang Xa"})
