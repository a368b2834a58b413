"""The demo outbox: a backend that stores mail, and pages only staff can read."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from outbox.models import OutboxMessage


@override_settings(EMAIL_BACKEND="outbox.backends.OutboxEmailBackend")
class OutboxBackendTests(TestCase):
    def test_it_stores_each_message(self) -> None:
        sent = send_mail("Hello", "Plain body", "from@example.org", ["a@example.org", "b@x.org"])
        self.assertEqual(sent, 1)
        row = OutboxMessage.objects.get()
        self.assertEqual(row.subject, "Hello")
        self.assertEqual(row.to, "a@example.org, b@x.org")
        self.assertEqual(row.body_text, "Plain body")
        self.assertEqual(row.body_html, "")

    def test_it_keeps_the_html_alternative(self) -> None:
        message = EmailMultiAlternatives("Hi", "text", "f@example.org", ["a@example.org"])
        message.attach_alternative("<p>html</p>", "text/html")
        message.send()
        self.assertEqual(OutboxMessage.objects.get().body_html, "<p>html</p>")


class OutboxPageTests(TestCase):
    def setUp(self) -> None:
        self.message = OutboxMessage.objects.create(
            from_email="f@example.org", to="a@example.org", subject="Your username",
            body_text="Your username is: s0123456",
        )
        self.staff = Account.objects.create_user("itadmin", "staff password 123", is_staff=True)

    def test_staff_read_the_list_and_a_message(self) -> None:
        self.client.force_login(self.staff)
        listing = self.client.get(reverse("outbox:list"))
        self.assertContains(listing, "Your username")
        detail = self.client.get(reverse("outbox:detail", args=[self.message.pk]))
        self.assertContains(detail, "Your username is: s0123456")

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for url in [reverse("outbox:list"), reverse("outbox:detail", args=[self.message.pk])]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertNotIn("s0123456", response.content.decode())

    def test_people_who_are_not_staff_cannot_read_it(self) -> None:
        self.client.force_login(make_claimed_account())
        response = self.client.get(reverse("outbox:detail", args=[self.message.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("s0123456", response.content.decode())
