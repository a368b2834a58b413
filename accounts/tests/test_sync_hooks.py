"""Accounts follow the directory: a sync that changes a person's identifier (and so
their username) renames their account through settings.DIRECTORY_SYNC_HOOKS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from accounts.sync_hooks import follow_username_changes
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from audit.models import AuditEvent, EventType, Outcome
from common.tests.client import FormClient
from directory.models import Person
from directory.sync import sync_hr, sync_oneroster
from directory.sync.hooks import SyncChanges, UsernameChange
from directory.tests.sync_helpers import copy_set, edit

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
OLD_ROW = "Maria,García,Luz,123456,"
NEW_ROW = "Maria,García,Luz,654321,"


@pytest.fixture(autouse=True)
def _clear_throttles() -> None:
    cache.clear()


def signs_in(username: str) -> bool:
    response = FormClient().post(
        reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD}
    )
    return bool(response.status_code == 302)


def claimed_maria(tmp_path: Path) -> tuple[Account, Path]:
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    account = make_claimed_account(person=Person.objects.get(sourced_id="u-s1"))
    assert account.username == "s0123456"
    edit(folder / "users.csv", OLD_ROW, NEW_ROW)
    return account, folder


def test_a_changed_identifier_renames_the_account_and_the_new_username_signs_in(tmp_path):
    account, folder = claimed_maria(tmp_path)

    report = sync_oneroster(folder, now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    account.refresh_from_db()
    assert account.username == "s0654321"
    assert signs_in("S0654321")
    assert not signs_in("s0123456")
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_RENAMED)
    assert (event.account_id, event.outcome) == (account.pk, Outcome.SUCCESS)
    assert event.details["old"] == "s0123456"
    assert event.details["new"] == "s0654321"
    assert event.details["sync_run"] == report.sync_run_id


def test_a_dry_run_renames_nothing(tmp_path):
    account, folder = claimed_maria(tmp_path)

    report = sync_oneroster(folder, dry_run=True, now=NOW + timedelta(days=1))

    assert report.result == "dry_run"
    account.refresh_from_db()
    assert account.username == "s0123456"
    assert Person.objects.get(sourced_id="u-s1").username == "s0123456"
    assert signs_in("s0123456")
    assert not AuditEvent.objects.filter(event_type=EventType.ACCOUNT_RENAMED).exists()


def test_two_accounts_trading_usernames_both_follow(tmp_path):
    # The directory refuses such a swap in one run today; the hook must not rely on
    # that: the accounts pass through placeholders, so neither UPDATE meets the
    # other's old name.
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    maria = make_claimed_account(person=Person.objects.get(sourced_id="u-s1"))
    minh = make_claimed_account(person=Person.objects.get(sourced_id="u-s2"))
    swap = SyncChanges(
        renamed=[
            UsernameChange(maria.person_id or 0, maria.username, minh.username),
            UsernameChange(minh.person_id or 0, minh.username, maria.username),
        ]
    )

    follow_username_changes(swap)

    old_maria, old_minh = maria.username, minh.username
    maria.refresh_from_db()
    minh.refresh_from_db()
    assert (maria.username, minh.username) == (old_minh, old_maria)


def test_a_username_taken_by_another_account_is_kept_and_audited(tmp_path):
    account, folder = claimed_maria(tmp_path)
    Account.objects.create_user("s0654321", "it-staff-password-1")

    report = sync_oneroster(folder, now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    account.refresh_from_db()
    assert account.username == "s0123456"
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_RENAMED)
    assert event.outcome == Outcome.FAILURE
    assert event.details["reason"] == "username_taken"


def test_the_hook_renames_accounts_with_a_fixed_number_of_queries(tmp_path):
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    people = list(Person.objects.filter(role=Person.Role.STUDENT)[:3])
    accounts = [make_claimed_account(person=p) for p in people]
    changes = SyncChanges(
        renamed=[UsernameChange(p.pk, p.username, f"s0{900000 + n}") for n, p in enumerate(people)]
    )
    with CaptureQueriesContext(connection) as queries:
        follow_username_changes(changes)
    # select accounts, select taken names, park, rename, insert audit rows
    assert len(queries) == 5
    renamed = Account.objects.filter(pk__in=[a.pk for a in accounts])
    assert sorted(renamed.values_list("username", flat=True)) == [
        "s0900000",
        "s0900001",
        "s0900002",
    ]


def test_an_hr_role_change_that_changes_the_username_renames_the_account(tmp_path, settings):
    # With a separate template for staff, a teacher who becomes staff gets a new
    # username from the HR sync; the account follows.
    settings.USERNAME_TEMPLATES = {**settings.USERNAME_TEMPLATES, "staff": "st{identifier}"}
    path = tmp_path / "hr.csv"
    path.write_text("employee_id,first_name,last_name,role\n8,Kim,Park,Teacher\n")
    sync_hr(path, now=NOW)
    account = make_claimed_account(person=Person.objects.get(identifier="000008"))
    assert account.username == "e000008"
    path.write_text("employee_id,first_name,last_name,role\n8,Kim,Park,Staff\n")

    report = sync_hr(path, now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    account.refresh_from_db()
    assert account.username == "st000008"
    assert signs_in("ST000008")
