"""The technicians' queue: filters, mine and unassigned, bulk assignment, a fixed
number of queries whatever the number of tickets, and 404 for everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.builders import make_claimed_account
from support.models import Status, Ticket
from support.services import TicketUpdate, do_update_ticket
from support.tests.builders import category, make_school, make_technician, open_ticket, signed_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("support:queue")


def numbers(response: Any) -> set[int]:
    return {ticket.pk for ticket in response.context["page"].object_list}


def test_the_queue_is_not_found_for_anyone_but_technicians(requester):
    assert signed_in(requester).get(QUEUE).status_code == 404
    assert signed_in(requester).post(QUEUE, {"assign_to": "me"}).status_code == 404


def test_the_queue_shows_open_tickets_oldest_first_with_their_age(requester, technician):
    first = open_ticket(requester, subject="First")
    second = open_ticket(requester, subject="Second")
    done = open_ticket(requester, subject="Done")
    do_update_ticket(done, TicketUpdate(status=Status.CLOSED), actor=technician)
    response = signed_in(technician).get(QUEUE)
    assert [t.pk for t in response.context["page"].object_list] == [first.pk, second.pk]
    assert "<time datetime=" in response.content.decode()


def test_the_queue_filters_by_status_category_school_and_assignee(requester, technician):
    school = make_school("Hilltop High")
    other_tech = make_technician(given_name="Oscar")
    at_school = open_ticket(requester, school=school)
    access = open_ticket(requester, category=category("access"))
    mine = open_ticket(requester)
    theirs = open_ticket(requester)
    do_update_ticket(
        mine, TicketUpdate(assignee=technician, change_assignee=True), actor=technician
    )
    do_update_ticket(
        theirs, TicketUpdate(assignee=other_tech, change_assignee=True), actor=technician
    )
    closed = open_ticket(requester)
    do_update_ticket(closed, TicketUpdate(status=Status.CLOSED), actor=technician)
    client = signed_in(technician)

    assert numbers(client.get(QUEUE, {"school": school.pk})) == {at_school.pk}
    assert numbers(client.get(QUEUE, {"category": category("access").pk})) == {access.pk}
    assert numbers(client.get(QUEUE, {"assignee": "me"})) == {mine.pk}
    assert numbers(client.get(QUEUE, {"assignee": str(other_tech.pk)})) == {theirs.pk}
    assert numbers(client.get(QUEUE, {"assignee": "none"})) == {at_school.pk, access.pk}
    assert numbers(client.get(QUEUE, {"status": "closed"})) == {closed.pk}
    assert numbers(client.get(QUEUE, {"status": "assigned"})) == {mine.pk, theirs.pk}
    assert len(numbers(client.get(QUEUE, {"status": "all"}))) == 5


def test_bad_filters_show_the_open_queue_not_an_error(requester, technician):
    ticket = open_ticket(requester)
    response = signed_in(technician).get(QUEUE, {"status": "nope", "school": "x", "page": "zz"})
    assert response.status_code == 200
    assert numbers(response) == {ticket.pk}


def test_several_tickets_are_assigned_at_once(
    requester, technician, django_capture_on_commit_callbacks
):
    tickets = [open_ticket(requester) for _ in range(3)]
    client = signed_in(technician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {
                "tickets": [tickets[0].pk, tickets[2].pk],
                "assign_to": "me",
                "query": "assignee=none",
            },
        )
    assert response.status_code == 302 and response["Location"] == QUEUE + "?assignee=none"
    assigned = set(Ticket.objects.filter(assignee=technician).values_list("pk", flat=True))
    assert assigned == {tickets[0].pk, tickets[2].pk}
    assert Ticket.objects.get(pk=tickets[0].pk).status == Status.ASSIGNED


def test_bulk_assignment_refuses_bad_input_without_an_error_page(requester, technician):
    ticket = open_ticket(requester)
    client = signed_in(technician)
    for data in (
        {"assign_to": "me"},
        {"tickets": ["abc"], "assign_to": "me"},
        {"tickets": [ticket.pk], "assign_to": str(requester.pk)},
    ):
        response = client.post(QUEUE, data, follow=True)
        assert response.status_code == 200
    assert Ticket.objects.get().assignee_id is None


def test_the_queue_costs_the_same_queries_for_5_or_40_tickets(requester, technician):
    school = make_school()
    client = signed_in(technician)
    client.get(QUEUE)  # the first view after signing in may write the session

    def queries_for(count: int) -> int:
        for n in range(count):
            people = make_claimed_account()
            ticket = open_ticket(people, school=school)
            if n % 2:
                do_update_ticket(
                    ticket,
                    TicketUpdate(assignee=technician, change_assignee=True),
                    actor=technician,
                )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(captured)

    few = queries_for(5)
    many = queries_for(35)
    assert few == many
    assert many <= 12
