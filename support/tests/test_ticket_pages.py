"""The requester's pages: open a ticket (for oneself or a student), read it, reply;
and what answers 404 to everyone who may not see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.tests.builders import make_claimed_account
from common.tests.client import FormClient
from support.models import Status, Ticket, TicketEvent
from support.services import TicketUpdate, do_update_ticket
from support.tests.builders import (
    category,
    make_class,
    make_school,
    make_teacher,
    open_ticket,
    png,
    signed_in,
)

pytestmark = pytest.mark.django_db

NEW = reverse("support:ticket-new")


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "category": category().pk,
        "subject": "Printer jams",
        "description": "The library printer jams on every page.",
        "priority": "normal",
    }
    data.update(overrides)
    return data


def detail(ticket: Ticket) -> str:
    return reverse("support:ticket-detail", args=[ticket.pk])


def test_a_person_opens_a_ticket_for_themself(requester, django_capture_on_commit_callbacks):
    school = make_school()
    client = signed_in(requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, form(school=school.pk, location="Library"))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(ticket)
    assert (ticket.requester_id, ticket.opened_by_id) == (requester.person_id, requester.pk)
    assert (ticket.school_id, ticket.location, ticket.status) == (school.pk, "Library", Status.NEW)
    page = client.get(detail(ticket))
    assert ticket.number in page.content.decode()


def test_a_teacher_opens_a_ticket_for_their_student(django_capture_on_commit_callbacks):
    teacher = make_teacher()
    student = make_claimed_account(given_name="Sam", family_name="Student")
    assert teacher.person is not None and student.person is not None
    make_class(teacher.person, [student.person])
    client = signed_in(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, form(on_behalf_of=student.username.upper()))
    ticket = Ticket.objects.get()
    assert (ticket.requester_id, ticket.opened_by_id) == (student.person_id, teacher.pk)
    # Both see it: the student as requester, the teacher as the one who opened it.
    assert signed_in(student).get(detail(ticket)).status_code == 200
    assert signed_in(teacher).get(detail(ticket)).status_code == 200


def test_nobody_opens_a_ticket_for_someone_who_is_not_their_student():
    teacher = make_teacher()
    stranger = make_claimed_account(given_name="Una", family_name="Known")
    client = signed_in(teacher)
    for username in (stranger.username, "s0999999"):
        response = client.post(NEW, form(on_behalf_of=username))
        assert response.status_code == 200
        assert "only for yourself or for one of your students" in response.content.decode()
    # A student has no such box at all: what they post is ignored.
    student = make_claimed_account()
    signed_in(student).post(NEW, form(on_behalf_of=stranger.username))
    assert list(Ticket.objects.values_list("requester_id", flat=True)) == [student.person_id]


def test_another_persons_ticket_answers_404(requester):
    ticket = open_ticket(requester)
    stranger = signed_in(make_claimed_account())
    assert stranger.get(detail(ticket)).status_code == 404
    assert stranger.post(detail(ticket), {"body": "me too"}).status_code == 404
    assert stranger.get(reverse("support:ticket-detail", args=[ticket.pk + 999])).status_code == 404
    assert ticket.events.count() == 1


def test_internal_notes_are_the_technicians_only(requester, technician):
    ticket = open_ticket(requester)
    do_update_ticket(
        ticket, TicketUpdate(body="Known-broken model, replace", internal=True), actor=technician
    )
    do_update_ticket(ticket, TicketUpdate(body="We are on it"), actor=technician)
    assert "Known-broken model" not in signed_in(requester).get(detail(ticket)).content.decode()
    tech_page = signed_in(technician).get(detail(ticket)).content.decode()
    assert "Known-broken model" in tech_page and "We are on it" in tech_page


def test_the_requester_replies_and_the_technician_updates_on_the_page(requester, technician):
    ticket = open_ticket(requester)
    tech = signed_in(technician)
    response = tech.post(
        detail(ticket),
        {"body": "Can you send a photo?", "status": Status.WAITING, "assignee": str(technician.pk)},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == (Status.WAITING, technician.pk)

    response = signed_in(requester).post(detail(ticket), {"body": "Here", "attachments": [png()]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    reply = ticket.events.filter(kind=TicketEvent.Kind.REPLY, actor=requester).get()
    assert reply.attachments.count() == 1


def test_a_requester_cannot_change_the_status_by_posting_it(requester):
    ticket = open_ticket(requester)
    signed_in(requester).post(detail(ticket), {"body": "fix it", "status": Status.CLOSED})
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": "", "description": "", "category": ""}, "Enter a subject"),
        ({"subject": "x" * 10_000}, "at most 200 characters"),
        ({"description": "y" * 10_001}, "at most 10000 characters"),
        ({"category": "999999"}, "Choose what the ticket is about."),
        ({"category": "abc"}, "Choose what the ticket is about."),
        ({"priority": "whenever"}, "Select a valid choice"),
        ({"school": "not-a-number"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message(requester, overrides, message):
    response = signed_in(requester).post(NEW, form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_empty_reply_gets_a_clear_message(requester):
    ticket = open_ticket(requester)
    response = signed_in(requester).post(detail(ticket), {"body": "   "})
    assert response.status_code == 200
    assert "Write a reply or attach a file." in response.content.decode()
    assert ticket.events.count() == 1


def test_the_support_pages_need_signing_in(requester):
    ticket = open_ticket(requester)

    for url in (reverse("support:home"), NEW, detail(ticket), reverse("support:queue")):
        response = FormClient().get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_home_page_lists_the_persons_tickets_only(requester):
    mine = open_ticket(requester, subject="My laptop will not charge")
    open_ticket(make_claimed_account(), subject="Someone else's printer")
    page = signed_in(requester).get(reverse("support:home")).content.decode()
    assert mine.number in page and "My laptop will not charge" in page
    assert "Someone else" not in page
