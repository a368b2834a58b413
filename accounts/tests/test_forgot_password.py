"""Forgot My Password: username -> three challenge questions -> new password."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts import recovery
from accounts.claiming import do_complete_claim
from accounts.login import WITHHELD_USERNAME
from accounts.models import Account, ChallengeQuestion
from accounts.passwords import do_set_password
from accounts.resetting import do_reset_account
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db

START = reverse("accounts:forgot-password")
QUESTIONS = reverse("accounts:forgot-password-questions")
NEW = reverse("accounts:forgot-password-new")
DONE = reverse("accounts:forgot-password-done")
LOGIN = reverse("accounts:login")
HOME = reverse("portal:home")
NEW_PASSWORD = "Fresh Start Passphrase 2026"
LOCKED_TEXT = "Self-service password reset is locked"
DO_NOT_MATCH = "Those answers do not match"


@dataclass
class Visitor:
    """Someone at one browser going through Forgot My Password."""

    client: FormClient
    capture_on_commit_callbacks: Any

    def start(self, username: str):
        return self.client.submit(START, {"username": username})

    def answer(self, answers: dict[int, str]):
        return self.client.submit(
            QUESTIONS, {f"answer_{qid}": text for qid, text in answers.items()}
        )

    def shown_question_ids(self) -> list[int]:
        response = self.client.get(QUESTIONS)
        return [int(key.removeprefix("answer_")) for key in response.context["form"].fields]

    def set_new_password(self, password: str = NEW_PASSWORD):
        """Runs what waits for the commit (the email) too."""
        with self.capture_on_commit_callbacks(execute=True):
            return self.client.submit(NEW, {"password1": password, "password2": password})


def normalized(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def wrong_answers(ids: list[int]) -> dict[int, str]:
    return {qid: f"wrong {n}" for n, qid in enumerate(ids)}


@pytest.fixture
def account() -> Account:
    return make_claimed_account()


@pytest.fixture
def answers(account: Account) -> dict[int, str]:
    """Question id -> answer, as the builder stored them for `account`."""
    return answers_for()


@pytest.fixture
def new_visitor(django_capture_on_commit_callbacks) -> Callable[[], Visitor]:
    """Another browser, with no session yet."""
    return lambda: Visitor(FormClient(), django_capture_on_commit_callbacks)


@pytest.fixture
def visitor(client: FormClient, django_capture_on_commit_callbacks) -> Visitor:
    return Visitor(client, django_capture_on_commit_callbacks)


def best_guess(visitor: Visitor, answers: dict[int, str]) -> dict[int, str]:
    """The account's real answers for whichever questions are shown."""
    real = list(answers.values())
    return {qid: answers.get(qid, real[n]) for n, qid in enumerate(visitor.shown_question_ids())}


# The way through.


def test_it_asks_the_accounts_own_three_questions(visitor, account, answers):
    assertRedirects(visitor.start(account.username.upper()), QUESTIONS)
    response = visitor.client.get(QUESTIONS)
    for question in ChallengeQuestion.objects.filter(pk__in=answers):
        assertContains(response, question.text_en)
    assert sorted(visitor.shown_question_ids()) == sorted(answers)


def test_correct_answers_then_a_new_password_reset_it(visitor, account, answers):
    visitor.start(account.username)
    shouted = {qid: f"  {text.upper()} " for qid, text in answers.items()}
    assertRedirects(visitor.answer(shouted), NEW)
    assertRedirects(visitor.set_new_password(), DONE)
    done = visitor.client.get(DONE)
    assertContains(done, "Your password has been changed")
    assertContains(done, account.display_username)
    assert SESSION_KEY not in visitor.client.session  # nobody is signed in by a reset

    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        event_type=EventType.PASSWORD_RESET, outcome=Outcome.SUCCESS, account=account,
    ).exists()
    signed_in = visitor.client.post(LOGIN, {"username": account.username, "password": NEW_PASSWORD})
    assertRedirects(signed_in, HOME)


def test_the_person_is_told_by_email_without_the_password(visitor, account, answers, mailoutbox):
    visitor.start(account.username)
    visitor.answer(answers)
    visitor.set_new_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [account.email]
    assert "changed" in mailoutbox[0].subject
    assert NEW_PASSWORD not in mailoutbox[0].body


