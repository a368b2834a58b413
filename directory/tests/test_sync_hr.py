from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from directory.models import Org, Person, SourceSystem, Status
from directory.sync import sync_hr, sync_oneroster
from directory.sync.fingerprint import NO_FINGERPRINT
from directory.sync.report import HeldBackPerson
from directory.tests.sync_helpers import FIXTURES, append, copy_set, edit, remove_line

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
HEADER = (
    "employee_id,first_name,last_name,middle_name,preferred_first_name,email,job_title,"
    "location,supervisor_employee_id,hire_date,termination_date,status"
)


@pytest.fixture
def orgs() -> None:
    district = Org.objects.create(sourced_id="org-d", name="District", org_type="district")
    Org.objects.create(
        sourced_id="org-hs",
        name="Lakeview",
        org_type="school",
        identifier="1301",
        parent=district,
    )
    Org.objects.create(sourced_id="org-es", name="Pine", org_type="school", identifier="1302")


def hr_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "hr.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def hr_copy(tmp_path: Path) -> Path:
    target = tmp_path / "hr.csv"
    target.write_bytes((FIXTURES / "hr.csv").read_bytes())
    return target


def test_it_creates_hr_employees_with_padded_ids_supervisors_and_locations(orgs):
    report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.result == "applied", report.problems
    assert report.counts["employees"].created == 3
    assert report.counts["employees"].ignored == 1  # terminated before we ever saw them
    boss = Person.objects.get(sourced_id="hr:000042")
    teacher = Person.objects.get(sourced_id="hr:077777")
    custodian = Person.objects.get(sourced_id="hr:005150")
    assert teacher.username == "e077777" and teacher.identifier == "077777"
    assert teacher.source_system == SourceSystem.HR
    assert teacher.role == Person.Role.STAFF
    assert teacher.supervisor == boss and custodian.supervisor == teacher
    assert teacher.primary_org == Org.objects.get(identifier="1301")  # by org identifier
    assert list(teacher.orgs.values_list("sourced_id", flat=True)) == ["org-hs"]
    assert custodian.preferred_given_name == "Patty" and custodian.middle_name == "Ann"
    assert custodian.hire_date == date(2021, 8, 15)  # M/D/YYYY accepted
    assert custodian.job_title == "Custodian"
    assert custodian.claimable_at == NOW + timedelta(hours=24)
    assert not Person.objects.filter(identifier="009001").exists()


def test_hr_takes_over_a_oneroster_employee_instead_of_duplicating():
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)

    report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.result == "applied", report.problems
    assert report.counts["employees"].updated == 2
    assert report.counts["employees"].created == 1
    teacher = Person.objects.get(identifier="077777")
    assert teacher.sourced_id == "u-t1"
    assert teacher.source_system == SourceSystem.HR
    assert teacher.role == Person.Role.TEACHER  # kept: HR gave no role
    assert teacher.job_title == "Math Teacher"


