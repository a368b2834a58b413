"""Replies by email: a reply to a ticket's notification adds a public reply.

handle_message() takes one received message (from the SMTP/LMTP listener in
support.inbound_server, or any other delivery a district runs) and:

- ignores automatic mail, so nothing loops: RFC 3834 Auto-Submitted (anything but
  "no"), Precedence bulk/junk/list/auto_reply, mailing lists, out-of-office
  headers and subjects, delivery reports and bounces (empty Return-Path,
  MAILER-DAEMON), and the portal's own notifications;
- finds the ticket by the token in the reply address (SUPPORT_REPLY_ADDRESS) or in
  the ticket's thread id, which every notification names in its headers;
- adds nothing for an unknown sender, or one who may not see the ticket;
- keeps only the new text: the quoted message and the signature are cut;
- adds the reply once, whatever how often the message is delivered (its
  Message-ID is kept with the reply)."""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.db.models.functions import Lower

from accounts.models import Account
from support.access import visible_tickets
from support.models import Ticket
from support.services import TicketRefused, do_requester_reply

logger = logging.getLogger(__name__)

THREAD_ID = re.compile(r"ticket-(\d+)\.([0-9a-f]{24})@", re.IGNORECASE)
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTOMATIC_SUBJECTS = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|auto:|autoreply|"
    r"respuesta autom[aá]tica|fuera de la oficina|trả lời tự động|"
    r"undeliverable|delivery status notification|mail delivery failed)",
    re.IGNORECASE,
)
AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "List-Id", "List-Unsubscribe")
QUOTE_STARTS = re.compile(
    r"^\s*(>|-{2,}\s*original message|-{2,}\s*mensaje original|_{5,}|"
    r"on .{3,200} wrote:$|el .{3,200} escribi[oó]:$|vào .{3,200} đã viết:$|"
    r"(from|de|từ):\s.*@)",
    re.IGNORECASE,
)
MAX_REPLY = 10_000


class Outcome(enum.Enum):
    ADDED = "added"
    AUTOMATIC = "automatic"
    NO_TICKET = "no_ticket"
    UNKNOWN_SENDER = "unknown_sender"
    EMPTY = "empty"
    REFUSED = "refused"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    ticket_id: int | None = None


def handle_message(raw: bytes, recipients: list[str] | None = None) -> Result:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    if is_automatic(message):
        return Result(Outcome.AUTOMATIC)
    ticket = find_ticket(message, recipients or [])
    if ticket is None:
        return Result(Outcome.NO_TICKET)
    sender = find_sender(message)
    if sender is None or not visible_tickets(sender).filter(pk=ticket.pk).exists():
        # The same answer for both: the sender learns nothing either way.
        return Result(Outcome.UNKNOWN_SENDER, ticket.pk)
    body = new_text(message)
    if not body:
        return Result(Outcome.EMPTY, ticket.pk)
    message_id = str(message.get("Message-ID", "")).strip()[:255]
    try:
        event = do_requester_reply(ticket, body, actor=sender, via_message_id=message_id)
    except TicketRefused:
        return Result(Outcome.REFUSED, ticket.pk)
    if event is None:
        return Result(Outcome.DUPLICATE, ticket.pk)
    logger.info("Reply by email added to ticket %s", ticket.pk)
    return Result(Outcome.ADDED, ticket.pk)


def is_automatic(message: EmailMessage) -> bool:
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in AUTOMATIC_PRECEDENCE:
        return True
    if any(message.get(header) is not None for header in AUTOMATIC_HEADERS):
        return True
    if str(message.get("X-Auto-Response-Suppress", "")).strip().lower() in ("all", "oof"):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    return_path = message.get("Return-Path")
    if return_path is not None and parseaddr(str(return_path))[1] == "":
        return True
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender.split("@")[0] in ("mailer-daemon", "postmaster") or sender == own_address():
        return True
    return bool(AUTOMATIC_SUBJECTS.match(str(message.get("Subject", ""))))


def own_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def find_ticket(message: EmailMessage, recipients: list[str]) -> Ticket | None:
    """By the token in the address the reply was sent to, else by the thread id in
    In-Reply-To or References; the token must be the ticket's."""
    template = settings.SUPPORT_REPLY_ADDRESS
    addresses = list(recipients) + [
        address for _name, address in getaddresses(
            [str(v) for v in message.get_all("To", []) + message.get_all("Cc", [])]
        )
    ]
    if template:
        before, _, after = template.lower().partition("{token}")
        for address in addresses:
            address = address.lower()
            if address.startswith(before) and address.endswith(after):
                token = address[len(before): len(address) - len(after)]
                ticket = Ticket.objects.filter(reply_token=token).first()
                if ticket is not None:
                    return ticket
    threads = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    for match in THREAD_ID.finditer(threads):
        ticket = Ticket.objects.filter(pk=int(match[1]), reply_token=match[2].lower()).first()
        if ticket is not None:
            return ticket
    return None


def find_sender(message: EmailMessage) -> Account | None:
    """The enabled account whose directory email is the From address, if exactly one."""
    address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    if not address or address == own_address():
        return None
    accounts = list(
        Account.objects.filter(is_active=True, person__isnull=False)
        .annotate(address=Lower("person__email"))
        .filter(address=address)
        .select_related("person")[:2]
    )
    if len(accounts) != 1 or not accounts[0].person or not accounts[0].person.is_active:
        return None
    return accounts[0]


def new_text(message: EmailMessage) -> str:
    """The reply's own words: the plain-text part up to the quoted message or the
    signature."""
    part = message.get_body(("plain",))
    if part is None:
        return ""
    text = str(part.get_content())
    kept: list[str] = []
    for line in text.splitlines():
        if line.rstrip() == "--" or QUOTE_STARTS.match(line):
            break
        kept.append(line.rstrip())
    return "\n".join(kept).strip()[:MAX_REPLY]
