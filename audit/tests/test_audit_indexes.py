"""The lookups the audit log serves (by account, by the staff member who acted, by
kind of event, by person) use an index, while each new event writes as few indexes
as possible: every sign-in appends one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import QuerySet

from accounts.models import Account
from audit.models import AuditEvent, EventType, Outcome
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_prefers_indexes() -> Iterator[None]:
    """A test table is tiny, and PostgreSQL would rather scan it than use an index."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def plan(queryset: QuerySet[AuditEvent]) -> str:
    return queryset.explain()


@pytest.fixture
def events() -> tuple[Account, Account]:
    student = Account.objects.create_user("s0123456", "a student password 42")
    technician = Account.objects.create_user("e000042", "a technician password 42")
    record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=student)
    record(EventType.ACCOUNT_RESET, Outcome.SUCCESS, account=student, actor=technician)
    return student, technician


@pytest.mark.usefixtures("planner_prefers_indexes")
def test_a_persons_history_a_technicians_actions_and_one_kind_of_event_use_indexes(events):
    student, technician = events

    assert "audit_audit_account_bc0f81_idx" in plan(AuditEvent.objects.filter(account=student))
    assert "audit_event_actor_set_idx" in plan(AuditEvent.objects.filter(actor=technician))
    assert "audit_event_type_time_idx" in plan(
        AuditEvent.objects.filter(event_type=EventType.ACCOUNT_RESET)
    )
    assert "audit_auditevent_person_id_41e59516" in plan(AuditEvent.objects.filter(person_id=1))


def test_the_log_keeps_exactly_the_indexes_it_needs():
    """No second index on the account alone (the (account, time) index answers it),
    no index on every event's empty actor, no LIKE-only index on the event type."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    indexes = {
        name for name, details in constraints.items()
        if details["index"] and not details["primary_key"]
    }
    assert indexes == {
        "audit_auditevent_occurred_at_1f007848",
        "audit_auditevent_person_id_41e59516",
        "audit_audit_account_bc0f81_idx",
        "audit_event_type_time_idx",
        "audit_event_actor_set_idx",
    }
