"""Replies by email: a reply to a notification adds a public reply (quoted text cut),
once; automatic mail, unknown senders and tickets the sender may not see add
nothing; over real SMTP, a reply reaches the ticket and an auto-reply loops nowhere."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from common.tests.seed import restore_seed_data
from support.inbound import Outcome, handle_message
from support.inbound_server import listener
from support.models import Status, Ticket, TicketEvent
from support.services import TicketUpdate, do_update_ticket
from support.tests.builders import open_ticket
from support.tests.smtp import SMTPServer, free_port

REPLY_ADDRESS = "support+{token}@example.org"


@pytest.fixture(autouse=True)
def reply_address(settings: Any) -> None:
    settings.SUPPORT_REPLY_ADDRESS = REPLY_ADDRESS


def reply(
    ticket: Ticket,
    sender: str,
    body: str,
    *,
    message_id: str = "<r1@mail.example>",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = REPLY_ADDRESS.format(token=ticket.reply_token)
    message["Subject"] = f"Re: [{ticket.number}] {ticket.subject}"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


QUOTED = """It works now, thank you!

On Tue, 3 Sep 2024 at 10:00, Technology Support Center <no-reply@example.org> wrote:
> Is it working now?
"""


def replies(ticket: Ticket) -> list[str]:
    return list(ticket.events.filter(kind=TicketEvent.Kind.REPLY).values_list("body", flat=True))


@pytest.mark.django_db
def test_a_reply_adds_a_public_reply_without_the_quoted_text(
    requester: Account, technician: Account
) -> None:
    ticket = open_ticket(requester)
    do_update_ticket(
        ticket, TicketUpdate(body="Is it working now?", status=Status.WAITING), actor=technician
    )
    result = handle_message(reply(ticket, requester.email, QUOTED))
    assert result.outcome is Outcome.ADDED
    assert replies(ticket)[-1] == "It works now, thank you!"
    event = ticket.events.filter(kind=TicketEvent.Kind.REPLY).last()
    assert event is not None and event.actor_id == requester.pk and event.is_public
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_reply_is_matched_by_its_thread_headers_too(requester: Account) -> None:
    ticket = open_ticket(requester)
    raw = reply(ticket, requester.email, "More details")
    raw = raw.replace(REPLY_ADDRESS.format(token=ticket.reply_token).encode(), b"help@example.org")
    assert handle_message(raw).outcome is Outcome.NO_TICKET
    threaded = reply(
        ticket,
        requester.email,
        "More details",
        In_Reply_To=f"<ticket-{ticket.pk}.{ticket.reply_token}@example.org>",
    ).replace(REPLY_ADDRESS.format(token=ticket.reply_token).encode(), b"help@example.org")
    assert handle_message(threaded).outcome is Outcome.ADDED


@pytest.mark.django_db
def test_the_same_message_delivered_twice_adds_one_reply(requester: Account) -> None:
    ticket = open_ticket(requester)
    raw = reply(ticket, requester.email, "Once")
    assert handle_message(raw).outcome is Outcome.ADDED
    assert handle_message(raw).outcome is Outcome.DUPLICATE
    assert replies(ticket) == ["Once"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "auto_reply"},
        {"X_Autoreply": "yes"},
        {"List_Id": "<staff.example.org>"},
        {"Return_Path": "<>"},
        {"Subject": "Out of Office: back Monday"},
        {"Subject": "Respuesta automática: fuera de la oficina"},
    ],
)
def test_automatic_mail_never_adds_a_reply(requester: Account, headers: dict[str, str]) -> None:
    ticket = open_ticket(requester)
    raw = reply(ticket, requester.email, "I am away until Monday.")
    if "Subject" in headers:
        subject = f"Re: [{ticket.number}] {ticket.subject}".encode()
        raw = raw.replace(subject, headers.pop("Subject").encode())
    for name, value in headers.items():
        raw = f"{name.replace('_', '-')}: {value}\n".encode() + raw
    assert handle_message(raw).outcome is Outcome.AUTOMATIC
    assert replies(ticket) == []


@pytest.mark.django_db
def test_unknown_senders_and_people_who_may_not_see_the_ticket_add_nothing(
    requester: Account,
) -> None:
    ticket = open_ticket(requester)
    stranger = make_claimed_account()
    for sender in ("someone@elsewhere.example", stranger.email):
        result = handle_message(reply(ticket, sender, "Let me in", message_id=f"<{sender}>"))
        assert result.outcome is Outcome.UNKNOWN_SENDER
    assert replies(ticket) == []


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_adds_nothing(requester: Account, technician: Account) -> None:
    ticket = open_ticket(requester)
    do_update_ticket(ticket, TicketUpdate(status=Status.CLOSED), actor=technician)
    assert handle_message(reply(ticket, requester.email, "again")).outcome is Outcome.REFUSED
    assert replies(ticket) == []


@pytest.fixture
def servers(settings: Any) -> Iterator[tuple[SMTPServer, int]]:
    """The district's mail server (catching what the portal sends) and the portal's
    reply listener, both real SMTP on 127.0.0.1."""
    outgoing = SMTPServer()
    outgoing.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", outgoing.port
    port = free_port()
    inbound = listener("127.0.0.1", port)
    inbound.start()
    yield outgoing, port
    inbound.stop()
    outgoing.stop()


def answer(notification: EmailMessage, sender: str, body: str, **headers: str) -> EmailMessage:
    """What a mail client sends when someone replies to `notification`."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = str(notification["Reply-To"])
    message["Subject"] = f"Re: {notification['Subject']}"
    message["In-Reply-To"] = str(notification["Message-ID"])
    message["References"] = f"{notification['References'] or ''} {notification['Message-ID']}"
    message["Message-ID"] = f"<answer-{len(body)}-{sender}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.mark.django_db(transaction=True)
def test_over_real_smtp_a_reply_reaches_the_ticket_and_an_auto_reply_loops_nowhere(
    servers: tuple[SMTPServer, int], django_capture_on_commit_callbacks: Any
) -> None:
    restore_seed_data()
    outgoing, inbound_port = servers
    requester = make_claimed_account(given_name="Rosa", family_name="Parks")
    technician = Account.objects.create_superuser("itadmin", "Tech-Pass-Long-1")
    ticket = open_ticket(requester)
    do_update_ticket(
        ticket, TicketUpdate(body="Is it working now?", status=Status.WAITING), actor=technician
    )
    notification = outgoing.messages[-1]
    assert notification["Reply-To"] == REPLY_ADDRESS.format(token=ticket.reply_token)
    sent_before = len(outgoing.messages)

    with smtplib.SMTP("127.0.0.1", inbound_port) as smtp:
        smtp.send_message(answer(notification, requester.email, QUOTED))
        smtp.send_message(
            answer(
                notification,
                requester.email,
                "I am out of the office.",
                Auto_Submitted="auto-replied",
            )
        )
    assert replies(ticket) == ["Is it working now?", "It works now, thank you!"]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    # The requester's own reply sends them nothing, and the auto-reply nothing at all.
    assert len(outgoing.messages) == sent_before
