"""Ticket emails through a real SMTP server on 127.0.0.1: exactly one per update the
requester should see, none for internal notes, threaded, in the recipient's
language; and a mail-server outage that delays them without losing or doubling any."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from support.models import Notification, Status
from support.services import TicketUpdate, do_requester_reply, do_update_ticket
from support.tests.builders import make_class, make_teacher, open_ticket, signed_in
from support.tests.smtp import SMTPServer, plain_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run `action` as a request would: its on-commit callbacks (the email tasks) run."""

    def run(action: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def test_each_visible_update_sends_exactly_one_threaded_email(
    smtp: SMTPServer, commit: Any, requester: Account, technician: Account
) -> None:
    ticket = commit(open_ticket, requester)
    commit(do_update_ticket, ticket, TicketUpdate(assignee=technician, change_assignee=True),
           actor=technician)
    commit(do_update_ticket, ticket, TicketUpdate(body="Bad cable, ordered one", internal=True),
           actor=technician)
    commit(do_update_ticket, ticket, TicketUpdate(body="Is it working now?", status=Status.WAITING),
           actor=technician)
    commit(do_requester_reply, ticket, "Yes, thank you", actor=requester)

    # Opening, assignment, and the reply with its status change: three emails. The
    # internal note sends none; the requester is not emailed about their own reply.
    assert [m["To"] for m in smtp.messages] == [requester.email] * 3
    opening, assigned, replied = smtp.messages
    root = opening["Message-ID"]
    assert root.startswith(f"<ticket-{ticket.pk}.{ticket.reply_token}@")
    for message in (assigned, replied):
        assert message["In-Reply-To"] == root and message["References"] == root
        assert message["Message-ID"] not in (root, None)
    assert assigned["Message-ID"] != replied["Message-ID"]
    for message in smtp.messages:
        assert message["Subject"] == f"[{ticket.number}] {ticket.subject}"
        assert message["Auto-Submitted"] == "auto-generated"
        text = plain_text(message)
        assert "Bad cable" not in text
        assert f"/support/tickets/{ticket.pk}/" in text
    assert "Is it working now?" in plain_text(replied)
    assert "Waiting on requester" in plain_text(replied)
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 3


def test_the_email_is_in_the_recipients_language_and_reaches_the_teacher_too(
    smtp: SMTPServer, commit: Any, technician: Account
) -> None:
    teacher = make_teacher()
    student = make_claimed_account(given_name="Sam", family_name="Student")
    Account.objects.filter(pk=student.pk).update(language="es")
    assert teacher.person is not None and student.person is not None
    make_class(teacher.person, [student.person])
    ticket = commit(open_ticket, teacher, requester=student.person)
    smtp.messages.clear()

    commit(do_update_ticket, ticket, TicketUpdate(body="Listo", status=Status.RESOLVED),
           actor=technician)
    by_address = {m["To"]: plain_text(m) for m in smtp.messages}
    assert set(by_address) == {student.person.email, teacher.email}
    assert "Estado: Resuelto" in by_address[student.person.email]
    assert "Status: Resolved" in by_address[teacher.email]


def test_an_outage_delays_the_emails_and_loses_or_doubles_none(
    smtp: SMTPServer, commit: Any, requester: Account, technician: Account, time_machine: Any
) -> None:
    ticket = commit(open_ticket, requester)
    assert len(smtp.messages) == 1

    smtp.stop()
    commit(do_update_ticket, ticket, TicketUpdate(body="On my way"), actor=technician)
    commit(do_update_ticket, ticket, TicketUpdate(status=Status.RESOLVED), actor=technician)
    waiting = Notification.objects.exclude(state=Notification.State.SENT)
    assert waiting.count() == 2
    assert all(n.state == Notification.State.RETRYING and n.last_error for n in waiting)
    # Not due yet: nothing is tried before the backoff.
    assert call_command("support_send_mail") is None
    assert waiting.count() == 2

    # Technicians see the failed emails in the admin.
    admin = signed_in(technician).get(
        reverse("admin:support_notification_changelist"), {"state": "retrying"}
    )
    assert admin.status_code == 200
    assert "ConnectionRefusedError" in admin.content.decode()

    smtp.start()
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    call_command("support_send_mail")
    call_command("support_send_mail")  # a second run finds nothing left to send
    assert len(smtp.messages) == 3
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(
        set(m["Message-ID"] for m in smtp.messages)
    )
    assert not Notification.objects.exclude(state=Notification.State.SENT).exists()
    texts = [plain_text(m) for m in smtp.messages[1:]]
    assert "On my way" in texts[0] and "Status: Resolved" in texts[1]


def test_a_message_is_sent_once_even_when_delivered_twice(
    smtp: SMTPServer, commit: Any, requester: Account
) -> None:
    from support.notifications import deliver

    commit(open_ticket, requester)
    notification = Notification.objects.get()
    # A second worker, or a retry of a task that already succeeded, sends nothing.
    assert deliver(notification.pk) is False
    assert len(smtp.messages) == 1
