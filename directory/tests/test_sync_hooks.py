"""settings.DIRECTORY_SYNC_HOOKS: called inside the apply transaction with what changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directory.models import Person, SyncRun
from directory.sync import sync_oneroster
from directory.sync.hooks import SyncChanges
from directory.tests.sync_helpers import copy_set, edit, remove_line

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
HOOK = "directory.tests.test_sync_hooks.remember"
FAILING_HOOK = "directory.tests.test_sync_hooks.explode"
calls: list[SyncChanges] = []


def remember(changes: SyncChanges) -> None:
    calls.append(changes)


def explode(changes: SyncChanges) -> None:
    raise RuntimeError("hook failed")


@pytest.fixture(autouse=True)
def _hooks(settings):
    calls.clear()
    settings.DIRECTORY_SYNC_HOOKS = [HOOK]
    settings.SYNC_DEACTIVATION_THRESHOLD = 1.0


def test_hooks_get_renamed_deactivated_and_reactivated_people(tmp_path):
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    maria = Person.objects.get(sourced_id="u-s1")
    jamal = Person.objects.get(sourced_id="u-s3")
    edit(folder / "users.csv", "Maria,García,Luz,123456,", "Maria,García,Luz,654321,")
    remove_line(folder / "users.csv", "u-s3,")
    remove_line(folder / "enrollments.csv", "e-4,")  # Jamal's enrollment

    report = sync_oneroster(folder, now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    [changes] = calls[1:]
    assert [(c.person_id, c.old_username, c.new_username) for c in changes.renamed] == [
        (maria.pk, "s0123456", "s0654321")
    ]
    assert changes.deactivated == [jamal.pk]
    assert changes.sync_run_id == report.sync_run_id


def test_a_dry_run_calls_no_hook(tmp_path):
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    edit(folder / "users.csv", "Maria,García,Luz,123456,", "Maria,García,Luz,654321,")

    sync_oneroster(folder, dry_run=True, now=NOW + timedelta(days=1))

    assert len(calls) == 1  # the first, applied run only


def test_a_failing_hook_rolls_the_whole_run_back(tmp_path, settings):
    folder = copy_set(tmp_path)
    sync_oneroster(folder, now=NOW)
    edit(folder / "users.csv", "Maria,García,Luz,123456,", "Maria,García,Luz,654321,")
    settings.DIRECTORY_SYNC_HOOKS = [FAILING_HOOK]

    with pytest.raises(RuntimeError):
        sync_oneroster(folder, now=NOW + timedelta(days=1))

    assert Person.objects.get(sourced_id="u-s1").username == "s0123456"
    assert SyncRun.objects.latest("pk").result == SyncRun.Result.FAILED
