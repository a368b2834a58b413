"""Forgot My Password: username -> three challenge questions -> new password."""

from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import recovery
from accounts.claiming import do_complete_claim
from accounts.login import WITHHELD_USERNAME
from accounts.models import Account, ChallengeQuestion
from accounts.passwords import do_set_password
from accounts.resetting import do_reset_account
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient

START = reverse("accounts:forgot-password")
QUESTIONS = reverse("accounts:forgot-password-questions")
NEW = reverse("accounts:forgot-password-new")
DONE = reverse("accounts:forgot-password-done")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Fresh Start Passphrase 2026"
LOCKED_TEXT = "Self-service password reset is locked"


def normalized(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


class ForgotPasswordTestCase(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        cache.clear()
        self.account = make_claimed_account()
        self.answers = answers_for()  # question id -> answer, as the builder stored them

    def start(self, username: str, client: FormClient | None = None):
        return (client or self.client).post(START, {"username": username})

    def answer(self, answers: dict[int, str]):
        return self.client.post(
            QUESTIONS, {f"answer_{qid}": text for qid, text in answers.items()}
        )

    def shown_question_ids(self) -> list[int]:
        response = self.client.get(QUESTIONS)
        return [int(key.removeprefix("answer_")) for key in response.context["form"].fields]

    def best_guess(self) -> dict[int, str]:
        """The account's real answers for whichever questions are shown."""
        real = list(self.answers.values())
        return {
            qid: self.answers.get(qid, real[n]) for n, qid in enumerate(self.shown_question_ids())
        }

    def wrong_answers(self, ids: list[int]) -> dict[int, str]:
        return {qid: f"wrong {n}" for n, qid in enumerate(ids)}

    def set_new_password(self, password: str = NEW_PASSWORD):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(NEW, {"password1": password, "password2": password})


class HappyPathTests(ForgotPasswordTestCase):
    def test_it_asks_the_accounts_own_three_questions(self) -> None:
        self.assertRedirects(self.start(self.account.username.upper()), QUESTIONS)
        response = self.client.get(QUESTIONS)
        for question in ChallengeQuestion.objects.filter(pk__in=self.answers):
            self.assertContains(response, question.text_en)
        self.assertEqual(sorted(self.shown_question_ids()), sorted(self.answers))

    def test_correct_answers_then_a_new_password_reset_it(self) -> None:
        self.start(self.account.username)
        shouted = {qid: f"  {text.upper()} " for qid, text in self.answers.items()}
        self.assertRedirects(self.answer(shouted), NEW)
        self.assertRedirects(self.set_new_password(), DONE)
        done = self.client.get(DONE)
        self.assertContains(done, "Your password has been changed")
        self.assertContains(done, self.account.username)
        self.assertNotIn(SESSION_KEY, self.client.session)  # nobody is signed in by a reset

        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(NEW_PASSWORD))
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.PASSWORD_RESET, outcome=Outcome.SUCCESS,
                account=self.account,
            ).exists()
        )
        signed_in = self.client.post(
            LOGIN, {"username": self.account.username, "password": NEW_PASSWORD}
        )
        self.assertRedirects(signed_in, reverse("portal:home"))

    def test_the_person_is_told_by_email_without_the_password(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        self.set_new_password()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.account.email])
        self.assertIn("changed", mail.outbox[0].subject)
        self.assertNotIn(NEW_PASSWORD, mail.outbox[0].body)

    def test_a_reused_password_is_refused(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        response = self.set_new_password(DEFAULT_PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Passwords cannot be reused")
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(DEFAULT_PASSWORD))

    def test_the_policy_applies(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        response = self.set_new_password("short")
        self.assertContains(response, 'role="alert"')
        self.assertContains(response, 'aria-invalid="true"')

    def test_the_new_password_step_needs_correct_answers_first(self) -> None:
        self.assertRedirects(self.client.get(NEW), START)
        self.start(self.account.username)
        self.assertRedirects(self.client.get(NEW), START)
        self.assertRedirects(
            self.client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}), START
        )
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(DEFAULT_PASSWORD))

    def test_the_questions_step_needs_a_username_first(self) -> None:
        self.assertRedirects(self.client.get(QUESTIONS), START)

    def test_a_reset_lifts_the_sign_in_lock(self) -> None:
        with override_settings(LOGIN_MAX_FAILURES_PER_ACCOUNT=2):
            for _ in range(2):
                self.client.post(LOGIN, {"username": self.account.username, "password": "bad x"})
            self.start(self.account.username)
            self.answer(self.answers)
            self.set_new_password()
            response = self.client.post(
                LOGIN, {"username": self.account.username, "password": NEW_PASSWORD}
            )
        self.assertRedirects(response, reverse("portal:home"))

    def test_a_reset_ends_the_accounts_other_sessions(self) -> None:
        elsewhere = FormClient()
        elsewhere.force_login(self.account)
        self.assertEqual(elsewhere.get(reverse("portal:home")).status_code, 200)
        self.start(self.account.username)
        self.answer(self.answers)
        self.set_new_password()
        self.assertEqual(elsewhere.get(reverse("portal:home")).status_code, 302)

    def test_a_double_submit_of_the_new_password_does_not_break(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        self.assertRedirects(self.set_new_password(), DONE)
        # The second click lands on the same done page, and the password is set once.
        self.assertRedirects(self.set_new_password(), DONE)
        self.assertEqual(
            AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).count(), 1
        )

    def test_a_double_submit_whose_twin_read_the_session_first_shows_done(self) -> None:
        """The second click's request loaded the session before the first one saved
        it: it still holds the verification the first one used up."""
        self.start(self.account.username)
        self.answer(self.answers)
        before = dict(self.client.session.items())
        self.assertRedirects(self.set_new_password(), DONE)
        session = self.client.session
        session.clear()
        session.update(before)
        session.save()
        self.assertRedirects(self.set_new_password(), DONE)
        self.assertContains(self.client.get(DONE), "Your password has been changed")
        self.assertEqual(
            AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).count(), 1
        )

    def test_a_verification_voided_by_a_change_elsewhere_still_starts_over(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        do_set_password(self.account, "Changed-Elsewhere-77")
        self.assertRedirects(self.set_new_password(), START)

    def test_back_to_the_new_password_page_after_the_reset_shows_it_is_done(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        self.set_new_password()
        self.assertRedirects(self.client.get(reverse("accounts:forgot-password-new")), DONE)


    def test_a_verified_session_is_void_once_the_account_is_reset_and_claimed_again(
        self,
    ) -> None:
        # Someone who knew the old answers verified, then the owner had the account
        # reset and claimed it again (new password, new answers): that old verified
        # session must not set the password of the account as it is now.
        self.start(self.account.username)
        self.assertRedirects(self.answer(self.answers), NEW)
        do_reset_account(self.account, actor=None)
        result = do_complete_claim(
            self.account.person_id or 0,
            make_password("Owner's brand new passphrase 9"),
            answers_for(("Green", "Max", "Shelbyville")),
        )
        self.assertTrue(result.ok)

        self.assertRedirects(self.set_new_password(), START)
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password("Owner's brand new passphrase 9"))

    def test_a_verified_session_is_void_once_the_password_changed_elsewhere(self) -> None:
        self.start(self.account.username)
        self.answer(self.answers)
        other = FormClient()
        other.post(START, {"username": self.account.username})
        other.post(QUESTIONS, {f"answer_{qid}": text for qid, text in self.answers.items()})
        chosen = "Other tab's passphrase 77"
        with self.captureOnCommitCallbacks(execute=True):
            other.post(NEW, {"password1": chosen, "password2": chosen})

        self.assertRedirects(self.client.get(NEW), START)
        self.assertRedirects(self.set_new_password(), START)
        self.account.refresh_from_db()
        self.assertTrue(self.account.check_password(chosen))


class WrongAnswerTests(ForgotPasswordTestCase):
    def test_wrong_answers_are_refused_and_counted(self) -> None:
        self.start(self.account.username)
        response = self.answer(self.wrong_answers(list(self.answers)))
        self.assertContains(response, "Those answers do not match")
        self.account.refresh_from_db()
        self.assertEqual(self.account.recovery_failures, 1)
        event = AuditEvent.objects.get(event_type=EventType.PASSWORD_RESET_FAILED)
        self.assertEqual(event.account_id, self.account.pk)
        self.assertNotIn("wrong 0", str(event.details))

    def test_two_right_and_one_wrong_is_wrong(self) -> None:
        self.start(self.account.username)
        partly = dict(self.answers)
        partly[next(iter(partly))] = "nope"
        self.assertContains(self.answer(partly), "Those answers do not match")

    @override_settings(RECOVERY_MAX_FAILURES=3)
    def test_it_locks_after_too_many_wrong_answers(self) -> None:
        self.start(self.account.username)
        for _ in range(2):
            self.answer(self.wrong_answers(list(self.answers)))
        response = self.answer(self.wrong_answers(list(self.answers)))
        self.assertContains(response, LOCKED_TEXT)
        self.assertContains(response, "teacher")
        self.assertContains(response, "Technology Support Center")
        self.account.refresh_from_db()
        self.assertIsNotNone(self.account.recovery_locked_at)
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.RECOVERY_LOCKED, account=self.account
            ).exists()
        )
        # Locked for good: even the right answers no longer work, from a new start.
        self.assertContains(self.start(self.account.username), LOCKED_TEXT)
        self.assertRedirects(self.client.get(QUESTIONS), START)

    @override_settings(RECOVERY_MAX_FAILURES=3)
    def test_a_lock_reached_in_another_tab_stops_this_one(self) -> None:
        self.start(self.account.username)
        Account.objects.filter(pk=self.account.pk).update(recovery_failures=3)
        from django.utils import timezone

        Account.objects.filter(pk=self.account.pk).update(recovery_locked_at=timezone.now())
        self.assertContains(self.answer(self.answers), LOCKED_TEXT)

    @override_settings(RECOVERY_MAX_FAILURES=3)
    def test_attempts_are_counted_before_checking_so_parallel_ones_cannot_exceed_the_limit(
        self,
    ) -> None:
        self.start(self.account.username)
        # Three attempts already in flight elsewhere have taken every allowed try.
        Account.objects.filter(pk=self.account.pk).update(recovery_failures=3)
        self.assertContains(self.answer(self.answers), LOCKED_TEXT)
        self.account.refresh_from_db()
        self.assertIsNotNone(self.account.recovery_locked_at)

    def test_correct_answers_reset_the_count(self) -> None:
        self.start(self.account.username)
        self.answer(self.wrong_answers(list(self.answers)))
        self.answer(self.answers)
        self.account.refresh_from_db()
        self.assertEqual(self.account.recovery_failures, 0)


