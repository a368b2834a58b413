"""Equipment requests: "all equipment requests must be made using the Technology
Support Center by your immediate supervisor".

Only the person's supervisor in the HR data (directory Person.supervisor) may
request equipment for them. A technician approves or declines the request, then
records what was handed out (item, asset tag, serial number) on the person."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from directory.models import Person
from support import notifications
from support.access import is_technician
from support.models import (
    Category,
    EquipmentItem,
    EquipmentRequest,
    HandedOut,
    Status,
    Ticket,
    TicketEvent,
)
from support.services import TicketRefused, move_status


def direct_reports(account: Account) -> QuerySet[Person]:
    """The active people whose immediate supervisor (from HR) is this account's person."""
    if account.person_id is None:
        return Person.objects.none()
    return Person.objects.active().filter(supervisor_id=account.person_id)


def do_request_equipment(
    person: Person, item: EquipmentItem, reason: str, *, supervisor: Account
) -> EquipmentRequest:
    """Open the equipment ticket for a direct report. Refused for anyone who is not
    the person's immediate supervisor."""
    if supervisor.person_id is None or person.supervisor_id != supervisor.person_id:
        raise TicketRefused(
            _("Only a person's immediate supervisor can request equipment for them.")
        )
    with transaction.atomic():
        now = timezone.now()
        subject = _("%(item)s for %(name)s") % {
            "item": item.name_en, "name": person.display_name,
        }
        ticket = Ticket.objects.create(
            subject=subject[:200], description=reason,
            category=Category.objects.get(code=Category.EQUIPMENT),
            requester=person, opened_by=supervisor, school=person.primary_org,
            created_at=now, updated_at=now,
        )
        equipment = EquipmentRequest.objects.create(ticket=ticket, item=item, person=person)
        event = TicketEvent.objects.create(
            ticket=ticket, kind=TicketEvent.Kind.OPENED, actor=supervisor, created_at=now
        )
        notifications.queue_update(ticket, [event], actor=supervisor)
    return equipment


def do_decide_equipment(
    equipment: EquipmentRequest, *, approve: bool, actor: Account, note: str = ""
) -> EquipmentRequest:
    """Approve (the ticket goes in progress until it is handed out) or decline (the
    ticket is resolved). Once only."""
    _check_technician(actor)
    with transaction.atomic():
        locked = EquipmentRequest.objects.select_for_update().select_related("ticket").get(
            pk=equipment.pk
        )
        if locked.state != EquipmentRequest.State.PENDING:
            raise TicketRefused(_("This equipment request has already been answered."))
        now = timezone.now()
        locked.state = (
            EquipmentRequest.State.APPROVED if approve else EquipmentRequest.State.DECLINED
        )
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        kind = (
            TicketEvent.Kind.EQUIPMENT_APPROVED if approve else TicketEvent.Kind.EQUIPMENT_DECLINED
        )
        target = Status.IN_PROGRESS if approve else Status.RESOLVED
        _finish(locked.ticket, kind, target, actor=actor, body=note)
    return locked


def do_record_handout(
    equipment: EquipmentRequest,
    *,
    item: EquipmentItem,
    asset_tag: str,
    serial_number: str,
    actor: Account,
) -> HandedOut:
    """Record what was handed out on the person and resolve the ticket."""
    _check_technician(actor)
    with transaction.atomic():
        locked = EquipmentRequest.objects.select_for_update().select_related("ticket").get(
            pk=equipment.pk
        )
        if locked.state != EquipmentRequest.State.APPROVED:
            raise TicketRefused(_("Only an approved request can be handed out, once."))
        handed = HandedOut.objects.create(
            person_id=locked.person_id, item=item, asset_tag=asset_tag.strip(),
            serial_number=serial_number.strip(), request=locked, handed_out_by=actor,
        )
        locked.state = EquipmentRequest.State.HANDED_OUT
        locked.save(update_fields=["state"])
        _finish(
            locked.ticket, TicketEvent.Kind.EQUIPMENT_HANDED_OUT, Status.RESOLVED,
            actor=actor, new_value=item.name_en,
        )
    return handed


def _check_technician(actor: Account) -> None:
    if not is_technician(actor):
        raise TicketRefused(_("Only technicians can change a ticket."))


def _finish(
    ticket: Ticket, kind: str, status: str, *, actor: Account, body: str = "", new_value: str = ""
) -> None:
    now = timezone.now()
    events = [
        TicketEvent.objects.create(
            ticket=ticket, kind=kind, actor=actor, body=body.strip(), new_value=new_value,
            created_at=now,
        )
    ]
    if ticket.status != status:
        events.append(move_status(ticket, status, actor=actor, now=now))
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    notifications.queue_update(ticket, events, actor=actor)
