"""Every look at people's records is an audit event: who looked, at whom, from where,
on which page. Figures without names are not records and are not logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent, EventType
from dashboard.tests.builders import District, client_for

pytestmark = pytest.mark.django_db


def viewed() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.RECORDS_VIEWED).order_by("pk"))


def test_each_record_page_leaves_one_event_naming_the_people_shown(district: District) -> None:
    admin = client_for(district.district_admin)
    teacher = client_for(district.teacher)
    north, math = district.north.pk, district.math.pk
    visits = [
        (admin, reverse("dashboard:school-people", args=[north]), {}, "school-people",
         {district.unclaimed.pk, district.other_class.pk}),
        (admin, reverse("dashboard:school-people", args=[north]), {"csv": "people"},
         "school-people.csv", {district.unclaimed.pk, district.other_class.pk}),
        (admin, reverse("dashboard:class-people", args=[math]), {"state": "all"}, "class-people",
         {district.claimed.person_id, district.unclaimed.pk, district.waiting.pk}),
        (teacher, reverse("dashboard:students"), {}, "my-students",
         {district.claimed.person_id, district.unclaimed.pk, district.waiting.pk}),
        (teacher, reverse("dashboard:letters"), {"student": district.unclaimed.pk},
         "claim-letters", {district.unclaimed.pk}),
    ]
    for client, url, query, view, people in visits:
        assert isinstance(query, dict)
        before = len(viewed())
        assert client.get(url, query, REMOTE_ADDR="198.51.100.9").status_code == 200
        events = viewed()[before:]
        assert len(events) == 1, view
        event = events[0]
        assert event.details["view"] == view
        assert set(event.details["people"]) == people
        assert event.ip_address == "198.51.100.9"
        expected_actor = district.teacher if client is teacher else district.district_admin
        assert event.actor_id == expected_actor.pk


def test_an_account_page_names_its_person(district: District) -> None:
    url = reverse("dashboard:account", args=[district.unclaimed.pk])
    client_for(district.technician).get(url)
    (event,) = viewed()
    assert event.person_id == district.unclaimed.pk and event.actor_id == district.technician.pk
    assert event.details == {"view": "account"}


def test_figures_without_names_are_not_logged_and_refusals_show_nothing(
    district: District,
) -> None:
    client_for(district.district_admin).get(reverse("dashboard:home"))
    client_for(district.school_admin).get(reverse("dashboard:school", args=[district.north.pk]))
    south = reverse("dashboard:account", args=[district.south_claimed.person_id])
    assert client_for(district.school_admin).get(south).status_code == 404
    assert viewed() == []