def test_a_reused_password_is_refused(visitor, account, answers):
    visitor.start(account.username)
    visitor.answer(answers)
    response = visitor.set_new_password(DEFAULT_PASSWORD)
    assert response.status_code == 200
    assertContains(response, "Passwords cannot be reused")
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)


def test_the_policy_applies(visitor, account, answers):
    visitor.start(account.username)
    visitor.answer(answers)
    response = visitor.set_new_password("short")
    assertContains(response, 'role="alert"')
    assertContains(response, 'aria-invalid="true"')


def test_the_new_password_step_needs_correct_answers_first(visitor, account):
    assertRedirects(visitor.client.get(NEW), START)
    visitor.start(account.username)
    assertRedirects(visitor.client.get(NEW), START)
    assertRedirects(
        visitor.client.submit(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}), START
    )
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)


def test_the_questions_step_needs_a_username_first(client):
    assertRedirects(client.get(QUESTIONS), START)


def test_a_reset_lifts_the_sign_in_lock(visitor, account, answers, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        visitor.client.post(LOGIN, {"username": account.username, "password": "bad x"})
    visitor.start(account.username)
    visitor.answer(answers)
    visitor.set_new_password()
    response = visitor.client.post(LOGIN, {"username": account.username, "password": NEW_PASSWORD})
    assertRedirects(response, HOME)


def test_a_reset_ends_the_accounts_other_sessions(visitor, account, answers):
    elsewhere = FormClient()
    elsewhere.force_login(account)
    assert elsewhere.get(HOME).status_code == 200
    visitor.start(account.username)
    visitor.answer(answers)
    visitor.set_new_password()
    assert elsewhere.get(HOME).status_code == 302


def test_a_double_submit_of_the_new_password_does_not_break(visitor, account, answers):
    visitor.start(account.username)
    visitor.answer(answers)
    assertRedirects(visitor.set_new_password(), DONE)
    # The second click lands on the same done page, and the password is set once.
    assertRedirects(visitor.set_new_password(), DONE)
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).count() == 1


def test_a_double_submit_whose_twin_read_the_session_first_shows_done(visitor, account, answers):
    """The second click's request loaded the session before the first one saved
    it: it still holds the verification the first one used up."""
    visitor.start(account.username)
    visitor.answer(answers)
    before = dict(visitor.client.session.items())
    assertRedirects(visitor.set_new_password(), DONE)
    session = visitor.client.session
    session.clear()
    session.update(before)
    session.save()
    assertRedirects(visitor.set_new_password(), DONE)
    assertContains(visitor.client.get(DONE), "Your password has been changed")
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).count() == 1


def test_a_verification_voided_by_a_change_elsewhere_still_starts_over(visitor, account, answers):
    visitor.start(account.username)
    visitor.answer(answers)
    do_set_password(account, "Changed-Elsewhere-77")
    assertRedirects(visitor.set_new_password(), START)


def test_back_to_the_new_password_page_after_the_reset_shows_it_is_done(
    visitor, account, answers
):
    visitor.start(account.username)
    visitor.answer(answers)
    visitor.set_new_password()
    assertRedirects(visitor.client.get(NEW), DONE)


def test_a_verified_session_is_void_once_the_account_is_reset_and_claimed_again(
    visitor, account, answers
):
    # Someone who knew the old answers verified, then the owner had the account
    # reset and claimed it again (new password, new answers): that old verified
    # session must not set the password of the account as it is now.
    visitor.start(account.username)
    assertRedirects(visitor.answer(answers), NEW)
    do_reset_account(account, actor=None)
    result = do_complete_claim(
        account.person_id or 0,
        make_password("Owner's brand new passphrase 9"),
        answers_for(("Green", "Max", "Shelbyville")),
    )
    assert result.ok

    assertRedirects(visitor.set_new_password(), START)
    account.refresh_from_db()
    assert account.check_password("Owner's brand new passphrase 9")


