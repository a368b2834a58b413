"""The audit log is data that only grows, and never holds a secret."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Account
from audit.models import AppendOnlyError, AuditEvent, EventType, Outcome
from audit.services import record, record_many
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db


def test_record_keeps_time_ip_user_agent_account_and_outcome():
    account = Account.objects.create_user("e000123", "an IT password 42")
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Chromebook/1")

    event = record(EventType.LOGIN_FAILED, Outcome.FAILURE, request=request, account=account)

    event.refresh_from_db()
    assert event.occurred_at is not None
    assert (event.ip_address, event.user_agent) == ("10.1.2.3", "Chromebook/1")
    assert (event.account_id, event.outcome) == (account.pk, Outcome.FAILURE)


@pytest.mark.parametrize("key", ["password", "password1", "answer", "answers", "token"])
def test_record_refuses_details_that_name_a_secret(key):
    with pytest.raises(ValueError):
        record(EventType.PASSWORD_CHANGED, Outcome.SUCCESS, details={key: "x"})
    assert not AuditEvent.objects.exists()


def test_a_saved_event_cannot_be_changed_or_deleted_one_by_one():
    event = record(EventType.SYNC_APPLIED, Outcome.SUCCESS)
    event.outcome = Outcome.FAILURE
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_changed_or_deleted_in_bulk_either():
    record(EventType.SYNC_APPLIED, Outcome.SUCCESS)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(event_type=EventType.SYNC_APPLIED).update(outcome="failure")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().outcome == Outcome.SUCCESS


def test_the_admin_shows_events_but_cannot_add_change_or_delete_them(client):
    event = record(EventType.LOGIN_FAILED, Outcome.FAILURE, details={"username": "s0123456"})
    client.force_login(Account.objects.create_superuser("itadmin", "an IT password 42"))
    listing = reverse("admin:audit_auditevent_changelist")
    shown = reverse("admin:audit_auditevent_change", args=[event.pk])

    assert client.get(listing).status_code == 200
    page = client.get(shown)
    assert page.status_code == 200
    assert "s0123456" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only: no Save button
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(shown, {"outcome": Outcome.SUCCESS}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get().outcome == Outcome.FAILURE


def test_record_many_writes_every_event_in_one_go():
    events = [AuditEvent(event_type=EventType.PERSON_DEACTIVATED, outcome=Outcome.SUCCESS,
                         person_id=n, details={"sync_run": 1}) for n in range(3)]

    record_many(events)

    assert sorted(AuditEvent.objects.values_list("person_id", flat=True)) == [0, 1, 2]


def test_record_many_writes_nothing_when_one_event_names_a_secret():
    events = [
        AuditEvent(event_type=EventType.ACCOUNT_RENAMED, outcome=Outcome.SUCCESS,
                   details={"old": "s0123456"}),
        AuditEvent(event_type=EventType.ACCOUNT_RENAMED, outcome=Outcome.SUCCESS,
                   details={"password": "hunter22"}),
    ]
    with pytest.raises(ValueError):
        record_many(events)
    assert not AuditEvent.objects.exists()


@pytest.fixture
def it_admin() -> Client:
    client = FormClient()
    client.force_login(Account.objects.create_superuser("itadmin", "an IT password 42"))
    return client


def _changelist(client: Client, query: dict[str, str]) -> Any:
    return client.get("/admin/audit/auditevent/", query)


def test_the_admin_finds_a_persons_events_by_exact_username_in_any_case(it_admin):
    student = Account.objects.create_user("s0123456", "a student password 42")
    other = Account.objects.create_user("s01234569", "a student password 42")
    record(EventType.LOGIN_FAILED, Outcome.FAILURE, account=student)
    record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, account=other)

    response = _changelist(it_admin, {"q": " S0123456 "})

    assert response.status_code == 200
    assert [e.account_id for e in response.context["cl"].result_list] == [student.pk]


def test_the_admin_shows_when_a_persons_failures_locked_the_account(it_admin, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    student = Account.objects.create_user("s0123456", "a student password 42")
    browser = FormClient()
    for password in ("wrong one 1", "wrong one 2", "a student password 42"):
        browser.post("/account/login/", {"username": "S0123456", "password": password})

    found = _changelist(it_admin, {"q": "s0123456"}).context["cl"].result_list

    # The failures are the person's, and the one that locked the account says so.
    # The blocked attempt after it is refused without reading the account (same
    # work whether or not it exists), so it is found by its address instead.
    assert [(e.event_type, e.account_id, e.details["locked"]) for e in found] == [
        (EventType.LOGIN_FAILED, student.pk, True),
        (EventType.LOGIN_FAILED, student.pk, False),
    ]
    by_address = _changelist(it_admin, {"q": "127.0.0.1"}).context["cl"].result_list
    assert EventType.THROTTLED in [e.event_type for e in by_address]


def test_the_admin_finds_events_by_exact_ip_address_and_still_searches_text(it_admin):
    for address in ("10.1.2.3", "10.1.2.30"):
        request = RequestFactory().post("/", REMOTE_ADDR=address)
        record(EventType.LOGIN_FAILED, Outcome.FAILURE, request=request)
    # As rows from before client_ip gave an IPv4 client of a dual-stack server as IPv4.
    AuditEvent.objects.create(
        event_type=EventType.LOGIN_FAILED, outcome=Outcome.FAILURE, ip_address="::ffff:10.1.2.3"
    )
    by_address = _changelist(it_admin, {"q": "10.1.2.3"}).context["cl"].result_list
    by_mapped = _changelist(it_admin, {"q": "::ffff:10.1.2.3"}).context["cl"].result_list
    by_text = _changelist(it_admin, {"q": "10.1.2"}).context["cl"].result_list

    # Both spellings of one client (older rows kept the dual-stack form).
    assert sorted(e.ip_address for e in by_address) == ["10.1.2.3", "::ffff:10.1.2.3"]
    assert sorted(e.ip_address for e in by_mapped) == ["10.1.2.3", "::ffff:10.1.2.3"]
    assert sorted(e.ip_address for e in by_text) == ["10.1.2.3", "10.1.2.30", "::ffff:10.1.2.3"]


def test_the_admin_lists_events_by_period_without_a_full_count(it_admin):
    record(EventType.LOGIN_FAILED, Outcome.FAILURE)
    response = _changelist(it_admin, {})
    assert response.status_code == 200
    assert "occurred_at__gte" in response.content.decode()  # the period filter's links
    assert response.context["cl"].show_full_result_count is False
