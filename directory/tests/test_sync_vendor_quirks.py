"""Be liberal in what you accept, and say what you did: each quirk of real exports
with a small package of its own (directory/tests/fixtures)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from directory.models import AcademicSession, Class, Enrollment, Org, Person, Status
from directory.sync import sync_hr, sync_oneroster
from directory.tests.sync_helpers import FIXTURES, problem_places

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def person(sid: str) -> Person:
    return Person.objects.get(sourced_id=sid)


def test_a_parent_org_or_session_that_is_nowhere_is_a_warning_and_left_empty():
    report = sync_oneroster(FIXTURES / "missing_parents", now=NOW)

    assert report.result == "applied", report.problems
    assert report.held_back == 0
    warnings = {(w.file, w.line, w.field) for w in report.warnings}
    assert warnings >= {
        ("orgs.csv", 2, "parentSourcedId"),
        ("orgs.csv", 3, "parentSourcedId"),
        ("academicSessions.csv", 2, "parentSourcedId"),
    }
    assert "'dist-left-out' is not in orgs.csv" in report.warnings[0].reason
    north = Org.objects.get(sourced_id="sch-north")
    assert north.parent is None
    assert AcademicSession.objects.get(sourced_id="term-1").parent is None
    assert Class.objects.get(sourced_id="cls-bio").school == north
    assert Enrollment.objects.count() == 2


def test_users_keep_the_orgs_that_exist_with_a_warning_for_the_others():
    report = sync_oneroster(FIXTURES / "missing_parents", now=NOW)

    assert {(w.file, w.line, w.field) for w in report.warnings} >= {
        ("users.csv", 2, "orgSourcedIds"),
        ("users.csv", 3, "orgSourcedIds"),
    }
    student = person("stu-1")
    assert {o.sourced_id for o in student.orgs.all()} == {"sch-north"}
    teacher = person("tch-1")
    assert {o.sourced_id for o in teacher.orgs.all()} == {"sch-north", "sch-south"}
    # The first org that exists stands in for 1.1's missing primary org.
    assert teacher.primary_org == Org.objects.get(sourced_id="sch-north")


def test_a_12_role_in_an_org_that_is_nowhere_keeps_the_role(tmp_path):
    from directory.tests.sync_helpers import append, copy_set, remove_line

    folder = copy_set(tmp_path, "oneroster12")
    remove_line(folder / "roles.csv", "r-3,")
    append(folder / "roles.csv", "r-3,,,u-s3,primary,student,,,org-gone,")

    report = sync_oneroster(folder, now=NOW)

    assert ("roles.csv", 8, "orgSourcedId") in {(w.file, w.line, w.field) for w in report.warnings}
    assert person("u-s3").role == Person.Role.STUDENT


def test_booleans_in_every_vendor_spelling_and_us_dates_are_read():
    report = sync_oneroster(FIXTURES / "vendor_values", now=NOW)

    assert report.result == "applied", report.problems
    assert Person.objects.filter(status=Status.ACTIVE).count() == 5
    assert not Person.objects.filter(sourced_id="p-5").exists()  # enabledUser N: new, off
    assert report.counts["users"].ignored == 1
    assert not Enrollment.objects.get(sourced_id="r-1").primary
    assert Enrollment.objects.get(sourced_id="r-5").primary  # "Yes"
    first = Enrollment.objects.get(sourced_id="r-1")
    assert (first.begin_date, first.end_date) == (date(2025, 8, 11), date(2025, 12, 19))
    assert Enrollment.objects.get(sourced_id="r-2").begin_date == date(2025, 8, 11)
    year = AcademicSession.objects.get(sourced_id="sy-25")
    assert (year.start_date, year.end_date) == (date(2025, 8, 11), date(2026, 6, 5))


def test_a_missing_school_year_comes_from_the_end_date_said_once():
    report = sync_oneroster(FIXTURES / "vendor_values", now=NOW)

    assert AcademicSession.objects.get(sourced_id="sy-25").school_year == 2026
    assert AcademicSession.objects.get(sourced_id="t-1").school_year == 2025
    notes = [n for n in report.notes if "schoolYear" in n]
    assert len(notes) == 1 and "endDate" in notes[0]


def test_a_row_with_more_fields_than_the_header_is_held_back_alone():
    report = sync_oneroster(FIXTURES / "vendor_values", now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.line, p.fatal) for p in report.held_back_problems] == [
        ("enrollments.csv", 7, False)
    ]
    assert "12 fields but the header has 10" in report.held_back_problems[0].reason
    assert not Enrollment.objects.filter(sourced_id="r-6").exists()
    assert Enrollment.objects.count() == 5


def test_a_10_package_without_manifest_is_read_by_its_headers_all_bulk():
    report = sync_oneroster(FIXTURES / "oneroster10", now=NOW)

    assert report.result == "applied", report.problems
    assert report.version == "1.0"
    assert set(report.modes.values()) == {"bulk"}
    assert any("No manifest.csv" in n and "1.0" in n for n in report.notes)
    assert Person.objects.count() == 3
    assert person("us-1").username == "s0700101"
    assert person("ut-1").username == "e004410"
    science = Class.objects.get(sourced_id="cl-sci")
    assert science.grades == "07" and science.course_title == "Science 7"
    assert [t.sourced_id for t in science.terms.all()] == ["as-fall"]
    assert AcademicSession.objects.get(sourced_id="as-1617").school_year == 2017
    assert Enrollment.objects.get(sourced_id="en-3").primary


def test_when_most_numbers_are_elsewhere_the_report_says_where_and_the_setting():
    report = sync_oneroster(FIXTURES / "numbers_elsewhere", now=NOW)

    hints = [n for n in report.notes if "usable number" in n]
    assert len(hints) == 1  # the teacher has an identifier; only students lack one
    hint = hints[0]
    assert "4 of 4 students have no usable number in identifier" in hint
    assert "userIds:SIS gives one for 4 (4 all digits)" in hint
    assert "username gives one for 4 (3 all digits)" in hint
    assert "set HALLPASS_ONEROSTER_STUDENT_ID_SOURCE=userIds:SIS" in hint


def test_the_suggested_source_then_reads_every_number(settings):
    settings.ONEROSTER_STUDENT_ID_SOURCE = "userIds:SIS"

    report = sync_oneroster(FIXTURES / "numbers_elsewhere", now=NOW)

    assert report.result == "applied" and report.held_back == 0
    assert not [n for n in report.notes if "usable number" in n]
    assert person("9f1c2a7e-0004").username == "s0610004"


def test_employee_numbers_with_letters_are_taken_when_digits_is_zero(tmp_path, settings):
    settings.EMPLOYEE_ID_DIGITS = 0
    Org.objects.create(sourced_id="org-d", name="District", org_type="district")
    path = tmp_path / "hr.csv"
    path.write_text(
        "employee_id,first_name,last_name,location\n"
        "jdoe42,Jo,Doe,org-d\n"
        "077777,Dana,Whitfield,org-d\n"
        "john doe,Bad,Space,org-d\n",
        encoding="utf-8",
    )

    report = sync_hr(path, now=NOW)

    assert report.result == "applied"
    assert Person.objects.get(identifier="jdoe42").username == "ejdoe42"
    assert Person.objects.get(identifier="077777").username == "e077777"
    assert problem_places(report) == {("hr.csv", 4, "employee_id")}


def test_six_digit_employee_numbers_still_refuse_letters(tmp_path, settings):
    Org.objects.create(sourced_id="org-d", name="District", org_type="district")
    path = tmp_path / "hr.csv"
    path.write_text("employee_id,first_name,last_name\njdoe42,Jo,Doe\n", encoding="utf-8")

    report = sync_hr(path, now=NOW)

    assert problem_places(report) == {("hr.csv", 2, "employee_id")}
    assert "only digits" in report.problems[0].reason
