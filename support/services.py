"""Work orders: open, reply, add internal notes, assign, move through the workflow.

Each service locks the ticket's row, writes the change and its history (a
TicketEvent with actor and time) in one transaction, and hands the events the
requester may see to support.notifications, which sends one email per update once
the transaction commits. Refusals raise TicketRefused with a message for the
person who tried."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from directory.models import Org, Person
from support import notifications
from support.access import is_technician
from support.attachments import CheckedFile
from support.models import Attachment, Category, Priority, Status, Ticket, TicketEvent
from support.workflow import may_move


class TicketRefused(Exception):
    """The change is not allowed; str() is the message to show."""


@dataclass(frozen=True)
class NewTicket:
    subject: str
    description: str
    category: Category
    requester: Person | None
    school: Org | None = None
    location: str = ""
    priority: str = Priority.NORMAL
    files: Sequence[CheckedFile] = field(default_factory=tuple)


@dataclass(frozen=True)
class TicketUpdate:
    """What a technician changes in one submission: a reply or an internal note,
    the status, the assignee. The requester gets one email for all of it."""

    body: str = ""
    internal: bool = False
    status: str | None = None
    assignee: Account | None = None
    change_assignee: bool = False
    files: Sequence[CheckedFile] = field(default_factory=tuple)


def do_open_ticket(data: NewTicket, *, actor: Account) -> Ticket:
    """Open a ticket for `data.requester` (the actor, or someone they may open one
    for: support.forms decides who) with its first event and attachments."""
    with transaction.atomic():
        now = timezone.now()
        ticket = Ticket.objects.create(
            subject=data.subject,
            description=data.description,
            category=data.category,
            requester=data.requester,
            opened_by=actor,
            school=data.school,
            location=data.location,
            priority=data.priority,
            created_at=now,
            updated_at=now,
        )
        event = TicketEvent.objects.create(
            ticket=ticket, kind=TicketEvent.Kind.OPENED, actor=actor, created_at=now
        )
        _attach(ticket, event, data.files)
        notifications.queue_update(ticket, [event], actor=actor)
    return ticket


def do_update_ticket(ticket: Ticket, update: TicketUpdate, *, actor: Account) -> list[TicketEvent]:
    """A technician's reply or internal note, status change and assignment, as one
    update. Returns the events written (none when nothing changed)."""
    if not is_technician(actor):
        raise TicketRefused(_("Only technicians can change a ticket."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        now = timezone.now()
        events: list[TicketEvent] = []
        if update.body.strip() or update.files:
            kind = TicketEvent.Kind.NOTE if update.internal else TicketEvent.Kind.REPLY
            event = TicketEvent.objects.create(
                ticket=locked, kind=kind, is_public=not update.internal, actor=actor,
                body=update.body.strip(), created_at=now,
            )
            _attach(locked, event, update.files)
            events.append(event)
        if update.change_assignee and update.assignee != locked.assignee:
            events.extend(_assign(locked, update.assignee, actor=actor, now=now))
        if update.status and update.status != locked.status:
            events.append(move_status(locked, update.status, actor=actor, now=now))
        if events:
            locked.updated_at = now
            locked.save(update_fields=["status", "assignee", "resolved_at", "updated_at"])
            notifications.queue_update(locked, events, actor=actor)
    _refresh(ticket, locked)
    return events


def do_requester_reply(
    ticket: Ticket,
    body: str,
    *,
    actor: Account,
    files: Sequence[CheckedFile] = (),
    via_message_id: str = "",
) -> TicketEvent | None:
    """A public reply from the requester's side. It moves a ticket waiting on the
    requester back to in progress, and reopens a resolved one within
    SUPPORT_REOPEN_WINDOW; a closed ticket (or one resolved longer ago) takes no
    more replies. A message already added (the same email delivered twice) adds
    nothing and returns None."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if via_message_id and locked.events.filter(via_message_id=via_message_id).exists():
            return None
        now = timezone.now()
        deadline = locked.reopen_deadline()
        if locked.status == Status.CLOSED or (deadline is not None and now > deadline):
            raise TicketRefused(
                _("This ticket is closed and takes no more replies. Please open a new ticket.")
            )
        reply = TicketEvent.objects.create(
            ticket=locked, kind=TicketEvent.Kind.REPLY, actor=actor, body=body.strip(),
            via_message_id=via_message_id, created_at=now,
        )
        _attach(locked, reply, files)
        events = [reply]
        if locked.status in (Status.WAITING, Status.RESOLVED):
            kind = TicketEvent.Kind.REOPENED if locked.status == Status.RESOLVED else None
            events.append(move_status(locked, Status.IN_PROGRESS, actor=actor, now=now, kind=kind))
        locked.updated_at = now
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        notifications.queue_update(locked, events, actor=actor)
    _refresh(ticket, locked)
    return reply


