"""Teachers' account-reset requests: their students only (by URL too), a ticket of
the account-reset category, a technician's approve (the account is reset as the
accounts app does it) or decline, and an email to the teacher at each step."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType
from support.models import Category, ResetRequest, Status
from support.tests.builders import make_class, make_teacher, signed_in

pytestmark = pytest.mark.django_db

# "My students" lives on the dashboard; the support center's address leads there.
STUDENTS = reverse("dashboard:students")


@pytest.fixture
def classroom(db: None) -> tuple[Account, Account, Account]:
    """A teacher, their student, and a student of another class."""
    teacher = make_teacher()
    student = make_claimed_account(given_name="Sam", family_name="Student")
    stranger = make_claimed_account(given_name="Una", family_name="Other")
    assert teacher.person is not None and student.person is not None
    make_class(teacher.person, [student.person])
    return teacher, student, stranger


def request_url(account: Account) -> str:
    return reverse("support:reset-request", args=[account.person_id])


def test_a_teacher_sees_their_students_only(classroom: Any) -> None:
    teacher, student, _ = classroom
    page = signed_in(teacher).get(STUDENTS).content.decode()
    assert student.person.display_username in page and "Sam Student" in page
    assert "Una Other" not in page


def test_a_teacher_cannot_request_a_reset_for_anyone_else_by_url(classroom: Any) -> None:
    teacher, student, stranger = classroom
    client = signed_in(teacher)
    assert client.get(request_url(stranger)).status_code == 404
    assert client.post(request_url(stranger), {"reason": "forgot"}).status_code == 404
    assert (
        client.post(reverse("support:reset-request", args=[999999]), {"reason": "x"}).status_code
        == 404
    )
    # Nor may anyone who is not a teacher, for anyone.
    assert signed_in(stranger).get(request_url(student)).status_code == 404
    assert signed_in(stranger).get(STUDENTS).status_code == 404
    assert not ResetRequest.objects.exists()


def test_an_empty_reason_gets_a_clear_message(classroom: Any) -> None:
    teacher, student, _ = classroom
    response = signed_in(teacher).post(request_url(student), {"reason": "  "})
    assert response.status_code == 200
    assert "Give the reason for the reset." in response.content.decode()


def test_approved_the_student_claims_again_and_the_teacher_is_emailed_each_step(
    classroom: Any, technician: Account, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    teacher, student, _ = classroom
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(teacher).post(
            request_url(student), {"reason": "Does not remember the challenge answers"}
        )
    reset = ResetRequest.objects.get()
    ticket = reset.ticket
    assert response["Location"] == reverse("support:ticket-detail", args=[ticket.pk])
    assert ticket.category.code == Category.ACCOUNT_RESET
    assert (ticket.requester_id, ticket.opened_by_id) == (student.person_id, teacher.pk)
    assert teacher.email in [m.to[0] for m in mailoutbox]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(technician).post(
            reverse("support:reset-decide", args=[ticket.pk, "approve"]), {"note": "Done"}
        )
    student.refresh_from_db()
    assert not student.is_claimed and not student.has_usable_password()
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_RESET)
    assert (event.account_id, event.actor_id) == (student.pk, technician.pk)
    reset.refresh_from_db()
    ticket.refresh_from_db()
    assert (reset.state, reset.decided_by_id, ticket.status) == (
        ResetRequest.State.APPROVED,
        technician.pk,
        Status.RESOLVED,
    )
    teacher_mail = [m for m in mailoutbox if m.to == [teacher.email]]
    assert len(teacher_mail) == 1
    assert "must claim it again" in teacher_mail[0].body


def test_declined_nothing_is_reset_and_the_teacher_is_told(
    classroom: Any, technician: Account, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    teacher, student, _ = classroom
    signed_in(teacher).post(request_url(student), {"reason": "forgot"})
    ticket = ResetRequest.objects.get().ticket
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(technician).post(
            reverse("support:reset-decide", args=[ticket.pk, "decline"]),
            {"note": "Use the forgot-password page"},
        )
    student.refresh_from_db()
    assert student.is_claimed and student.check_password(DEFAULT_PASSWORD)
    assert ResetRequest.objects.get().state == ResetRequest.State.DECLINED
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert "declined" in mail.body and "Use the forgot-password page" in mail.body


def test_a_request_is_answered_once_and_only_by_technicians(
    classroom: Any, technician: Account
) -> None:
    teacher, student, _ = classroom
    signed_in(teacher).post(request_url(student), {"reason": "forgot"})
    ticket = ResetRequest.objects.get().ticket
    approve = reverse("support:reset-decide", args=[ticket.pk, "approve"])
    assert signed_in(teacher).post(approve).status_code == 404
    tech = signed_in(technician)
    tech.post(approve)
    response = tech.post(reverse("support:reset-decide", args=[ticket.pk, "decline"]), follow=True)
    assert "already been answered" in response.content.decode()
    assert ResetRequest.objects.get().state == ResetRequest.State.APPROVED
    assert AuditEvent.objects.filter(event_type=EventType.ACCOUNT_RESET).count() == 1
