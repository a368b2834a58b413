"""Signed in: change the challenge questions (the current password is needed)."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.challenges import active_questions, check_answers
from accounts.tests.builders import DEFAULT_PASSWORD, answers_for, make_claimed_account
from audit.models import AuditEvent, EventType
from common.tests.client import FormClient

URL = reverse("accounts:change-challenges")


class ChangeChallengesTests(TestCase):
    client_class = FormClient

    def setUp(self) -> None:
        self.account = make_claimed_account()
        self.client.force_login(self.account)
        self.new_ids = list(active_questions().values_list("pk", flat=True)[3:6])

    def post(self, current: str, answers: list[str], ids: list[int] | None = None):
        ids = ids or self.new_ids
        data = {"current_password": current}
        for n, (qid, text) in enumerate(zip(ids, answers, strict=True), start=1):
            data[f"question_{n}"] = str(qid)
            data[f"answer_{n}"] = text
        return self.client.post(URL, data, follow=True)

    def test_it_needs_to_be_signed_in(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_the_form_offers_three_questions_and_the_current_password(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, '<label for="id_current_password">')
        for n in (1, 2, 3):
            self.assertContains(response, f'<label for="id_question_{n}">')
            self.assertContains(response, f'<label for="id_answer_{n}">')

    def test_it_replaces_the_answers(self) -> None:
        response = self.post(DEFAULT_PASSWORD, ["Green", "Max", "Chicago"])
        self.assertRedirects(response, reverse("portal:home"))
        self.assertContains(response, "Your challenge questions were successfully updated.")
        new = dict(zip(self.new_ids, ["green", " MAX ", "chicago"], strict=True))
        self.assertTrue(check_answers(self.account, new))
        self.assertFalse(check_answers(self.account, answers_for()))
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.CHALLENGES_CHANGED, account=self.account
            ).exists()
        )
        event = AuditEvent.objects.get(event_type=EventType.CHALLENGES_CHANGED)
        self.assertNotIn("Green", str(event.details))

    def test_a_wrong_current_password_changes_nothing(self) -> None:
        response = self.post("wrong password", ["Green", "Max", "Chicago"])
        self.assertContains(response, "Your current password is not correct.")
        self.assertTrue(check_answers(self.account, answers_for()))
        event = AuditEvent.objects.get(event_type=EventType.PASSWORD_CHECK_FAILED)
        self.assertEqual(
            (event.account_id, event.details), (self.account.pk, {"purpose": "change_challenges"})
        )

    def test_questions_must_differ(self) -> None:
        same = [self.new_ids[0]] * 3
        response = self.post(DEFAULT_PASSWORD, ["Green", "Max", "Chicago"], ids=same)
        self.assertContains(response, "Choose three different questions.")

    def test_answers_must_differ(self) -> None:
        response = self.post(DEFAULT_PASSWORD, ["Green", "green ", "Chicago"])
        self.assertContains(response, "Your answers must all be different.")
