"""Equipment requests: only the immediate supervisor (HR data) requests, for a direct
report; a technician approves or declines, then records what was handed out on the
person, which technicians see on the person's equipment page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from directory.models import Person
from support.models import EquipmentItem, EquipmentRequest, HandedOut, Status
from support.tests.builders import signed_in

pytestmark = pytest.mark.django_db

REQUEST = reverse("support:equipment-request")


@pytest.fixture
def team(db: None) -> tuple[Account, Account, Account]:
    """A supervisor, their direct report, and a colleague who reports elsewhere."""
    supervisor = make_claimed_account(role=Person.Role.STAFF, given_name="Sue", family_name="Boss")
    report = make_claimed_account(role=Person.Role.STAFF, given_name="Ray", family_name="Report")
    colleague = make_claimed_account(role=Person.Role.STAFF, given_name="Col", family_name="League")
    assert report.person is not None
    Person.objects.filter(pk=report.person.pk).update(supervisor_id=supervisor.person_id)
    return supervisor, report, colleague


def laptop() -> EquipmentItem:
    return EquipmentItem.objects.get(name_en="Laptop")


def test_only_the_immediate_supervisor_can_request(team: Any) -> None:
    supervisor, report, colleague = team
    # The report and the colleague have no direct reports: they are told why.
    for account in (report, colleague):
        page = signed_in(account).get(REQUEST)
        assert "must be made by the person's immediate supervisor" in page.content.decode()
        response = signed_in(account).post(
            REQUEST, {"person": report.person_id, "item": laptop().pk, "reason": "new hire"}
        )
        assert "immediate supervisor" in response.content.decode()
    # The supervisor cannot ask for someone who does not report to them.
    response = signed_in(supervisor).post(
        REQUEST, {"person": colleague.person_id, "item": laptop().pk, "reason": "x"}
    )
    assert response.status_code == 200
    assert "Choose one of your direct reports." in response.content.decode()
    assert not EquipmentRequest.objects.exists()


def test_requested_approved_and_handed_out_is_recorded_on_the_person(
    team: Any, technician: Account, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    supervisor, report, _ = team
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(supervisor).post(
            REQUEST, {"person": report.person_id, "item": laptop().pk, "reason": "New hire"}
        )
    equipment = EquipmentRequest.objects.get()
    ticket = equipment.ticket
    assert response["Location"] == reverse("support:ticket-detail", args=[ticket.pk])
    assert (ticket.requester_id, ticket.opened_by_id, ticket.category.code) == (
        report.person_id,
        supervisor.pk,
        "equipment",
    )
    tech = signed_in(technician)
    with django_capture_on_commit_callbacks(execute=True):
        tech.post(reverse("support:equipment-decide", args=[ticket.pk, "approve"]))
        tech.post(
            reverse("support:equipment-handout", args=[ticket.pk]),
            {"item": laptop().pk, "asset_tag": "CCPS-00412", "serial_number": "5CD1234XYZ"},
        )
    held = HandedOut.objects.get()
    assert (held.person_id, held.asset_tag, held.serial_number, held.handed_out_by_id) == (
        report.person_id,
        "CCPS-00412",
        "5CD1234XYZ",
        technician.pk,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    page = tech.get(reverse("support:person-equipment", args=[report.person_id]))
    assert "CCPS-00412" in page.content.decode()
    # The supervisor was emailed at each step.
    assert sum(m.to == [supervisor.email] for m in mailoutbox) == 3
    # Nobody but a technician sees a person's equipment, nor answers a request.
    assert (
        signed_in(supervisor)
        .get(reverse("support:person-equipment", args=[report.person_id]))
        .status_code
        == 404
    )
    assert (
        signed_in(supervisor)
        .post(reverse("support:equipment-decide", args=[ticket.pk, "decline"]))
        .status_code
        == 404
    )


def test_a_declined_request_hands_nothing_out(team: Any, technician: Account) -> None:
    supervisor, report, _ = team
    signed_in(supervisor).post(
        REQUEST, {"person": report.person_id, "item": laptop().pk, "reason": "Spare"}
    )
    ticket = EquipmentRequest.objects.get().ticket
    tech = signed_in(technician)
    tech.post(
        reverse("support:equipment-decide", args=[ticket.pk, "decline"]), {"note": "No stock"}
    )
    response = tech.post(
        reverse("support:equipment-handout", args=[ticket.pk]),
        {"item": laptop().pk, "asset_tag": "X1"},
        follow=True,
    )
    assert "Only an approved request can be handed out" in response.content.decode()
    assert EquipmentRequest.objects.get().state == EquipmentRequest.State.DECLINED
    assert not HandedOut.objects.exists()
