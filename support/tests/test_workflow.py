"""The work order's life and its history, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.builders import make_claimed_account
from support.models import Status, Ticket, TicketEvent
from support.services import (
    TicketRefused,
    TicketUpdate,
    do_assign_tickets,
    do_requester_reply,
    do_update_ticket,
)
from support.tests.builders import open_ticket

pytestmark = pytest.mark.django_db


def kinds(ticket: Ticket) -> list[tuple[str, int | None, str, str]]:
    return [
        (event.kind, event.actor_id, event.old_value, event.new_value)
        for event in ticket.events.all()
    ]


def test_every_change_is_kept_in_the_history_with_actor_and_time(requester, technician):
    ticket = open_ticket(requester)
    do_update_ticket(
        ticket, TicketUpdate(assignee=technician, change_assignee=True), actor=technician
    )
    do_update_ticket(ticket, TicketUpdate(status=Status.IN_PROGRESS), actor=technician)
    do_update_ticket(
        ticket, TicketUpdate(body="Checking the cable", internal=True), actor=technician
    )
    do_update_ticket(
        ticket, TicketUpdate(body="Which room?", status=Status.WAITING), actor=technician
    )
    do_requester_reply(ticket, "Room 12", actor=requester)

    assert kinds(ticket) == [
        ("opened", requester.pk, "", ""),
        ("assigned", technician.pk, "", technician.username),
        ("status", technician.pk, "new", "assigned"),
        ("status", technician.pk, "assigned", "in_progress"),
        ("note", technician.pk, "", ""),
        ("reply", technician.pk, "", ""),
        ("status", technician.pk, "in_progress", "waiting"),
        ("reply", requester.pk, "", ""),
        ("status", requester.pk, "waiting", "in_progress"),
    ]
    assert all(event.created_at is not None for event in ticket.events.all())
    assert ticket.events.get(kind=TicketEvent.Kind.NOTE).is_public is False
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_assigning_a_new_ticket_makes_it_assigned(requester, technician):
    ticket = open_ticket(requester)
    assert do_assign_tickets([ticket], technician, actor=technician) == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == (Status.ASSIGNED, technician.pk)
    assert do_assign_tickets([ticket], technician, actor=technician) == 0


def test_a_reply_reopens_a_resolved_ticket_within_the_window(requester, technician, settings):
    settings.SUPPORT_REOPEN_WINDOW = timedelta(days=7)
    ticket = open_ticket(requester)
    do_update_ticket(ticket, TicketUpdate(status=Status.RESOLVED), actor=technician)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None

    do_requester_reply(ticket, "It broke again", actor=requester)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED).count() == 1


def test_a_reply_after_the_window_is_refused(requester, technician, settings, time_machine):
    settings.SUPPORT_REOPEN_WINDOW = timedelta(days=7)
    ticket = open_ticket(requester)
    do_update_ticket(ticket, TicketUpdate(status=Status.RESOLVED), actor=technician)
    time_machine.move_to(timezone.now() + timedelta(days=8))
    with pytest.raises(TicketRefused):
        do_requester_reply(ticket, "It broke again", actor=requester)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_a_closed_ticket_takes_no_reply_and_no_move(requester, technician):
    ticket = open_ticket(requester)
    do_update_ticket(ticket, TicketUpdate(status=Status.CLOSED), actor=technician)
    with pytest.raises(TicketRefused):
        do_requester_reply(ticket, "hello?", actor=requester)
    with pytest.raises(TicketRefused):
        do_update_ticket(ticket, TicketUpdate(status=Status.IN_PROGRESS), actor=technician)
    assert ticket.events.count() == 2


def test_only_technicians_change_tickets_or_are_assigned(requester, technician):
    ticket = open_ticket(requester)
    with pytest.raises(TicketRefused):
        do_update_ticket(ticket, TicketUpdate(status=Status.CLOSED), actor=requester)
    with pytest.raises(TicketRefused):
        do_assign_tickets([ticket], requester, actor=technician)
    other = make_claimed_account()
    with pytest.raises(TicketRefused):
        do_assign_tickets([ticket], technician, actor=other)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == (Status.NEW, None)
