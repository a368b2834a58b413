"""`sync oneroster --latest DIR`: the newest complete package of a drop folder, once."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.models import Person, SyncRun
from directory.sync.nightly import content_hash, newest_package, sync_latest
from directory.tests.sync_helpers import FIXTURES, copy_set, edit, zip_set

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
ONEROSTER = SyncRun.Kind.ONEROSTER


def dated(place: Path | str, day: int) -> Path:
    """Give the package (and a folder's files) a modification time on August ``day``."""
    path = Path(place)
    stamp = datetime(2025, 8, day, 2, 0, tzinfo=UTC).timestamp()
    for item in [path, *(path.iterdir() if path.is_dir() else [])]:
        os.utime(item, (stamp, stamp))
    return path


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def export(tmp_path: Path, drop: Path, name: str, day: int, family: str = "Nguyễn") -> Path:
    work = copy_set(tmp_path / name)
    if family != "Nguyễn":
        edit(work / "users.csv", "Minh,Nguyễn", f"Minh,{family}")
    archive: Path = zip_set(work, drop / f"{name}.zip")
    return dated(archive, day)


def test_the_newest_complete_package_is_taken(tmp_path, drop):
    export(tmp_path, drop, "monday", 4, family="Old")
    export(tmp_path, drop, "tuesday", 5, family="New")

    report = sync_latest(ONEROSTER, drop, now=NOW)

    assert report.result == "applied", report.problems
    assert report.source.endswith("tuesday.zip")
    assert Person.objects.get(sourced_id="u-s2").family_name == "New"
    run = SyncRun.objects.get()
    assert run.scheduled and run.content_hash == content_hash(drop / "tuesday.zip")


def test_a_package_already_applied_is_skipped_with_a_record(tmp_path, drop):
    export(tmp_path, drop, "monday", 4)
    sync_latest(ONEROSTER, drop, now=NOW)

    again = sync_latest(ONEROSTER, drop, now=NOW)

    assert again.result == "skipped"
    first, skipped = SyncRun.objects.order_by("pk")
    assert skipped.result == SyncRun.Result.SKIPPED
    assert f"run {first.pk}" in skipped.report["message"]
    assert skipped.content_hash == first.content_hash


def test_the_same_export_zipped_again_or_unzipped_is_the_same_content(tmp_path, drop):
    export(tmp_path, drop, "monday", 4)
    sync_latest(ONEROSTER, drop, now=NOW)
    unzipped = dated(shutil.copytree(FIXTURES / "oneroster11", drop / "tuesday"), 5)

    again = sync_latest(ONEROSTER, drop, now=NOW)

    assert again.source == str(unzipped)
    assert again.result == "skipped"


@pytest.mark.parametrize("partial", ["truncated zip", "folder without manifest", "file missing"])
def test_a_partial_package_is_ignored(tmp_path, drop, partial):
    export(tmp_path, drop, "monday", 4, family="Complete")
    newest = export(tmp_path, drop, "tuesday", 5, family="Partial")
    if partial == "truncated zip":
        newest.write_bytes(newest.read_bytes()[:-200])
        dated(newest, 5)
    else:
        newest.unlink()
        folder = copy_set(tmp_path / "partial")
        if partial == "folder without manifest":
            (folder / "manifest.csv").unlink()
        else:
            (folder / "enrollments.csv").unlink()
        dated(shutil.move(folder, drop / "tuesday"), 5)

    report = sync_latest(ONEROSTER, drop, now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.get(sourced_id="u-s2").family_name == "Complete"


def test_an_empty_drop_folder_is_a_failed_run_emailed_to_it(
    drop, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_IT_CONTACTS = ["it@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        report = sync_latest(ONEROSTER, drop, now=NOW)

    assert report.result == "failed"
    assert "No complete package" in report.problems[0].reason
    assert SyncRun.objects.get().result == SyncRun.Result.FAILED
    assert len(mail.outbox) == 1 and "Failed" in mail.outbox[0].subject


def test_hr_takes_the_newest_csv_once(tmp_path, drop):
    call_command("sync", "oneroster", str(FIXTURES / "oneroster11"), stdout=StringIO())
    old = drop / "hr-monday.csv"
    old.write_text((FIXTURES / "hr.csv").read_text().replace("Pat,", "Patricia,"))
    dated(old, 4)
    dated(shutil.copy(FIXTURES / "hr.csv", drop / "hr-tuesday.csv"), 5)
    (drop / ".hr-wednesday.csv.part").write_text("employee_id\n")

    assert newest_package(drop, SyncRun.Kind.HR) == drop / "hr-tuesday.csv"
    first = sync_latest(SyncRun.Kind.HR, drop, now=NOW)
    again = sync_latest(SyncRun.Kind.HR, drop, now=NOW)

    assert first.result == "applied", first.problems
    assert Person.objects.get(identifier="005150").given_name == "Pat"
    assert again.result == "skipped"


def test_the_command_takes_latest_and_exits_zero_when_skipping(tmp_path, drop):
    export(tmp_path, drop, "monday", 4)
    out = StringIO()

    call_command("sync", "oneroster", "--latest", str(drop), stdout=out)
    call_command("sync", "oneroster", "--latest", str(drop), stdout=out)

    assert "Applied." in out.getvalue() and "Skipped" in out.getvalue()


def test_the_command_refuses_a_path_and_latest_together(drop):
    with pytest.raises(CommandError):
        call_command("sync", "oneroster", str(drop), "--latest", str(drop))