def test_a_verified_session_is_void_once_the_password_changed_elsewhere(
    visitor, new_visitor, account, answers
):
    visitor.start(account.username)
    visitor.answer(answers)
    other = new_visitor()
    other.start(account.username)
    other.answer(answers)
    chosen = "Other tab's passphrase 77"
    other.set_new_password(chosen)

    assertRedirects(visitor.client.get(NEW), START)
    assertRedirects(visitor.set_new_password(), START)
    account.refresh_from_db()
    assert account.check_password(chosen)


# Wrong answers.


def test_wrong_answers_are_refused_and_counted(visitor, account, answers):
    visitor.start(account.username)
    response = visitor.answer(wrong_answers(list(answers)))
    assertContains(response, DO_NOT_MATCH)
    account.refresh_from_db()
    assert account.recovery_failures == 1
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_RESET_FAILED)
    assert event.account_id == account.pk
    assert "wrong 0" not in str(event.details)


def test_two_right_and_one_wrong_is_wrong(visitor, account, answers):
    visitor.start(account.username)
    partly = dict(answers)
    partly[next(iter(partly))] = "nope"
    assertContains(visitor.answer(partly), DO_NOT_MATCH)


def test_it_locks_after_too_many_wrong_answers(visitor, account, answers, settings):
    settings.RECOVERY_MAX_FAILURES = 3
    visitor.start(account.username)
    for _ in range(2):
        visitor.answer(wrong_answers(list(answers)))
    response = visitor.answer(wrong_answers(list(answers)))
    assertContains(response, LOCKED_TEXT)
    assertContains(response, "teacher")
    assertContains(response, "Technology Support Center")
    account.refresh_from_db()
    assert account.recovery_locked_at is not None
    assert AuditEvent.objects.filter(event_type=EventType.RECOVERY_LOCKED, account=account).exists()
    # Locked for good: even the right answers no longer work, from a new start.
    assertContains(visitor.start(account.username), LOCKED_TEXT)
    assertRedirects(visitor.client.get(QUESTIONS), START)


def test_a_lock_reached_in_another_tab_stops_this_one(visitor, account, answers, settings):
    settings.RECOVERY_MAX_FAILURES = 3
    visitor.start(account.username)
    Account.objects.filter(pk=account.pk).update(recovery_failures=3)
    Account.objects.filter(pk=account.pk).update(recovery_locked_at=timezone.now())
    assertContains(visitor.answer(answers), LOCKED_TEXT)


def test_attempts_are_counted_before_checking_so_parallel_ones_cannot_exceed_the_limit(
    visitor, account, answers, settings
):
    settings.RECOVERY_MAX_FAILURES = 3
    visitor.start(account.username)
    # Three attempts already in flight elsewhere have taken every allowed try.
    Account.objects.filter(pk=account.pk).update(recovery_failures=3)
    assertContains(visitor.answer(answers), LOCKED_TEXT)
    account.refresh_from_db()
    assert account.recovery_locked_at is not None


def test_correct_answers_reset_the_count(visitor, account, answers):
    visitor.start(account.username)
    visitor.answer(wrong_answers(list(answers)))
    visitor.answer(answers)
    account.refresh_from_db()
    assert account.recovery_failures == 0


# Nothing tells whether an account exists.


@pytest.mark.usefixtures("account")
def test_an_unknown_username_gets_three_plausible_questions(visitor):
    assertRedirects(visitor.start("s0999999"), QUESTIONS)
    ids = visitor.shown_question_ids()
    assert len(ids) == 3
    assert ChallengeQuestion.objects.filter(pk__in=ids, is_active=True).count() == 3


def test_a_retired_question_shows_up_for_unknown_usernames_too(
    visitor, new_visitor, account, answers, settings
):
    """A real account keeps its questions when one is retired from the catalog;
    if only real accounts were asked it, asking it would give them away."""
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 1000
    retired = ChallengeQuestion.objects.get(pk=sorted(answers)[0])
    retired.is_active = False
    retired.save()
    visitor.start(account.username)
    assert retired.pk in visitor.shown_question_ids()
    for n in range(60):
        stranger = new_visitor()
        stranger.start(f"s09{n:05d}")
        if retired.pk in stranger.shown_question_ids():
            break
    else:
        pytest.fail("no unknown username was asked the retired question")


