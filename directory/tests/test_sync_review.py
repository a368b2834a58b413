"""A refused run waits in the admin: an IT administrator approves it (the same
package applies, as --force would) or discards it; both are audited with the actor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import IT_ADMINISTRATOR, TECHNICIAN
from accounts.tests.builders import make_staff_account
from audit.models import AuditEvent, EventType, Outcome
from directory.models import Enrollment, Person, SyncRun
from directory.tests.sync_helpers import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:directory_syncrun_changelist")


def act(client: Client, action: str, run: SyncRun):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [run.pk]}, follow=True
    )


def test_the_admin_shows_what_a_refused_run_would_do(refused_run):
    client = client_for(make_staff_account(IT_ADMINISTRATOR))

    page = client.get(reverse("admin:directory_syncrun_change", args=[refused_run.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "held back" in text and "enrollments.csv:7 classSourcedId" in text
    assert "--force" in text


def test_an_it_administrator_approves_a_refused_run_and_it_applies(refused_run):
    admin = make_staff_account(IT_ADMINISTRATOR)
    people_before = Person.objects.count()

    act(client_for(admin), "approve_runs", refused_run)

    refused_run.refresh_from_db()
    assert refused_run.review == SyncRun.Review.APPROVED
    assert refused_run.reviewed_by == admin
    assert Person.objects.count() == people_before + 5
    assert Enrollment.objects.count() == 5
    applied = SyncRun.objects.get(result=SyncRun.Result.APPLIED)
    event = AuditEvent.objects.get(event_type=EventType.SYNC_APPROVED)
    assert event.actor_id == admin.pk and event.outcome == Outcome.SUCCESS
    assert event.details["sync_run"] == refused_run.pk
    assert event.details["applied_run"] == applied.pk
    assert not Path(refused_run.held_package).exists()


def test_an_it_administrator_discards_a_refused_run(refused_run):
    admin = make_staff_account(IT_ADMINISTRATOR)

    act(client_for(admin), "discard_runs", refused_run)

    refused_run.refresh_from_db()
    assert refused_run.review == SyncRun.Review.DISCARDED
    assert refused_run.reviewed_by == admin
    assert not Enrollment.objects.exists()
    event = AuditEvent.objects.get(event_type=EventType.SYNC_DISCARDED)
    assert event.actor_id == admin.pk
    assert not Path(refused_run.held_package).exists()
    # A discarded run cannot be approved afterwards.
    act(client_for(admin), "approve_runs", refused_run)
    assert not AuditEvent.objects.filter(event_type=EventType.SYNC_APPROVED).exists()


def test_a_technician_can_neither_approve_nor_discard(refused_run):
    client = client_for(make_staff_account(TECHNICIAN))

    page = client.get(CHANGELIST)
    response = act(client, "approve_runs", refused_run)
    act(client, "discard_runs", refused_run)

    assert "approve_runs" not in page.content.decode()
    assert response.status_code == 200
    refused_run.refresh_from_db()
    assert refused_run.review == SyncRun.Review.PENDING
    assert not Enrollment.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type__in=[EventType.SYNC_APPROVED, EventType.SYNC_DISCARDED]
    ).exists()