def do_assign_tickets(
    tickets: Iterable[Ticket], assignee: Account | None, *, actor: Account
) -> int:
    """Assign several tickets at once (the queue's bulk action); each assigned
    ticket gets its history event and its requester one email. Returns how many
    changed."""
    if not is_technician(actor):
        raise TicketRefused(_("Only technicians can change a ticket."))
    if assignee is not None and not is_technician(assignee):
        raise TicketRefused(_("Tickets can only be assigned to technicians."))
    changed = 0
    with transaction.atomic():
        ids = [ticket.pk for ticket in tickets]
        locked_tickets = Ticket.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        now = timezone.now()
        for locked in locked_tickets:
            if locked.assignee_id == (assignee.pk if assignee else None):
                continue
            events = _assign(locked, assignee, actor=actor, now=now)
            locked.updated_at = now
            locked.save(update_fields=["status", "assignee", "updated_at"])
            notifications.queue_update(locked, events, actor=actor)
            changed += 1
    return changed


def _assign(
    locked: Ticket, assignee: Account | None, *, actor: Account, now: datetime
) -> list[TicketEvent]:
    """The assignment, and the move from new to assigned that it makes."""
    if assignee is not None and not is_technician(assignee):
        raise TicketRefused(_("Tickets can only be assigned to technicians."))
    old = locked.assignee.username if locked.assignee is not None else ""
    locked.assignee = assignee
    events = [
        TicketEvent.objects.create(
            ticket=locked, kind=TicketEvent.Kind.ASSIGNED, actor=actor, old_value=old,
            new_value=assignee.username if assignee is not None else "", created_at=now,
        )
    ]
    if assignee is not None and locked.status == Status.NEW:
        events.append(move_status(locked, Status.ASSIGNED, actor=actor, now=now))
    return events


def move_status(
    locked: Ticket,
    status: str,
    *,
    actor: Account,
    now: datetime,
    kind: TicketEvent.Kind | None = None,
) -> TicketEvent:
    """Change the status along the workflow. The requester's reply moves it too
    (waiting → in progress, resolved → in progress), which may_move allows."""
    if not may_move(locked.status, status):
        raise TicketRefused(
            _("A ticket that is %(current)s cannot become %(new)s.")
            % {"current": Status(locked.status).label, "new": Status(status).label}
        )
    old = locked.status
    locked.status = status
    if status == Status.RESOLVED:
        locked.resolved_at = now
    elif status != Status.CLOSED:
        locked.resolved_at = None
    return TicketEvent.objects.create(
        ticket=locked, kind=kind or TicketEvent.Kind.STATUS, actor=actor, old_value=old,
        new_value=status, created_at=now,
    )


def _attach(ticket: Ticket, event: TicketEvent, files: Sequence[CheckedFile]) -> None:
    for checked in files:
        Attachment.objects.create(
            ticket=ticket, event=event, file=checked.upload, name=checked.name,
            content_type=checked.content_type, size=checked.size,
        )


def _refresh(ticket: Ticket, locked: Ticket) -> None:
    """Keep the caller's instance in step with what was saved."""
    for name in ("status", "assignee_id", "resolved_at", "updated_at"):
        setattr(ticket, name, getattr(locked, name))
