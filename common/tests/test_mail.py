"""Templated email: rendered in the recipient's language, sent after commit."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction

from common.mail import language_for, render_email, send_templated_email
from outbox.models import OutboxMessage

CONTEXT = {"name": "Ana Reyes", "username": "s0123456", "login_url": "https://p.example/login"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def html_alternative(message: EmailMessage) -> tuple[str, str]:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    return str(content), str(mimetype)


def test_it_renders_subject_text_and_html():
    subject, text, html = render_email("username", CONTEXT, "en")
    assert "username" in subject.lower()
    assert "\n" not in subject
    assert "Your username is: s0123456" in text
    assert "<strong>s0123456</strong>" in html
    assert '<html lang="en">' in html


def test_it_renders_in_the_requested_language():
    _, _, html = render_email("username", CONTEXT, "vi")
    assert '<html lang="vi">' in html


def test_the_text_part_is_not_html_escaped():
    _, text, html = render_email("username", {**CONTEXT, "name": "Ana O'Brien"}, "en")
    assert "Ana O'Brien" in text
    assert "Ana O&#x27;Brien" in html


def test_language_for_prefers_the_saved_language():
    assert language_for("es") == "es"
    assert language_for("xx") == "en"
    assert language_for("") == "en"


@pytest.mark.django_db
def test_it_sends_once_the_transaction_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana@example.org"]
    assert html_alternative(message)[1] == "text/html"


@pytest.mark.django_db
def test_no_recipient_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_templated_email("username", [], CONTEXT, "en")
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
        raise RuntimeError("the change failed")
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_the_demo_outbox_stores_the_message(settings):
    settings.EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"
    with transaction.atomic():
        send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
    row = OutboxMessage.objects.get()
    assert row.to == "ana@example.org"
    assert "s0123456" in row.body_text
    assert "<strong>s0123456</strong>" in row.body_html


@pytest.mark.django_db(transaction=True)
def test_production_queues_the_message_for_a_worker_which_then_sends_it(settings, mailoutbox):
    """Production queues mail in the database for `manage.py db_worker`."""
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        send_templated_email("username", ["ana@example.org"], CONTEXT, "en")
    assert mailoutbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert len(mailoutbox) == 1
    assert "s0123456" in mailoutbox[0].body
