"""Fingerprints: a row that hashes as it did when its record was written is not
checked again, and nothing else is skipped because of that."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Enrollment, Person, SourceSystem, Status
from directory.sync import SyncReport, sync_hr, sync_oneroster
from directory.sync.fingerprint import NO_FINGERPRINT
from directory.sync.oneroster.snapshot import Snapshot
from directory.tests.sync_helpers import FIXTURES, copy_set, edit

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def counts(report: SyncReport, entity: str) -> dict[str, int]:
    return dict(report.to_json()["counts"][entity])


def test_a_first_import_stores_a_fingerprint_with_every_person_and_enrollment():
    assert sync_oneroster(FIXTURES / "oneroster11", now=NOW).result == "applied"
    assert not Person.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()
    assert not Enrollment.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()


def test_a_changed_row_among_unchanged_ones_is_applied(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    edit(package / "users.csv", "Minh,Nguyễn,", "Minh,Nguyen-Tran,")
    edit(package / "enrollments.csv", "e-2,,,cl-alg-1,org-hs,u-s2,student,false,,",
         "e-2,,,cl-alg-1,org-hs,u-s2,student,true,,")  # fmt: skip

    report = sync_oneroster(package, now=NOW)

    assert Person.objects.get(sourced_id="u-s2").family_name == "Nguyen-Tran"
    assert Enrollment.objects.get(sourced_id="e-2").primary is True
    assert counts(report, "users")["updated"] == 1
    assert counts(report, "enrollments")["updated"] == 1


def test_records_written_before_fingerprints_are_compared_in_full_and_get_one(tmp_path):
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    people = Person.objects.count()
    enrollments = Enrollment.objects.filter(status=Status.ACTIVE).count()
    Person.objects.update(source_fingerprint=NO_FINGERPRINT)
    Enrollment.objects.update(source_fingerprint=NO_FINGERPRINT)

    report = sync_oneroster(FIXTURES / "oneroster11", now=NOW)

    # Nothing changed: counted unchanged, only the fingerprints were written.
    assert counts(report, "users")["unchanged"] == people
    assert counts(report, "enrollments")["unchanged"] == enrollments
    assert counts(report, "users")["updated"] == counts(report, "enrollments")["updated"] == 0
    assert not Person.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()
    assert not Enrollment.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()


def test_a_row_that_needed_a_warning_is_checked_and_warned_about_every_run():
    first = sync_oneroster(FIXTURES / "missing_parents", now=NOW)
    again = sync_oneroster(FIXTURES / "missing_parents", now=NOW)

    def user_warnings(report: SyncReport) -> list[tuple[int | None, str | None]]:
        return sorted(
            (p.line, p.field) for p in report.problems if p.warning and p.file == "users.csv"
        )

    assert user_warnings(first)
    assert user_warnings(again) == user_warnings(first)
    assert Person.objects.get(sourced_id="stu-1").source_fingerprint == NO_FINGERPRINT


def test_new_username_rules_recheck_every_row(settings):
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    settings.USERNAME_TEMPLATES = {**settings.USERNAME_TEMPLATES, "student": "st{identifier}"}

    report = sync_oneroster(FIXTURES / "oneroster11", now=NOW)

    assert Person.objects.get(sourced_id="u-s1").username == "st123456"
    assert counts(report, "users")["updated"] == Person.objects.filter(role="student").count()


def test_an_enrollment_whose_class_left_the_package_is_not_kept_by_its_fingerprint(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    classes = (package / "classes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (package / "classes.csv").write_text(
        "".join(line for line in classes if not line.startswith("cl-alg-1,")), encoding="utf-8"
    )

    report = sync_oneroster(package, now=NOW, force=True)

    # e-1's row is unchanged, but it points at a class no longer there: held back.
    assert any(p.file == "enrollments.csv" and p.field == "classSourcedId"
               for p in report.problems)  # fmt: skip
    assert Enrollment.objects.get(sourced_id="e-1").status == Status.ACTIVE


def drop_line(path: Path, start: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(start)), "utf-8")


def test_a_no_change_run_loads_no_enrollment(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)

    with CaptureQueriesContext(connection) as queries:
        report = sync_oneroster(package, now=NOW)

    enrollment_reads = [
        q["sql"] for q in queries if "directory_enrollment" in q["sql"] and "klass_id" in q["sql"]
    ]
    assert enrollment_reads == []
    assert counts(report, "enrollments")["unchanged"] == 5


def test_a_row_moved_to_a_new_sourced_id_creates_that_enrollment_and_ends_the_old(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    # The same cells under another sourcedId: another enrollment, not the same one.
    edit(package / "enrollments.csv", "e-2,,,", "e-9,,,")

    report = sync_oneroster(package, now=NOW)

    assert Enrollment.objects.get(sourced_id="e-9").status == Status.ACTIVE
    assert Enrollment.objects.get(sourced_id="e-2").status == Status.INACTIVE
    assert (counts(report, "enrollments")["created"],
            counts(report, "enrollments")["deactivated"]) == (1, 1)  # fmt: skip


def test_an_enrollment_whose_row_is_gone_is_deactivated_without_loading_the_rest(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    drop_line(package / "enrollments.csv", "e-5,")

    with CaptureQueriesContext(connection) as queries:
        report = sync_oneroster(package, now=NOW, force=True)

    assert Enrollment.objects.get(sourced_id="e-5").status == Status.INACTIVE
    assert counts(report, "enrollments")["deactivated"] == 1
    assert counts(report, "enrollments")["unchanged"] == 4
    # Found by its fingerprint: no read of the whole table.
    reads = [
        q["sql"] for q in queries if "directory_enrollment" in q["sql"] and "klass_id" in q["sql"]
    ]
    assert len(reads) == 1
    assert "IN" in reads[0]


@pytest.mark.parametrize("stored", ["none", "shared"])
def test_an_enrollment_no_fingerprint_vouches_for_is_deactivated_when_its_row_is_gone(
    tmp_path, stored
):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    if stored == "none":
        Enrollment.objects.filter(sourced_id="e-5").update(source_fingerprint=NO_FINGERPRINT)
    else:
        # Two enrollments holding one value (written before fingerprints covered the
        # sourcedId): e-4's row matching it must not vouch for e-5 too.
        shared = Enrollment.objects.get(sourced_id="e-4").source_fingerprint
        Enrollment.objects.filter(sourced_id="e-5").update(source_fingerprint=shared)
    drop_line(package / "enrollments.csv", "e-5,")

    report = sync_oneroster(package, now=NOW, force=True)

    assert Enrollment.objects.get(sourced_id="e-5").status == Status.INACTIVE
    assert Enrollment.objects.get(sourced_id="e-4").status == Status.ACTIVE
    assert counts(report, "enrollments")["deactivated"] == 1


def test_a_row_taking_the_username_of_an_unchanged_person_names_that_person_s_line(tmp_path):
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    with (package / "users.csv").open("a", encoding="utf-8") as users:
        users.write("u-s9,,,true,org-hs,student,,,Mia,Garcia,,123456,,,,,09,\n")

    report = sync_oneroster(package, now=NOW)

    (problem,) = [p for p in report.problems if p.file == "users.csv"]
    assert "'u-s1' (line 2 of this file)" in problem.reason
    assert not Person.objects.filter(sourced_id="u-s9").exists()


def linked_teacher(package: Path) -> Person:
    """u-t1, taken over by HR: its OneRoster row is now linked to HR's employee."""
    sync_oneroster(package, now=NOW)
    written_from = Person.objects.get(sourced_id="u-t1").source_fingerprint
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    teacher = Person.objects.get(sourced_id="u-t1")
    assert teacher.source_system == SourceSystem.HR
    assert teacher.link_fingerprint == written_from != NO_FINGERPRINT
    return teacher


