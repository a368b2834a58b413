"""common.inserts.insert_row writes the row Model.objects.create() would write."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent, EventType, Outcome
from common.inserts import insert_row

pytestmark = pytest.mark.django_db

FIELDS = ["event_type", "outcome", "account_id", "person_id", "actor_id", "ip_address",
          "user_agent", "details"]


def _values(event: AuditEvent) -> dict[str, object]:
    return {name: getattr(event, name) for name in FIELDS}


def test_the_row_matches_the_orms_own_insert_field_by_field():
    details = {"username": "s0123456", "accents": "Nguyễn Peña", "nested": {"n": [1, 2]}}
    kwargs = dict(event_type=EventType.LOGIN_SUCCEEDED, outcome=Outcome.SUCCESS,
                  account_id=41, person_id=7, ip_address="10.0.0.9",
                  user_agent="Chromebook/1", details=details)
    by_orm = AuditEvent.objects.create(**kwargs)
    ours = AuditEvent(**kwargs)

    insert_row(ours)

    loaded = AuditEvent.objects.get(pk=ours.pk)
    assert _values(loaded) == _values(AuditEvent.objects.get(pk=by_orm.pk))
    assert loaded.details == details


def test_it_sets_the_primary_key_time_and_state_like_save():
    before = timezone.now()
    event = AuditEvent(event_type=EventType.LOGOUT, outcome=Outcome.SUCCESS)

    insert_row(event)

    assert event.pk is not None and not event._state.adding
    assert event._state.db == "default"
    assert before <= event.occurred_at <= timezone.now()  # auto_now_add ran
    assert AuditEvent.objects.get(pk=event.pk).occurred_at == event.occurred_at


def test_each_call_is_one_insert_statement():
    insert_row(AuditEvent(event_type=EventType.LOGOUT, outcome=Outcome.SUCCESS))
    with CaptureQueriesContext(connection) as captured:
        insert_row(AuditEvent(event_type=EventType.LOGOUT, outcome=Outcome.SUCCESS))
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]


def test_consecutive_rows_get_their_own_keys():
    first = AuditEvent(event_type=EventType.LOGOUT, outcome=Outcome.SUCCESS)
    second = AuditEvent(event_type=EventType.LOGOUT, outcome=Outcome.FAILURE)
    insert_row(first)
    insert_row(second)
    assert first.pk != second.pk
    assert AuditEvent.objects.get(pk=second.pk).outcome == Outcome.FAILURE


def test_a_failed_insert_inside_atomic_marks_the_transaction_for_rollback():
    too_long = AuditEvent(event_type="x" * 41, outcome=Outcome.SUCCESS)  # max_length 40
    with transaction.atomic():
        with pytest.raises(DatabaseError):
            # SQLite does not enforce max_length; a NULL in a NOT NULL column fails on both.
            too_long.outcome = None  # type: ignore[assignment]
            insert_row(too_long)
        assert transaction.get_connection().needs_rollback
        with pytest.raises(TransactionManagementError):
            AuditEvent.objects.count()
