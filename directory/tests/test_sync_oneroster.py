from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent, EventType
from directory.models import (
    AcademicSession,
    Class,
    Enrollment,
    Org,
    Person,
    SourceSystem,
    Status,
    SyncRun,
)
from directory.sync import sync_hr, sync_oneroster
from directory.sync.fingerprint import NO_FINGERPRINT
from directory.sync.report import IgnoredReason
from directory.sync.runner import LOCK_KEY
from directory.tests.sync_helpers import (
    FIXTURES,
    append,
    copy_set,
    edit,
    problem_places,
    remove_line,
    zip_set,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
V11 = FIXTURES / "oneroster11"


def org_pk(sid: str) -> int:
    return Org.objects.get(sourced_id=sid).pk


def person(sid: str) -> Person:
    return Person.objects.get(sourced_id=sid)


def test_it_imports_a_oneroster_11_folder():
    report = sync_oneroster(V11, now=NOW)

    assert report.result == "applied", report.problems
    assert report.version == "1.1"
    assert report.counts["users"].created == 5
    assert report.counts["users"].ignored == 1  # the guardian
    assert Org.objects.count() == 3
    assert Org.objects.get(sourced_id="org-hs").parent == Org.objects.get(sourced_id="org-d")
    assert Org.objects.get(sourced_id="org-es").name == "Pine Elementary School, Annex"
    assert AcademicSession.objects.filter(sourced_id="t-fall", parent__sourced_id="sy-2026")
    algebra = Class.objects.get(sourced_id="cl-alg-1")
    assert algebra.course_title == "Algebra I"
    assert algebra.grades == "09,10"
    assert {t.sourced_id for t in algebra.terms.all()} == {"t-fall", "t-spring"}
    student = person("u-s1")
    assert student.role == Person.Role.STUDENT
    assert student.username == "s0123456"
    assert student.family_name == "García"
    assert student.source_system == SourceSystem.ONEROSTER
    assert student.primary_org_id == org_pk("org-hs")
    teacher = person("u-t1")
    assert teacher.identifier == "077777"
    assert teacher.username == "e077777"
    assert {o.sourced_id for o in teacher.orgs.all()} == {"org-hs", "org-es"}
    assert person("u-a1").role == Person.Role.ADMINISTRATOR
    assert not Person.objects.filter(sourced_id="u-g1").exists()
    assert Enrollment.objects.count() == 5
    primary = Enrollment.objects.get(sourced_id="e-3")
    assert primary.primary and primary.role == "teacher" and primary.person == teacher
    assert str(Enrollment.objects.get(sourced_id="e-1").begin_date) == "2025-08-01"
    run = SyncRun.objects.get()
    assert run.result == SyncRun.Result.APPLIED
    assert run.report["counts"]["users"]["created"] == 5
    assert AuditEvent.objects.filter(event_type=EventType.SYNC_APPLIED).count() == 1


def test_it_imports_the_same_set_from_a_zip(tmp_path):
    archive = zip_set(V11, tmp_path / "export.zip")

    report = sync_oneroster(archive, now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.count() == 5
    assert Enrollment.objects.count() == 5


def test_it_imports_a_oneroster_12_set_with_roles():
    report = sync_oneroster(FIXTURES / "oneroster12", now=NOW)

    assert report.result == "applied", report.problems
    assert report.version == "1.2"
    assert report.counts["users"].created == 5
    assert report.counts["users"].ignored == 1
    student = person("u-s1")
    assert student.preferred_given_name == "Mari"
    assert student.display_name == "Mari García"
    teacher = person("u-t1")
    assert teacher.role == Person.Role.TEACHER  # the primary role wins over counselor
    assert teacher.primary_org_id == org_pk("org-es")  # primaryOrgSourcedId
    assert {o.sourced_id for o in teacher.orgs.all()} == {"org-hs", "org-es"}
    assert person("u-a1").role == Person.Role.ADMINISTRATOR  # districtAdministrator
    assert person("u-s2").primary_org_id == org_pk("org-hs")


def test_a_second_run_of_the_same_files_writes_no_directory_row():
    sync_oneroster(V11, now=NOW)
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    sync_oneroster(V11, now=NOW)  # the HR link is in place now

    with CaptureQueriesContext(connection) as oneroster_queries:
        report = sync_oneroster(V11, now=NOW)
    with CaptureQueriesContext(connection) as hr_queries:
        hr_report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.result == hr_report.result == "applied"
    assert all(c.changes() == 0 for c in report.counts.values())
    assert all(c.changes() == 0 for c in hr_report.counts.values())
    writes = [
        q["sql"]
        for q in oneroster_queries.captured_queries + hr_queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # The run's own record and audit line (and the sync lock in the cache) are written;
    # no directory data is.
    assert any("directory_syncrun" in sql for sql in writes)
    directory_writes = [sql for sql in writes if re.search(r'"directory_(?!syncrun")', sql)]
    assert directory_writes == []


def test_new_people_become_claimable_after_the_configured_delay(settings):
    settings.CLAIM_DELAY_HOURS = 24
    sync_oneroster(V11, now=NOW)

    student = person("u-s1")
    assert student.first_seen_at == NOW
    assert student.claimable_at == NOW + timedelta(hours=24)
    assert not Person.objects.claimable(now=NOW + timedelta(hours=23)).filter(pk=student.pk)
    assert Person.objects.claimable(now=NOW + timedelta(hours=24)).filter(pk=student.pk)


def test_it_refuses_a_run_that_would_deactivate_too_many_people_unless_forced(tmp_path):
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    remove_line(folder / "users.csv", "u-s3,")
    remove_line(folder / "enrollments.csv", "e-4,")

    refused = sync_oneroster(folder, now=NOW)

    assert refused.result == "refused"
    assert refused.would_deactivate == 1 and refused.active_before == 5
    assert person("u-s3").status == Status.ACTIVE
    assert Enrollment.objects.get(sourced_id="e-4").status == Status.ACTIVE
    assert SyncRun.objects.filter(result=SyncRun.Result.REFUSED).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.SYNC_REFUSED).count() == 1

    later = NOW + timedelta(days=1)
    forced = sync_oneroster(folder, force=True, now=later)

    assert forced.result == "applied"
    assert forced.counts["users"].deactivated == 1
    left = person("u-s3")
    assert left.status == Status.INACTIVE and left.left_at == later
    assert Enrollment.objects.get(sourced_id="e-4").status == Status.INACTIVE
    assert AuditEvent.objects.filter(
        event_type=EventType.PERSON_DEACTIVATED, person_id=left.pk
    ).exists()


def test_a_returning_person_is_reactivated_and_keeps_their_dates(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    remove_line(folder / "users.csv", "u-s3,")
    remove_line(folder / "enrollments.csv", "e-4,")
    sync_oneroster(folder, now=NOW + timedelta(days=1))
    first = person("u-s3")

    report = sync_oneroster(V11, now=NOW + timedelta(days=30))

    assert report.counts["users"].reactivated == 1
    assert report.counts["enrollments"].reactivated == 1
    back = person("u-s3")
    assert back.status == Status.ACTIVE and back.left_at is None
    assert back.pk == first.pk
    assert back.first_seen_at == NOW and back.claimable_at == first.claimable_at
    assert AuditEvent.objects.filter(
        event_type=EventType.PERSON_REACTIVATED, person_id=back.pk
    ).exists()


def test_a_changed_field_is_updated_and_nothing_else(tmp_path):
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Minh,Nguyễn", "Minh,Nguyễn-Tran")
    edit(folder / "classes.csv", '"t-fall,t-spring"', "t-spring")

    report = sync_oneroster(folder, now=NOW)

    assert report.counts["users"].updated == 1
    assert report.counts["users"].unchanged == 4
    assert report.counts["classes"].updated == 1
    assert person("u-s2").family_name == "Nguyễn-Tran"
    algebra = Class.objects.get(sourced_id="cl-alg-1")
    assert [t.sourced_id for t in algebra.terms.all()] == ["t-spring"]


def test_a_dry_run_reports_and_writes_nothing():
    report = sync_oneroster(V11, dry_run=True, now=NOW)

    assert report.result == "dry_run"
    assert report.counts["users"].created == 5
    assert not Person.objects.exists() and not Org.objects.exists()
    assert SyncRun.objects.get().result == SyncRun.Result.DRY_RUN


def test_a_delta_package_updates_adds_and_removes_only_the_listed_rows(settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)

    report = sync_oneroster(FIXTURES / "delta11", now=NOW + timedelta(days=1))

    assert report.result == "applied", report.problems
    assert report.modes["users"] == "delta" and report.modes["orgs"] == "absent"
    assert report.counts["users"].updated == 1
    assert report.counts["users"].created == 1
    assert report.counts["users"].deactivated == 1
    assert person("u-s2").family_name == "Nguyen-Tran"
    assert person("u-s3").status == Status.INACTIVE
    assert person("u-s4").username == "s0456789"
    assert person("u-s1").status == Status.ACTIVE  # not listed: unchanged
    assert Enrollment.objects.get(sourced_id="e-4").status == Status.INACTIVE
    assert Enrollment.objects.get(sourced_id="e-6").person == person("u-s4")
    assert Org.objects.count() == 3


def test_a_delta_row_error_rejects_only_that_row(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path, "delta11")
    append(
        folder / "users.csv",
        "u-s5,active,2025-09-01T12:00:00.000Z,true,org-es,student,S05,,Bo,Li,,45 6,,,,,03,",
    )
    append(
        folder / "enrollments.csv",
        "e-7,active,2025-09-01T12:00:00.000Z,cl-nope,org-es,u-s4,student,,,",
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert problem_places(report) == {
        ("users.csv", 5, "identifier"),
        ("enrollments.csv", 4, "classSourcedId"),
    }
    assert not any(p.fatal for p in report.problems)
    assert report.counts["users"].rejected == 1
    assert report.counts["enrollments"].rejected == 1
    assert person("u-s4").status == Status.ACTIVE
    assert not Person.objects.filter(sourced_id="u-s5").exists()


def test_student_numbers_can_come_from_userids(tmp_path, settings):
    settings.ONEROSTER_STUDENT_ID_SOURCE = "userIds:SIS"
    folder = copy_set(tmp_path)
    edit(
        folder / "users.csv",
        "S0123456,{SIS:123456},Maria,García,Luz,123456",
        "x,{SIS:123456},Maria,García,Luz,",
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert person("u-s1").identifier == "123456"
    assert person("u-s1").username == "s0123456"


def test_employee_numbers_can_come_from_the_username_column(tmp_path, settings):
    settings.ONEROSTER_EMPLOYEE_ID_SOURCE = "username"
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "teacher,e77777,", "teacher,77777,")
    edit(folder / "users.csv", "administrator,e000042,", "administrator,42,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert person("u-t1").username == "e077777"


def test_an_empty_chosen_id_source_rejects_the_row(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Jamal,Brooks,,345678,", "Jamal,Brooks,,,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert not Person.objects.filter(sourced_id="u-s3").exists()
    first = report.problems[0]
    assert (first.file, first.line, first.field) == ("users.csv", 4, "identifier")
    assert "empty" in first.reason
    # Enrollments of the rejected row say why they fail too.
    cascade = report.problems[1]
    assert (cascade.file, cascade.field) == ("enrollments.csv", "userSourcedId")
    assert "rejected (users.csv line 4)" in cascade.reason


def test_usernames_follow_the_role_templates(tmp_path, settings):
    settings.USERNAME_TEMPLATES = {**settings.USERNAME_TEMPLATES, "student": "stu.{identifier}"}

    sync_oneroster(V11, now=NOW)

    assert person("u-s1").username == "stu.123456"
    assert person("u-t1").username == "e077777"


@pytest.mark.parametrize(
    ("identifier", "reason"),
    [("1234567", "more than 6 digits"), ("77A77", "only digits")],
)
def test_it_rejects_employee_ids_that_cannot_be_normalised(tmp_path, identifier, reason):
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Dana,Whitfield,,77777,", f"Dana,Whitfield,,{identifier},")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert not Person.objects.filter(sourced_id="u-t1").exists()
    assert ("users.csv", 5, "identifier") in problem_places(report)
    assert reason in report.problems[0].reason


def test_it_rejects_a_student_id_that_cannot_form_a_username(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Jamal,Brooks,,345678,", "Jamal,Brooks,,34#678,")

    report = sync_oneroster(folder, now=NOW)

    assert ("users.csv", 4, "identifier") in problem_places(report)
    assert "valid username" in report.problems[0].reason


def test_student_ids_are_trimmed_and_letters_allowed(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Jamal,Brooks,,345678,", "Jamal,Brooks,, AB345 ,")

    sync_oneroster(folder, now=NOW)

    assert person("u-s3").identifier == "AB345"
    assert person("u-s3").username == "s0ab345"


def test_a_username_collision_rejects_the_later_row_naming_both(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "users.csv", "u-s9,,,true,org-es,student,S9,,Ana,Copy,,123456,,,,,03,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert problem_places(report) == {("users.csv", 8, "identifier")}
    reason = report.problems[0].reason
    assert "s0123456" in reason and "u-s1" in reason and "line 2" in reason
    assert person("u-s1").given_name == "Maria"
    assert not Person.objects.filter(sourced_id="u-s9").exists()


def test_a_collision_with_someone_already_in_the_directory_is_rejected(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path, "delta11")
    append(
        folder / "users.csv",
        "u-s9,active,2025-09-01T12:00:00.000Z,true,org-es,student,S9,,Ana,Copy,,123456,,,,,03,",
    )

    report = sync_oneroster(folder, now=NOW)

    assert problem_places(report) == {("users.csv", 5, "identifier")}
    assert "u-s1" in report.problems[0].reason
    assert not Person.objects.filter(sourced_id="u-s9").exists()


def test_vendor_quirks_are_tolerated(tmp_path):
    folder = copy_set(tmp_path)
    users = folder / "users.csv"
    text = users.read_text(encoding="utf-8")
    text = text.replace("sourcedId,status,dateLastModified,", "sourcedId,status,dataLastModified,")
    text = text.replace(",password\n", ",password,metadata.district.house\n")
    text = "\n".join(
        line + (",Red" if index else "") for index, line in enumerate(text.splitlines())
    )
    text = text.replace("true,org-hs,student,S0123456", "TRUE,org-hs,Student,S0123456")
    users.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8") + b"\r\n")
    edit(folder / "classes.csv", ",scheduled,", ",Scheduled,")
    orgs = folder / "orgs.csv"
    orgs.write_bytes(orgs.read_bytes().replace(b"\n", b"\r"))

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert person("u-s1").given_name == "Maria"
    assert Class.objects.get(sourced_id="cl-alg-1").class_type == "scheduled"
    assert Org.objects.get(sourced_id="org-es").name == "Pine Elementary School, Annex"


def test_an_hr_employee_is_linked_not_duplicated_by_oneroster():
    sync_oneroster(V11, now=NOW)
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    teacher = person("u-t1")
    assert teacher.source_system == SourceSystem.HR
    assert teacher.job_title == "Math Teacher"

    report = sync_oneroster(V11, now=NOW)

    assert report.result == "applied"
    assert Person.objects.filter(identifier="077777").count() == 1
    assert person("u-t1").job_title == "Math Teacher"
    assert report.counts["users"].changes() == 0


def test_oneroster_links_an_employee_hr_created_first(tmp_path):
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)  # orgs for HR's locations
    folder = copy_set(tmp_path)
    # The SIS knows the custodian HR created, under its own sourcedId.
    append(folder / "users.csv", "u-c1,,,true,org-es,aide,e5150,,Pat,Romero,,5150,,,,,,")
    append(folder / "enrollments.csv", "e-9,,,cl-read-h,org-es,u-c1,proctor,,,")
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    custodian = Person.objects.get(sourced_id="hr:005150")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.filter(identifier="005150").count() == 1
    custodian.refresh_from_db()
    assert custodian.oneroster_sourced_id == "u-c1"
    assert custodian.source_system == SourceSystem.HR
    assert Enrollment.objects.get(sourced_id="e-9").person == custodian
    again = sync_oneroster(folder, now=NOW)
    assert all(c.changes() == 0 for c in again.counts.values())


def test_progress_is_reported():
    calls: list[tuple[int, int]] = []

    sync_oneroster(V11, now=NOW, progress=lambda done, total: calls.append((done, total)))

    assert calls
    assert calls[-1][0] == calls[-1][1]


def test_paths_may_be_strings(tmp_path):
    report = sync_oneroster(Path(str(V11)), now=NOW)
    assert report.ok


def test_a_disabled_user_is_deactivated_and_a_new_disabled_user_ignored(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "u-s3,,,true", "u-s3,,,false")
    append(folder / "users.csv", "u-s8,,,FALSE,org-es,student,S8,,New,Off,,888888,,,,,03,")
    append(folder / "enrollments.csv", "e-8,,,cl-read-h,org-es,u-s8,student,,,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert report.counts["users"].deactivated == 1
    assert report.counts["users"].ignored == 2  # the guardian and the new disabled user
    assert report.counts["enrollments"].ignored == 1
    # Every ignored row says why: the guardian by its line, the others by reason.
    why = {
        (entity, rows.reason): (rows.count, rows.lines)
        for entity, counts in report.counts.items()
        for rows in counts.why_ignored.values()
    }
    assert why == {
        ("users", IgnoredReason.NOT_A_DIRECTORY_ROLE): (1, [7]),
        ("users", IgnoredReason.REMOVED_BEFORE_IMPORT): (1, []),
        ("enrollments", IgnoredReason.USER_IGNORED): (1, [7]),
    }
    stored = SyncRun.objects.get(result=SyncRun.Result.APPLIED, report__counts__users__ignored=2)
    assert stored.report["counts"]["users"]["why_ignored"]["not_a_directory_role"] == {
        "reason": "not_a_directory_role",
        "count": 1,
        "lines": [7],
    }
    assert person("u-s3").status == Status.INACTIVE
    assert not Person.objects.filter(sourced_id="u-s8").exists()


def delta_12(tmp_path: Path, entity: str, row: str) -> Path:
    """A 1.2 delta package sending one row of ``entity`` (users or roles) alone."""
    other = "roles" if entity == "users" else "users"
    folder = tmp_path / "delta12"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
        f"file.{entity},delta\nfile.{other},absent\n"
    )
    header = (FIXTURES / "oneroster12" / f"{entity}.csv").read_text().splitlines()[0]
    (folder / f"{entity}.csv").write_text(f"{header}\n{row}\n")
    return folder


def test_a_12_delta_may_update_a_user_without_resending_roles(tmp_path):
    sync_oneroster(FIXTURES / "oneroster12", now=NOW)
    folder = delta_12(
        tmp_path,
        "users",
        "u-t1,active,2025-09-01T00:00:00Z,true,e77777,,Dana,Whitfield-Ray,,"
        "77777,,,,,,,,,,,org-es,",
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    teacher = person("u-t1")
    assert teacher.family_name == "Whitfield-Ray"
    assert teacher.role == Person.Role.TEACHER
    assert {o.sourced_id for o in teacher.orgs.all()} == {"org-hs", "org-es"}


def test_a_12_delta_role_for_a_user_it_did_not_send_is_ignored_with_the_reason(tmp_path):
    sync_oneroster(FIXTURES / "oneroster12", now=NOW)
    folder = delta_12(
        tmp_path, "roles", "r-9,active,2025-09-01T00:00:00Z,u-t1,secondary,aide,,,org-hs,"
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    rows = report.counts["roles"].why_ignored[IgnoredReason.ROLE_WITHOUT_USER_ROW]
    assert (rows.count, rows.lines) == (1, [2])
    assert "a role alone changes nobody" in rows.label


def test_a_12_user_without_a_role_or_a_role_for_an_unknown_user_is_an_error(tmp_path):
    folder = copy_set(tmp_path, "oneroster12")
    remove_line(folder / "roles.csv", "r-3,")
    append(folder / "roles.csv", "r-9,,,u-ghost,primary,student,,,org-hs,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    places = {(p.file, p.line, p.field) for p in report.problems}
    assert ("users.csv", 4, "sourcedId") in places
    assert ("roles.csv", 8, "userSourcedId") in places


def test_only_one_sync_runs_at_a_time():
    cache.add(LOCK_KEY, "oneroster", timeout=60)
    try:
        report = sync_oneroster(V11, now=NOW)
    finally:
        cache.delete(LOCK_KEY)

    assert report.result == "failed"
    assert "Another directory sync is running" in report.problems[0].reason
    assert not Person.objects.exists()
    assert sync_oneroster(V11, now=NOW).result == "applied"


def test_a_12_primary_org_outside_the_roles_is_added_to_the_orgs(tmp_path):
    folder = copy_set(tmp_path, "oneroster12")
    edit(folder / "users.csv", ",,,Mari,,,org-hs,", ",,,Mari,,,org-d,")

    sync_oneroster(folder, now=NOW)

    student = person("u-s1")
    assert student.primary_org_id == org_pk("org-d")
    assert {o.sourced_id for o in student.orgs.all()} == {"org-hs", "org-d"}


def test_a_delta_org_under_a_rejected_org_is_rejected_down_the_tree(tmp_path, settings):
    # a-new is rejected (bad type); b-new hangs under it, c-new under b-new. Each must
    # be rejected with the reason, not created without its parent.
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5  # the delta users file removes one
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path, "delta11")
    edit(folder / "manifest.csv", "file.orgs,absent", "file.orgs,delta")
    (folder / "orgs.csv").write_text(
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "a-new,active,2025-09-01T12:00:00.000Z,Area,nonsense,,org-d\n"
        "b-new,active,2025-09-01T12:00:00.000Z,Branch,school,,a-new\n"
        "c-new,active,2025-09-01T12:00:00.000Z,Corner,school,,b-new\n",
        encoding="utf-8",
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert problem_places(report) >= {
        ("orgs.csv", 2, "type"),
        ("orgs.csv", 3, "parentSourcedId"),
        ("orgs.csv", 4, "parentSourcedId"),
    }
    assert report.counts["orgs"].rejected == 3
    assert not Org.objects.filter(sourced_id__in=["a-new", "b-new", "c-new"]).exists()


def test_updates_in_bulk_write_the_same_as_row_by_row(tmp_path, monkeypatch, settings):
    # On PostgreSQL many updates go through a staged table; with the threshold at one
    # row every update of this run takes that path (elsewhere the path is the same).
    from directory.sync import writes

    monkeypatch.setattr(writes, "STAGE_AT", 1)
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(V11, now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Minh,Nguyễn", "Minh,Nguyễn-Tran")
    edit(folder / "users.csv", "Jamal,Brooks,,345678,", "Jamal,Brooks,,345678,j@example.org")
    edit(
        folder / "enrollments.csv",
        "e-2,,,cl-alg-1,org-hs,u-s2,student,false,,",
        "e-2,,,cl-alg-1,org-hs,u-s2,student,true,2025-09-02,",
    )

    report = sync_oneroster(folder, now=NOW)

    assert report.counts["users"].updated == 2
    assert person("u-s2").family_name == "Nguyễn-Tran"
    assert person("u-s3").email == "j@example.org"
    moved = Enrollment.objects.get(sourced_id="e-2")
    assert moved.primary and str(moved.begin_date) == "2025-09-02"
    assert person("u-s1").family_name == "García"  # untouched rows stay


def test_the_records_a_run_compares_are_read_whole_page_by_page(monkeypatch):
    # PostgreSQL reads a whole table in pages; two rows a page here, and every record
    # compared (none vouched for by a fingerprint), so that the tables are read whole.
    from directory.sync import tables
    from directory.sync.oneroster import stored

    sync_oneroster(V11, now=NOW)
    Person.objects.update(source_fingerprint=NO_FINGERPRINT)
    Enrollment.objects.update(source_fingerprint=NO_FINGERPRINT)
    monkeypatch.setattr(tables, "PAGE", 2)
    monkeypatch.setattr(stored, "SCAN_SHARE", 0)

    report = sync_oneroster(V11, now=NOW)

    assert report.counts["enrollments"].unchanged == 5
    assert report.counts["users"].unchanged == Person.objects.count()
    assert report.counts["enrollments"].changes() == report.counts["users"].changes() == 0