class EnumerationTests(ForgotPasswordTestCase):
    def test_an_unknown_username_gets_three_plausible_questions(self) -> None:
        self.assertRedirects(self.start("s0999999"), QUESTIONS)
        ids = self.shown_question_ids()
        self.assertEqual(len(ids), 3)
        self.assertEqual(ChallengeQuestion.objects.filter(pk__in=ids, is_active=True).count(), 3)

    @override_settings(RECOVERY_MAX_REQUESTS_PER_IP=1000)
    def test_a_retired_question_shows_up_for_unknown_usernames_too(self) -> None:
        """A real account keeps its questions when one is retired from the catalog;
        if only real accounts were asked it, asking it would give them away."""
        retired = ChallengeQuestion.objects.get(pk=sorted(self.answers)[0])
        retired.is_active = False
        retired.save()
        self.start(self.account.username)
        self.assertIn(retired.pk, self.shown_question_ids())
        for n in range(60):
            self.client = FormClient()
            self.start(f"s09{n:05d}")
            if retired.pk in self.shown_question_ids():
                break
        else:
            self.fail("no unknown username was asked the retired question")

    def test_known_and_unknown_usernames_run_the_same_statements(self) -> None:
        ChallengeQuestion.objects.filter(pk=sorted(self.answers)[0]).update(is_active=False)
        statements = []
        for username, account in ((self.account.username, self.account), ("s0999999", None)):
            with CaptureQueriesContext(connection) as queries:
                recovery.questions_for(username, account)
            statements.append([re.sub(r"\d+", "N", q["sql"]) for q in queries])
        self.assertEqual(statements[0], statements[1])

    @override_settings(RECOVERY_MAX_REQUESTS_PER_IP=1000)
    def test_a_retired_question_nobody_answered_is_never_asked(self) -> None:
        unused = ChallengeQuestion.objects.exclude(pk__in=list(self.answers)).first()
        assert unused is not None
        unused.is_active = False
        unused.save()
        for n in range(30):
            self.client = FormClient()
            self.start(f"s09{n:05d}")
            self.assertNotIn(unused.pk, self.shown_question_ids())

    def test_the_questions_for_an_unknown_username_do_not_change_on_reload(self) -> None:
        self.start("s0999999")
        first = self.shown_question_ids()
        self.assertEqual(self.shown_question_ids(), first)
        self.client = FormClient()
        self.start("S0999999")
        self.assertEqual(self.shown_question_ids(), first)

    def test_a_password_typed_as_the_username_is_not_kept_in_the_audit_log(self) -> None:
        self.start("Purple-Otter-Rides-7")
        ids = self.shown_question_ids()
        self.answer(self.wrong_answers(ids))
        event = AuditEvent.objects.get(event_type=EventType.PASSWORD_RESET_FAILED)
        self.assertEqual(event.details["username"], WITHHELD_USERNAME)

    def test_an_unknown_username_always_fails(self) -> None:
        self.start("s0999999")
        ids = self.shown_question_ids()
        guesses = {qid: text for qid, text in zip(ids, ["Blue", "Rex", "Springfield"], strict=True)}
        self.assertContains(self.answer(guesses), "Those answers do not match")

    def test_the_question_page_looks_the_same_for_known_and_unknown_usernames(self) -> None:
        self.start(self.account.username)
        known = self.client.get(QUESTIONS)
        other = FormClient()
        self.start("s0999999", client=other)
        unknown = other.get(QUESTIONS)
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(len(known.context["form"].fields), len(unknown.context["form"].fields))
        self.assertEqual(known.templates[0].name, unknown.templates[0].name)

    @override_settings(RECOVERY_MAX_FAILURES=2)
    def test_an_unknown_username_locks_after_the_same_number_of_failures(self) -> None:
        self.start("s0999999")
        ids = self.shown_question_ids()
        self.assertContains(self.answer(self.wrong_answers(ids)), "Those answers do not match")
        locked = self.answer(self.wrong_answers(ids))
        self.assertContains(locked, LOCKED_TEXT)
        self.assertContains(self.start("s0999999"), LOCKED_TEXT)

    @override_settings(RECOVERY_MAX_FAILURES=1)
    def test_the_lock_page_is_the_same_for_known_and_unknown_usernames(self) -> None:
        self.start(self.account.username)
        known = self.answer(self.wrong_answers(list(self.answers)))
        self.client = FormClient()
        self.start("s0999999")
        unknown = self.answer(self.wrong_answers(self.shown_question_ids()))
        self.assertEqual(normalized(known), normalized(unknown))

    def test_a_disabled_account_cannot_recover(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(is_active=False)
        self.start(self.account.username)
        self.assertContains(self.answer(self.best_guess()), "Those answers do not match")

    def test_an_unclaimed_account_cannot_recover(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(claimed_at=None)
        self.start(self.account.username)
        self.assertContains(self.answer(self.best_guess()), "Those answers do not match")

    @override_settings(RECOVERY_MAX_REQUESTS_PER_IP=2)
    def test_starting_is_throttled_per_address(self) -> None:
        self.start("s0999991")
        self.start("s0999992")
        response = self.start(self.account.username)
        self.assertContains(response, "Too many attempts, please try again later.")