def test_each_source_deactivates_only_the_people_it_owns(tmp_path, settings):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    folder = copy_set(tmp_path)
    remove_line(folder / "users.csv", "u-t1,")
    remove_line(folder / "enrollments.csv", "e-3,")
    remove_line(folder / "enrollments.csv", "e-5,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied", report.problems
    assert report.counts["users"].deactivated == 0
    assert Person.objects.get(sourced_id="u-t1").status == Status.ACTIVE


def test_a_person_missing_from_the_hr_file_or_terminated_is_deactivated(tmp_path, orgs):
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    path = hr_copy(tmp_path)
    remove_line(path, "5150,")
    edit(path, "2015-08-01,,", "2015-08-01,2025-07-31,")
    later = NOW + timedelta(days=2)

    refused = sync_hr(path, now=later)
    assert refused.result == "refused"
    assert Person.objects.filter(status=Status.ACTIVE).count() == 3

    report = sync_hr(path, force=True, now=later)

    assert report.result == "applied", report.problems
    assert report.counts["employees"].deactivated == 2
    for sid in ("hr:005150", "hr:077777"):
        gone = Person.objects.get(sourced_id=sid)
        assert gone.status == Status.INACTIVE and gone.left_at == later
    back = sync_hr(FIXTURES / "hr.csv", now=later)
    assert back.counts["employees"].reactivated == 2


def test_an_hr_row_of_someone_who_left_before_being_imported_says_why(orgs):
    report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.counts["employees"].ignored == 1
    (rows,) = report.counts["employees"].why_ignored.values()
    assert (rows.label, rows.count, rows.lines) == ("left before ever being imported", 1, [5])


def test_a_held_back_hr_row_names_the_employee_it_left_as_they_were(tmp_path, orgs):
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    path = hr_copy(tmp_path)
    edit(path, "pat.romero@example.org", "not-an-email")

    report = sync_hr(path, now=NOW)

    pat = Person.objects.get(sourced_id="hr:005150")
    assert pat.email == "pat.romero@example.org"
    assert report.people.held_back == [HeldBackPerson("hr.csv", 4, pat.pk)]


def test_a_future_termination_date_keeps_the_person_active(tmp_path, orgs):
    path = hr_file(tmp_path, "12,Ann,Lee,,,,Aide,org-es,,,2099-06-30,")

    sync_hr(path, now=NOW)

    ann = Person.objects.get(identifier="000012")
    assert ann.status == Status.ACTIVE and ann.termination_date == date(2099, 6, 30)


def test_hr_columns_can_be_renamed_in_settings(tmp_path, orgs, settings):
    settings.HR_CSV_COLUMNS = {"employee_id": "Emp No", "first_name": "Given"}
    path = tmp_path / "hr.csv"
    path.write_text("Emp No,Given,last_name,location\n7,Sam,Ortiz,org-d\n")

    report = sync_hr(path, now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.get(username="e000007").given_name == "Sam"


def test_an_hr_role_column_sets_the_role(tmp_path, orgs):
    path = tmp_path / "hr.csv"
    path.write_text("employee_id,first_name,last_name,role\n8,Kim,Park,Teacher\n")

    sync_hr(path, now=NOW)

    assert Person.objects.get(identifier="000008").role == Person.Role.TEACHER


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("1234567,A,B,,,,,org-d,,,,", "employee_id", "more than 6 digits"),
        ("12a,A,B,,,,,org-d,,,,", "employee_id", "only digits"),
        ("42,A,B,,,,,org-d,,,,", "employee_id", "Duplicate employee ID 000042"),
        ("50,A,B,,,,,org-nowhere,,,,", "location", "org-nowhere"),
        ("51,A,B,,,,,org-d,999,,,", "supervisor_employee_id", "not a known employee"),
        ("52,A,B,,,,,org-d,52,,,", "supervisor_employee_id", "supervise themself"),
        ("53,A,B,,,,,org-d,,2021-02-30,,", "hire_date", "not a date"),
        ("54,A,B,,,,,org-d,,,,retired", "status", "Unknown status"),
        ("55,A,,,,,,org-d,,,,", "last_name", "required"),
        ("56,A,B,,,not-an-email,,org-d,,,,", "email", "not an email"),
    ],
)
def test_bad_hr_rows_name_line_and_field_and_are_held_back_alone(
    tmp_path, orgs, row, field, reason
):
    path = hr_copy(tmp_path)
    append(path, row)

    report = sync_hr(path, now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.line, p.field, p.fatal) for p in report.problems] == [
        ("hr.csv", 6, field, False)
    ]
    assert reason in report.problems[0].reason
    assert report.counts["employees"].rejected == 1
    assert Person.objects.count() == 3  # the file's three good rows


def test_an_empty_hr_file_when_employees_exist_is_an_error(tmp_path, orgs):
    sync_hr(FIXTURES / "hr.csv", now=NOW)

    report = sync_hr(hr_file(tmp_path), force=True, now=NOW)

    assert report.result == "failed"
    assert (report.problems[0].file, report.problems[0].line) == ("hr.csv", 1)
    assert "no data rows" in report.problems[0].reason
    assert Person.objects.filter(status=Status.ACTIVE).count() == 3


def test_an_hr_username_collision_is_rejected(tmp_path, orgs, settings):
    settings.USERNAME_TEMPLATES = {**settings.USERNAME_TEMPLATES, "student": "e{identifier}"}
    Person.objects.create(
        sourced_id="u-x",
        source_system=SourceSystem.ONEROSTER,
        role="student",
        given_name="X",
        family_name="Y",
        identifier="000042",
        username="e000042",
        claimable_at=NOW,
    )

    report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.result == "applied"
    assert [(p.line, p.field) for p in report.problems] == [
        (2, "employee_id"),
        (3, "supervisor_employee_id"),
    ]
    assert "u-x" in report.problems[0].reason
    assert "rejected (line 2)" in report.problems[1].reason
    # The held-back row's supervisee is held back with it; the third employee applies.
    assert not Person.objects.filter(sourced_id__in=["hr:000042", "hr:077777"]).exists()
    assert Person.objects.filter(sourced_id="hr:005150").exists()


