"""The audit viewer: each filter, keyset pages that neither repeat nor skip an event,
and the CSV of what the filters select."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, EventType, Outcome
from audit.services import record
from dashboard.tests.builders import District, client_for
from dashboard.views_audit import EVENTS_PER_PAGE

pytestmark = pytest.mark.django_db

AUDIT = reverse("dashboard:audit")


def shown(response: object) -> list[int]:
    return [event.pk for event in response.context["events"]]  # type: ignore[attr-defined]


def test_pages_walk_every_event_once_newest_first(district: District) -> None:
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        # Many events in the same instant: the id breaks the tie.
        for _ in range(EVENTS_PER_PAGE + 7):
            record(EventType.LOGIN_FAILED, Outcome.FAILURE, account=district.claimed)
    client = client_for(district.technician)
    seen: list[int] = []
    response = client.get(AUDIT, {"event": EventType.LOGIN_FAILED})
    while True:
        seen += shown(response)
        token = response.context["next_token"]
        if not token:
            break
        response = client.get(AUDIT, {"event": EventType.LOGIN_FAILED, "before": token})
    expected = list(
        AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED)
        .order_by("-occurred_at", "-pk").values_list("pk", flat=True)
    )
    assert seen == expected and len(seen) == EVENTS_PER_PAGE + 7


def test_each_filter_narrows_the_events(district: District) -> None:
    record(EventType.LOGIN_FAILED, Outcome.FAILURE, account=district.claimed)
    record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.south_claimed)
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=district.claimed)
    client = client_for(district.technician)
    assert district.claimed.person_id is not None
    by_person = shown(client.get(AUDIT, {"person": district.claimed.username.upper()}))
    assert set(by_person) == set(
        AuditEvent.objects.filter(person_id=district.claimed.person_id).values_list("pk", flat=True)
    )
    by_id = shown(client.get(AUDIT, {"person": district.claimed.person.identifier}))  # type: ignore[union-attr]
    assert by_id == by_person
    outcome = client.get(AUDIT, {"outcome": Outcome.FAILURE}).context["events"]
    assert {e.outcome for e in outcome} == {Outcome.FAILURE}
    today = timezone.localdate()
    recent = client.get(AUDIT, {"event": EventType.LOGIN_SUCCEEDED, "since": today.isoformat()})
    assert [e.account_id for e in recent.context["events"]] == [district.south_claimed.pk]
    older = client.get(AUDIT, {
        "event": EventType.LOGIN_SUCCEEDED, "until": (today - timedelta(days=1)).isoformat(),
    })
    assert [e.account_id for e in older.context["events"]] == [district.claimed.pk]


def test_by_address(district: District) -> None:
    client = client_for(district.technician)
    client.get(AUDIT, REMOTE_ADDR="203.0.113.77")  # viewing the log is itself an event
    events = client.get(AUDIT, {"address": "203.0.113.77"}).context["events"]
    assert len(events) == 1 and events[0].ip_address == "203.0.113.77"


def test_the_csv_holds_the_filtered_events(district: District) -> None:
    record(EventType.ACCOUNT_RESET, Outcome.SUCCESS, account=district.claimed,
           actor=district.technician, details={"sessions_ended": 2})
    response = client_for(district.district_admin).get(
        AUDIT, {"event": EventType.ACCOUNT_RESET, "csv": "events"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Time", "Event", "Outcome", "Account"]
    (row,) = rows[1:]
    assert row[1:4] == ["account.reset", "success", district.claimed.username]
    assert row[5] == district.technician.username and row[8] == '{"sessions_ended": 2}'


def test_a_bad_cursor_shows_the_first_page(district: District) -> None:
    response = client_for(district.technician).get(AUDIT, {"before": "yesterday_1"})
    assert response.status_code == 200 and response.context["first_page"]
