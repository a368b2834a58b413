"""Templated email: rendered in the recipient's language, sent after commit."""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings

from common.mail import language_for, render_email, send_templated_email
from outbox.models import OutboxMessage

CONTEXT = {"name": "Ana Reyes", "username": "s0123456", "login_url": "https://p.example/login"}


def html_alternative(message: EmailMessage) -> tuple[str, str]:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    return str(content), str(mimetype)


def html_of(message: EmailMessage) -> str:
    return html_alternative(message)[0]


class RenderTests(TestCase):
    def test_it_renders_subject_text_and_html(self) -> None:
        subject, text, html = render_email("username", CONTEXT, "en")
        self.assertIn("username", subject.lower())
        self.assertNotIn("\n", subject)
        self.assertIn("Your username is: s0123456", text)
        self.assertIn("<strong>s0123456</strong>", html)
        self.assertIn('<html lang="en">', html)

    def test_it_renders_in_the_requested_language(self) -> None:
        _, _, html = render_email("username", CONTEXT, "vi")
        self.assertIn('<html lang="vi">', html)

    def test_the_text_part_is_not_html_escaped(self) -> None:
        _, text, html = render_email("username", {**CONTEXT, "name": "Ana O'Brien"}, "en")
        self.assertIn("Ana O'Brien", text)
        self.assertIn("Ana O&#x27;Brien", html)

    def test_language_for_prefers_the_saved_language(self) -> None:
        self.assertEqual(language_for("es"), "es")
        self.assertEqual(language_for("xx"), "en")
        self.assertEqual(language_for(""), "en")


class SendTests(TestCase):
    def test_it_sends_once_the_transaction_commits(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["ana@example.org"])
        self.assertEqual(html_alternative(message)[1], "text/html")

    def test_no_recipient_sends_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            send_templated_email("username", [], CONTEXT, "en")
        self.assertEqual(callbacks, [])


class RollbackTests(TransactionTestCase):
    def test_a_rolled_back_transaction_sends_nothing(self) -> None:
        try:
            with transaction.atomic():
                send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        self.assertEqual(mail.outbox, [])

    @override_settings(EMAIL_BACKEND="outbox.backends.OutboxEmailBackend")
    def test_the_demo_outbox_stores_the_message(self) -> None:
        with transaction.atomic():
            send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
        row = OutboxMessage.objects.get()
        self.assertEqual(row.to, "ana@example.org")
        self.assertIn("s0123456", row.body_text)
        self.assertIn("<strong>s0123456</strong>", row.body_html)


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class DatabaseTaskBackendTests(TransactionTestCase):
    """Production queues mail in the database for `manage.py db_worker`."""

    @override_settings(TASKS=DATABASE_TASKS)
    def test_the_message_waits_for_a_worker_then_is_sent(self) -> None:
        from django.core.management import call_command

        with transaction.atomic():
            send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
        self.assertEqual(mail.outbox, [])
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("s0123456", mail.outbox[0].body)