def test_the_unchanged_row_of_an_hr_linked_employee_is_not_checked_again(
    tmp_path, monkeypatch
):
    from directory.sync.oneroster.users import UserReader

    package = copy_set(tmp_path)
    teacher = linked_teacher(package)
    read_in_full: list[str] = []
    read_row = UserReader.read_row

    def spy(reader: UserReader, context: Any, row: Any, sid: str, present: Any) -> None:
        read_in_full.append(sid)
        read_row(reader, context, row, sid, present)

    monkeypatch.setattr(UserReader, "read_row", spy)

    with CaptureQueriesContext(connection) as queries:
        report = sync_oneroster(package, now=NOW)

    assert read_in_full == ["u-g1"]  # a guardian: not a directory person, never stored
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    assert counts(report, "users")["unchanged"] == 5
    assert report.counts["users"].changes() == 0
    assert Enrollment.objects.get(sourced_id="e-3").person_id == teacher.pk


def test_a_linked_row_naming_an_org_no_longer_in_the_run_is_read_and_warned_about(tmp_path):
    package = copy_set(tmp_path)
    linked_teacher(package)
    drop_line(package / "orgs.csv", "org-es,")

    report = sync_oneroster(package, now=NOW, force=True)

    assert any(
        (p.file, p.line, p.field, p.warning) == ("users.csv", 5, "orgSourcedIds", True)
        for p in report.problems
    )


def test_people_who_left_are_not_loaded_when_no_row_names_them(tmp_path, monkeypatch):
    from directory.sync.oneroster import stored, users

    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    # People who left, with no fingerprint (as those who left before fingerprints).
    Person.objects.filter(sourced_id__in=["u-s2", "u-s3"]).update(
        status=Status.INACTIVE, source_fingerprint=NO_FINGERPRINT
    )
    drop_line(package / "users.csv", "u-s2,")
    drop_line(package / "users.csv", "u-s3,")
    # An active person whose row needs a warning every run: never vouched for.
    edit(package / "users.csv", "u-s1,,,true,org-hs,", 'u-s1,,,true,"org-hs,org-zz",')
    sync_oneroster(package, now=NOW, force=True)
    loaded: list[str] = []

    def load_people(snap: Snapshot, sids: Collection[str], fingerprints: Collection[int]) -> None:
        stored.load_people(snap, sids, fingerprints)
        loaded.extend(snap.people)

    monkeypatch.setattr(users, "load_people", load_people)

    report = sync_oneroster(package, now=NOW, force=True)

    assert report.counts["users"].changes() == 0
    assert loaded == ["u-s1"]


def test_a_linked_row_counts_as_the_role_it_says_where_the_numbers_are_surveyed(tmp_path):
    package = copy_set(tmp_path)
    linked_teacher(package)
    # The linked row now says student, and two of the students have no number.
    edit(package / "users.csv", '"org-hs,org-es",teacher,', '"org-hs,org-es",student,')
    edit(package / "users.csv", "Luz,123456,", "Luz,,")
    edit(package / "users.csv", "Nguyễn,,234567,", "Nguyễn,,,")
    sync_oneroster(package, now=NOW, force=True)

    unread = sync_oneroster(package, now=NOW, force=True)
    Person.objects.update(link_fingerprint=NO_FINGERPRINT, source_fingerprint=NO_FINGERPRINT)
    read = sync_oneroster(package, now=NOW, force=True)

    assert unread.notes == read.notes