def test_an_hr_dry_run_writes_nothing(orgs):
    report = sync_hr(FIXTURES / "hr.csv", dry_run=True, now=NOW)

    assert report.result == "dry_run"
    assert report.counts["employees"].created == 3
    assert not Person.objects.exists()


def test_a_supervisor_who_left_before_we_knew_them_is_no_supervisor(tmp_path, orgs):
    path = hr_file(
        tmp_path,
        "20,Old,Boss,,,,,org-d,,,2020-01-01,terminated",
        "21,New,Hire,,,,,org-d,20,,,",
    )

    report = sync_hr(path, now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.get(identifier="000021").supervisor is None


def test_an_address_the_directory_holds_is_not_checked_again_but_a_new_one_is(
    tmp_path, orgs, monkeypatch
):
    from directory.sync import rows

    path = hr_copy(tmp_path)
    sync_hr(path, now=NOW)
    checked: list[str] = []

    def check_email(value: str) -> str:
        checked.append(value)
        return value

    monkeypatch.setattr(rows, "check_email", check_email)
    teacher = Person.objects.get(sourced_id="hr:077777")
    edit(path, teacher.email, "dana.new@example.org")

    report = sync_hr(path, now=NOW)

    assert report.result == "applied", report.problems
    # Checked: the new address, and that of the row of someone never imported.
    assert sorted(checked) == ["chris.vale@example.org", "dana.new@example.org"]


def test_an_unchanged_hr_row_is_not_checked_again(tmp_path, orgs, monkeypatch):
    from directory.sync.hr.importer import HrImport

    path = hr_copy(tmp_path)
    sync_hr(path, now=NOW)
    assert not Person.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()
    edit(path, "Custodian", "Head Custodian")
    read_in_full: list[int] = []
    read_row = HrImport.read_row

    def spy(imp: HrImport, context: Any, row: Any, *args: Any) -> None:
        read_in_full.append(row.line)
        read_row(imp, context, row, *args)

    monkeypatch.setattr(HrImport, "read_row", spy)

    report = sync_hr(path, now=NOW)

    assert report.counts["employees"].unchanged == 2
    assert report.counts["employees"].updated == 1
    # Pat's changed row, and the row of someone who left before ever being imported.
    assert read_in_full == [4, 5]
    assert Person.objects.get(sourced_id="hr:005150").job_title == "Head Custodian"


def test_an_unchanged_row_whose_termination_date_has_come_ends_the_employee(tmp_path, orgs):
    path = hr_file(
        tmp_path,
        "12,Ann,Lee,,,,Aide,org-es,,,2025-09-30,",
        "13,Bo,Lee,,,,Aide,org-es,,,,",
    )
    sync_hr(path, now=NOW)
    assert Person.objects.get(identifier="000012").status == Status.ACTIVE

    report = sync_hr(path, now=datetime(2025, 10, 1, tzinfo=UTC), force=True)

    assert Person.objects.get(identifier="000012").status == Status.INACTIVE
    assert report.counts["employees"].deactivated == 1


def test_employees_written_before_fingerprints_are_compared_in_full_and_get_one(orgs):
    sync_hr(FIXTURES / "hr.csv", now=NOW)
    Person.objects.update(source_fingerprint=NO_FINGERPRINT)

    report = sync_hr(FIXTURES / "hr.csv", now=NOW)

    assert report.counts["employees"].unchanged == 3
    assert report.counts["employees"].changes() == 0
    assert not Person.objects.filter(source_fingerprint=NO_FINGERPRINT).exists()


def test_an_unchanged_row_keeps_its_supervisor_check(tmp_path, orgs):
    path = hr_copy(tmp_path)
    sync_hr(path, now=NOW)
    # Dana's row is unchanged, but the supervisor it names is known no more.
    remove_line(path, "42,")
    Person.objects.filter(identifier="000042").delete()

    report = sync_hr(path, now=NOW, force=True)

    assert [(p.line, p.field) for p in report.problems] == [(2, "supervisor_employee_id")]
    assert report.counts["employees"].rejected == 1


def test_a_location_named_by_an_org_identifier_is_looked_up_again_every_run(tmp_path):
    # Dana's row names her school by its identifier, 1301; a OneRoster run renumbers it.
    package = copy_set(tmp_path)
    sync_oneroster(package, now=NOW)
    path = hr_copy(tmp_path)
    sync_hr(path, now=NOW)
    sync_hr(path, now=NOW)
    edit(package / "orgs.csv", "school,1301,", "school,1399,")
    sync_oneroster(package, now=NOW, force=True)

    report = sync_hr(path, now=NOW, force=True)

    assert [(p.line, p.field) for p in report.problems] == [(3, "location")]
    assert report.counts["employees"].rejected == 1
