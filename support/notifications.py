"""One email per update the requester should see, threaded, delivered for certain.

queue_update() runs inside the update's transaction: it renders one message per
recipient (the requester and whoever opened the ticket for them, never the person
who made the change) in their language, stores it as a Notification and enqueues
its delivery once the transaction commits. Internal notes send nothing.

Threading: the first message of a ticket has the Message-ID
<ticket-ID.TOKEN@domain>; every later one names it in In-Reply-To and References,
so mail clients show a ticket's emails as one conversation, and a reply to any of
them carries the ticket's token back (support.inbound).

Delivery (deliver()) claims the row with a conditional UPDATE before talking to the
mail server, so two workers never send the same message, and records a failure
with the next attempt's time (backoff doubling from a minute up to an hour). The
failed attempt re-enqueues itself to run then where the task backend can defer
(the database backend); deliver_due() (manage.py support_send_mail) sends whatever
is due in any case. A worker killed between the server's acceptance and the row's
update would send that one message again: at least once, never zero times."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from accounts.models import Account
from common.mail import language_for, render_email
from support.models import Notification, Status, Ticket, TicketEvent

logger = logging.getLogger(__name__)

# A message claimed for sending this long ago belongs to a worker that died.
STALE_SENDING = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def thread_id(ticket: Ticket) -> str:
    return f"<ticket-{ticket.pk}.{ticket.reply_token}@{mail_domain()}>"


def reply_address(ticket: Ticket) -> str:
    """The Reply-To of a ticket's emails when the district reads replies by email
    (SUPPORT_REPLY_ADDRESS with {token}, e.g. support+{token}@example.org)."""
    template = settings.SUPPORT_REPLY_ADDRESS
    return template.format(token=ticket.reply_token) if template else ""


def recipients(
    ticket: Ticket, *, actor: Account | None, opening: bool = False
) -> list[Recipient]:
    """The requester and the person who opened the ticket for them, without
    duplicates, and without the actor (nobody is emailed about their own change)
    except on opening: the first email gives the opener the ticket's number."""
    found: dict[str, Recipient] = {}
    people = []
    if ticket.requester is not None and ticket.requester.is_active:
        account = Account.objects.filter(person=ticket.requester).only("pk", "language").first()
        people.append((ticket.requester.email, account))
    opener = ticket.opened_by
    people.append((opener.email, opener))
    actor_pk = actor.pk if actor is not None else None
    for email, account in people:
        if not email or (not opening and account is not None and account.pk == actor_pk):
            continue
        found.setdefault(
            email.lower(),
            Recipient(email, language_for(account.language if account else "")),
        )
    return list(found.values())


def visible_events(events: Sequence[TicketEvent]) -> list[TicketEvent]:
    public = [event for event in events if event.is_public]
    if not settings.SUPPORT_EMAIL_ON_ASSIGNMENT:
        public = [
            event for event in public
            if event.kind != TicketEvent.Kind.ASSIGNED and event.new_value != Status.ASSIGNED
        ]
    return public


def queue_update(ticket: Ticket, events: Sequence[TicketEvent], *, actor: Account | None) -> None:
    """Store and (on commit) send the emails of one update; nothing when none of its
    events is one the requester sees."""
    shown = visible_events(events)
    if not shown:
        return
    opening = any(event.kind == TicketEvent.Kind.OPENED for event in shown)
    root = thread_id(ticket)
    message_id = root if opening else make_msgid(f"ticket-{ticket.pk}", domain=mail_domain())
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    if not opening:
        headers |= {"In-Reply-To": root, "References": root}
    if reply_address(ticket):
        headers["Reply-To"] = reply_address(ticket)
    link = settings.DISTRICT["portal_url"].rstrip("/") + reverse(
        "support:ticket-detail", args=[ticket.pk]
    )
    created = []
    for recipient in recipients(ticket, actor=actor, opening=opening):
        subject, text, html = render_email(
            "support_ticket_update",
            {"ticket": ticket, "events": shown, "link": link, "opening": opening,
             "replies_by_email": bool(reply_address(ticket))},
            recipient.language,
        )
        created.append(
            Notification.objects.create(
                ticket=ticket, event=shown[-1], to=recipient.email, subject=subject,
                body_text=text, body_html=html, message_id=message_id, headers=headers,
            )
        )
    for notification in created:
        transaction.on_commit(partial(_enqueue, notification.pk))


def _enqueue(pk: int, run_after: datetime | None = None) -> None:
    if run_after is not None and default_task_backend.supports_defer:
        deliver_notification.using(run_after=run_after).enqueue(pk)
    elif run_after is None:
        deliver_notification.enqueue(pk)


@task()
def deliver_notification(pk: int) -> bool:
    return deliver(pk)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver(pk: int) -> bool:
    """Send one stored message unless it is sent or another worker is sending it.
    True when the mail server took it."""
    now = timezone.now()
    claimable = Q(state__in=[Notification.State.PENDING, Notification.State.RETRYING]) | Q(
        state=Notification.State.SENDING, next_attempt_at__lte=now - STALE_SENDING
    )
    claimed = (
        Notification.objects.filter(claimable, pk=pk)
        .update(state=Notification.State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=pk)
    headers = dict(notification.headers)
    reply_to = [headers.pop("Reply-To")] if "Reply-To" in headers else None
    message = EmailMultiAlternatives(
        notification.subject, notification.body_text, settings.DEFAULT_FROM_EMAIL,
        [notification.to], reply_to=reply_to,
        headers={"Message-ID": notification.message_id, **headers},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # the mail server's every failure is retried
        retry_at = timezone.now() + backoff(notification.attempts)
        Notification.objects.filter(pk=pk).update(
            state=Notification.State.RETRYING,
            next_attempt_at=retry_at,
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        logger.warning("Ticket email %s not sent (attempt %s); retrying", pk, notification.attempts)
        _enqueue(pk, run_after=retry_at)
        return False
    Notification.objects.filter(pk=pk).update(
        state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def deliver_due(now: datetime | None = None) -> int:
    """Send every stored message whose time has come (after an outage, or when no
    worker could defer a retry); returns how many the mail server took."""
    moment = now or timezone.now()
    due = Notification.objects.filter(
        Q(state__in=[Notification.State.PENDING, Notification.State.RETRYING],
          next_attempt_at__lte=moment)
        | Q(state=Notification.State.SENDING, next_attempt_at__lte=moment - STALE_SENDING)
    ).order_by("next_attempt_at", "id")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        sent += deliver(pk)
    return sent
