"""Challenge questions: the catalog and an account's hashed, normalised answers.

Answers are never displayed, logged or emailed; only their hashes are stored."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Account, ChallengeAnswer, ChallengeQuestion
from accounts.role_policies import default_question_count
from common.text import fold, legacy_fold

# A hash of a random value that no answer matches; checked in place of missing
# answers so a check costs the same whether or not the account has any.
_DUMMY_ANSWER_HASH: str | None = None


def active_questions() -> QuerySet[ChallengeQuestion]:
    return ChallengeQuestion.objects.filter(is_active=True).order_by("position", "id")


def questions_in_use() -> list[ChallengeQuestion]:
    """The questions an account may be asked: active ones, and retired ones that some
    account still has an answer to (its own questions stay until it changes them).

    One indexed probe per retired question: asked as one query with EXISTS, the
    planner may read every answer in the district instead."""
    return [
        question
        for question in ChallengeQuestion.objects.order_by("position", "id")
        if question.is_active or ChallengeAnswer.objects.filter(question=question).exists()
    ]


def normalize_answer(text: str) -> str:
    """Case, accents, spacing, Latin letters such as Đ and Ø, and typographic
    apostrophes and dashes do not matter: "  Fluffy " matches "fluffy" (common.text.fold)."""
    return fold(text)


def do_set_answers(account: Account, answers: dict[int, str], count: int | None = None) -> None:
    """Replace the account's answers with these (question id -> answer text).

    Exactly `count` different questions (the role's, accounts.role_policies; the
    students' count when not given) and as many different normalised answers; a
    ValueError otherwise (forms validate first, so this guards programming errors)."""
    count = count if count is not None else default_question_count()
    normalized = {int(qid): normalize_answer(text) for qid, text in answers.items()}
    if len(normalized) != count:
        raise ValueError(f"Exactly {count} different questions are required.")
    if len(set(normalized.values())) != count or "" in normalized.values():
        raise ValueError(f"{count} different, non-empty answers are required.")
    known = set(ChallengeQuestion.objects.filter(pk__in=normalized).values_list("pk", flat=True))
    if known != set(normalized):
        raise ValueError("Unknown challenge question.")
    hashed = [
        ChallengeAnswer(account=account, question_id=qid, answer_hash=make_password(text))
        for qid, text in normalized.items()
    ]
    with transaction.atomic():
        ChallengeAnswer.objects.filter(account=account).delete()
        ChallengeAnswer.objects.bulk_create(hashed)


def check_answers(account: Account, answers: dict[int, str]) -> bool:
    """True when the answers are to exactly the account's questions and all match.

    Runs one hash check per answer given (one per question the page asked, which
    the visitor sees anyway; at least the students' count), whatever the account has
    stored, so timing does not tell an account with answers from one without."""
    global _DUMMY_ANSWER_HASH
    if _DUMMY_ANSWER_HASH is None:
        _DUMMY_ANSWER_HASH = make_password(None)  # unusable, but hashed like the rest
        _DUMMY_ANSWER_HASH = make_password("not an answer: " + _DUMMY_ANSWER_HASH)
    stored: dict[int, str] = {}
    if account.pk is not None:
        rows = ChallengeAnswer.objects.filter(account=account)
        stored = dict(rows.values_list("question_id", "answer_hash"))
    given = {int(qid): (normalize_answer(text), legacy_fold(text)) for qid, text in answers.items()}
    ok = bool(stored) and set(stored) == set(given)
    for qid, (text, legacy) in given.items():
        encoded = stored.get(qid) or _DUMMY_ANSWER_HASH
        matched = check_password(text, encoded)
        if legacy != text:
            # An answer stored before Đ, Ł, Ø, typographic apostrophes and dashes
            # were folded was hashed in the older form. Whether this second check
            # runs depends on the text typed only, never on the account, so its
            # time tells nothing.
            matched = check_password(legacy, encoded) or matched
        ok = ok and bool(text) and matched
    for _missing in range(default_question_count() - len(given)):
        check_password("", _DUMMY_ANSWER_HASH)  # the same work as for a full set
    return ok