def test_known_and_unknown_usernames_run_the_same_statements(account, answers):
    ChallengeQuestion.objects.filter(pk=sorted(answers)[0]).update(is_active=False)
    statements = []
    for username, known in ((account.username, account), ("s0999999", None)):
        with CaptureQueriesContext(connection) as queries:
            recovery.questions_for(username, known)
        statements.append([re.sub(r"\d+", "N", q["sql"]) for q in queries])
    assert statements[0] == statements[1]


def test_a_retired_question_nobody_answered_is_never_asked(new_visitor, answers, settings):
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 1000
    unused = ChallengeQuestion.objects.exclude(pk__in=list(answers)).first()
    assert unused is not None
    unused.is_active = False
    unused.save()
    for n in range(30):
        stranger = new_visitor()
        stranger.start(f"s09{n:05d}")
        assert unused.pk not in stranger.shown_question_ids()


@pytest.mark.usefixtures("account")
def test_the_questions_for_an_unknown_username_do_not_change_on_reload(visitor, new_visitor):
    visitor.start("s0999999")
    first = visitor.shown_question_ids()
    assert visitor.shown_question_ids() == first
    again = new_visitor()
    again.start("S0999999")
    assert again.shown_question_ids() == first


@pytest.mark.usefixtures("account")
def test_a_password_typed_as_the_username_is_not_kept_in_the_audit_log(visitor):
    visitor.start("Purple-Otter-Rides-7")
    ids = visitor.shown_question_ids()
    visitor.answer(wrong_answers(ids))
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_RESET_FAILED)
    assert event.details["username"] == WITHHELD_USERNAME


@pytest.mark.usefixtures("account")
def test_an_unknown_username_always_fails(visitor):
    visitor.start("s0999999")
    ids = visitor.shown_question_ids()
    guesses = dict(zip(ids, ["Blue", "Rex", "Springfield"], strict=True))
    assertContains(visitor.answer(guesses), DO_NOT_MATCH)


def test_the_question_page_looks_the_same_for_known_and_unknown_usernames(
    visitor, new_visitor, account
):
    visitor.start(account.username)
    known = visitor.client.get(QUESTIONS)
    other = new_visitor()
    other.start("s0999999")
    unknown = other.client.get(QUESTIONS)
    assert known.status_code == unknown.status_code
    assert len(known.context["form"].fields) == len(unknown.context["form"].fields)
    assert known.templates[0].name == unknown.templates[0].name


@pytest.mark.usefixtures("account")
def test_an_unknown_username_locks_after_the_same_number_of_failures(visitor, settings):
    settings.RECOVERY_MAX_FAILURES = 2
    visitor.start("s0999999")
    ids = visitor.shown_question_ids()
    assertContains(visitor.answer(wrong_answers(ids)), DO_NOT_MATCH)
    locked = visitor.answer(wrong_answers(ids))
    assertContains(locked, LOCKED_TEXT)
    assertContains(visitor.start("s0999999"), LOCKED_TEXT)


def test_the_lock_page_is_the_same_for_known_and_unknown_usernames(
    visitor, new_visitor, account, answers, settings
):
    settings.RECOVERY_MAX_FAILURES = 1
    visitor.start(account.username)
    known = visitor.answer(wrong_answers(list(answers)))
    stranger = new_visitor()
    stranger.start("s0999999")
    unknown = stranger.answer(wrong_answers(stranger.shown_question_ids()))
    assert normalized(known) == normalized(unknown)


def test_a_disabled_account_cannot_recover(visitor, account, answers):
    Account.objects.filter(pk=account.pk).update(is_active=False)
    visitor.start(account.username)
    assertContains(visitor.answer(best_guess(visitor, answers)), DO_NOT_MATCH)


def test_an_unclaimed_account_cannot_recover(visitor, account, answers):
    Account.objects.filter(pk=account.pk).update(claimed_at=None)
    visitor.start(account.username)
    assertContains(visitor.answer(best_guess(visitor, answers)), DO_NOT_MATCH)


def test_starting_is_throttled_per_address(visitor, account, settings):
    settings.RECOVERY_MAX_REQUESTS_PER_IP = 2
    visitor.start("s0999991")
    visitor.start("s0999992")
    response = visitor.start(account.username)
    assertContains(response, "Too many attempts, please try again later.")
