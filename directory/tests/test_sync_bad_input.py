"""Every kind of bad input: a clear error naming file, line and field. A file that
cannot be read applies nothing; a bad row is held back alone, bulk or delta."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.models import AcademicSession, Class, Enrollment, Org, Person, SyncRun
from directory.sync import sync_oneroster
from directory.sync.report import Problem, SyncReport
from directory.tests.sync_helpers import FIXTURES, append, copy_set, edit, zip_set
from directory.tests.test_sync_users_plain_rows import USER

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def only_problem(report: SyncReport) -> Problem:
    assert report.result == "failed"
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


def assert_nothing_applied() -> None:
    assert not Org.objects.exists()
    assert not AcademicSession.objects.exists()
    assert not Class.objects.exists()
    assert not Person.objects.exists()
    assert not Enrollment.objects.exists()
    assert SyncRun.objects.get().result == SyncRun.Result.FAILED


def test_malformed_quoting_names_the_file_and_line(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "classes.csv", '"t-fall,t-spring",Math', '"t-fall,t-spring"x",Math')

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line) == ("classes.csv", 2)
    assert "Malformed CSV" in problem.reason
    assert_nothing_applied()


def test_an_unclosed_quote_at_the_end_is_malformed(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "orgs.csv", 'org-x,,,"Unclosed School,school,1303,org-d')

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line) == ("orgs.csv", 5)
    assert_nothing_applied()


def test_a_row_with_too_many_fields_is_held_back_not_fatal(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "orgs.csv", "Lakeview High School,school", "Lakeview, High School,school")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    problem = report.problems[0]
    assert (problem.file, problem.line, problem.fatal) == ("orgs.csv", 2, False)
    assert "quote fields" in problem.reason
    assert report.counts["orgs"].rejected == 1
    assert not Org.objects.filter(sourced_id="org-hs").exists()
    assert Org.objects.filter(sourced_id="org-es").exists()


def test_a_missing_required_column_names_it(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", ",givenName,", ",firstName,")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == ("users.csv", 1, "givenName")
    assert_nothing_applied()


def test_a_duplicated_header_is_refused(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "orgs.csv", ",identifier,", ",name,")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == ("orgs.csv", 1, "name")


@pytest.mark.parametrize("version", ["0.9", "2.0", "1.3", ""])
def test_an_unknown_oneroster_version_names_the_manifest_line(tmp_path, version):
    folder = copy_set(tmp_path)
    edit(folder / "manifest.csv", "oneroster.version,1.1", f"oneroster.version,{version}")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == (
        "manifest.csv",
        3,
        "oneroster.version",
    )
    assert_nothing_applied()


def test_a_package_without_manifest_or_users_is_refused(tmp_path):
    folder = copy_set(tmp_path)
    (folder / "manifest.csv").unlink()
    (folder / "users.csv").unlink()

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert problem.file == "manifest.csv"
    assert_nothing_applied()


def test_a_listed_file_missing_from_the_package_is_refused(tmp_path):
    folder = copy_set(tmp_path)
    (folder / "enrollments.csv").unlink()

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == (
        "manifest.csv",
        11,
        "file.enrollments",
    )


def test_an_unknown_file_mode_is_refused(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "manifest.csv", "file.users,bulk", "file.users,full")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == ("manifest.csv", 16, "file.users")


def test_duplicate_sourced_ids_name_both_lines_and_the_first_row_applies(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "users.csv", "u-s2,,,true,org-hs,student,S9,,Eve,Twin,,999999,,,,,10,")

    report = sync_oneroster(folder, now=NOW)

    problem = report.problems[0]
    assert (problem.file, problem.line, problem.field) == ("users.csv", 8, "sourcedId")
    assert "first on line 3" in problem.reason
    assert Person.objects.get(sourced_id="u-s2").given_name == "Minh"


def test_enrollments_pointing_at_unknown_classes_or_users_are_errors(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "enrollments.csv", "e-8,,,cl-ghost,org-hs,u-s1,student,,,")
    append(folder / "enrollments.csv", "e-9,,,cl-alg-1,org-hs,u-ghost,student,,,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.line, p.field) for p in report.problems] == [
        ("enrollments.csv", 7, "classSourcedId"),
        ("enrollments.csv", 8, "userSourcedId"),
    ]
    assert "'cl-ghost' is not in classes.csv" in report.problems[0].reason
    assert not Enrollment.objects.filter(sourced_id__in=["e-8", "e-9"]).exists()
    assert Enrollment.objects.count() == 5


def test_a_class_term_that_is_nowhere_holds_the_class_back(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "classes.csv", "Room 3,org-es,t-fall", "Room 3,org-es,t-winter")

    report = sync_oneroster(folder, now=NOW)

    places = {(p.file, p.line, p.field) for p in report.problems}
    assert ("classes.csv", 3, "termSourcedIds") in places
    assert not Class.objects.filter(sourced_id="cl-read-h").exists()


@pytest.mark.parametrize(
    ("filename", "old", "new", "line", "field"),
    [
        ("academicSessions.csv", "2025-08-01,2026-01-01", "2025-13-01,2026-01-01", 3, "startDate"),
        ("academicSessions.csv", "2026-01-05,2026-06-01", "2026-01-05,06/31/2026", 4, "endDate"),
        (
            "academicSessions.csv",
            ",sy-2026,2026\nt-spring",
            ",sy-2026,26\nt-spring",
            3,
            "schoolYear",
        ),
        ("enrollments.csv", "2025-08-01,2026-06-01", "2025-08-01,tomorrow", 2, "endDate"),
        ("enrollments.csv", "u-s2,student,false", "u-s2,student,maybe", 3, "primary"),
        ("users.csv", "u-s2,,,true", "u-s2,,,maybe", 3, "enabledUser"),
        ("users.csv", "org-es,student,S0345678", "org-es,pupil,S0345678", 4, "role"),
        ("users.csv", ",dana.whitfield@example.org,", ",dana.whitfield@,", 5, "email"),
        ("users.csv", "Maria,García", ",García", 2, "givenName"),
        ("classes.csv", "scheduled,Room", "lecture,Room", 2, "classType"),
        ("orgs.csv", "School,school", "School,campus", 2, "type"),
    ],
)
def test_bad_values_name_file_line_and_field_and_hold_back_the_row(
    tmp_path, filename, old, new, line, field
):
    folder = copy_set(tmp_path)
    edit(folder / filename, old, new)

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    first = report.problems[0]
    assert (first.file, first.line, first.field, first.fatal) == (filename, line, field, False)
    assert report.counts[filename.removesuffix(".csv")].rejected >= 1
    assert Org.objects.exists()


def test_non_utf8_bytes_name_the_file_and_line(tmp_path):
    folder = copy_set(tmp_path)
    users = folder / "users.csv"
    users.write_bytes(users.read_bytes().replace(b"Brooks", "Br\xf6oks".encode("latin-1")))

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line) == ("users.csv", 4)
    assert "UTF-8" in problem.reason
    assert_nothing_applied()


def test_non_utf8_bytes_in_a_zip_are_found_too(tmp_path):
    folder = copy_set(tmp_path)
    orgs = folder / "orgs.csv"
    orgs.write_bytes(orgs.read_bytes().replace(b"Pine", b"P\xe9ne"))

    problem = only_problem(sync_oneroster(zip_set(folder, tmp_path / "x.zip"), now=NOW))

    assert (problem.file, problem.line) == ("orgs.csv", 4)


def test_an_empty_users_file_where_people_existed_is_an_error(tmp_path):
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    folder = copy_set(tmp_path)
    users = folder / "users.csv"
    users.write_text(users.read_text().splitlines()[0] + "\n")
    (folder / "enrollments.csv").write_text(
        (folder / "enrollments.csv").read_text().splitlines()[0] + "\n"
    )

    report = sync_oneroster(folder, force=True, now=NOW)

    assert report.result == "failed"
    places = {(p.file, p.line) for p in report.problems}
    assert places == {("users.csv", 1), ("enrollments.csv", 1)}
    assert "5 active" in next(p for p in report.problems if p.file == "users.csv").reason
    assert Person.objects.filter(status="active").count() == 5


def test_a_zero_byte_file_is_an_error(tmp_path):
    folder = copy_set(tmp_path)
    (folder / "courses.csv").write_bytes(b"")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line) == ("courses.csv", 1)


def test_a_bad_row_in_the_last_file_holds_back_that_row_alone(tmp_path):
    folder = copy_set(tmp_path)
    append(folder / "enrollments.csv", "e-9,,,cl-alg-1,org-hs,u-s1,janitor,,,")

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.line, p.field) for p in report.problems] == [("enrollments.csv", 7, "role")]
    assert Enrollment.objects.count() == 5
    assert not Enrollment.objects.filter(sourced_id="e-9").exists()


def test_a_failed_run_leaves_earlier_data_untouched(tmp_path):
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    folder = copy_set(tmp_path)
    edit(folder / "users.csv", "Minh,Nguyễn", "Minh,Changed")
    edit(folder / "orgs.csv", "Lakeview High School", "Renamed High School")
    edit(folder / "classes.csv", '"t-fall,t-spring"', '"t-fall,t-spring')

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "failed"
    assert Person.objects.get(sourced_id="u-s2").family_name == "Nguyễn"
    assert Org.objects.get(sourced_id="org-hs").name == "Lakeview High School"


def test_a_missing_path_is_an_error(tmp_path):
    report = sync_oneroster(tmp_path / "nowhere", now=NOW)

    assert report.result == "failed"
    assert "No such file" in report.problems[0].reason


def test_a_supplied_file_the_manifest_marks_absent_is_refused(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "manifest.csv", "file.courses,bulk", "file.courses,absent")

    problem = only_problem(sync_oneroster(folder, now=NOW))

    assert (problem.file, problem.line, problem.field) == ("manifest.csv", 8, "file.courses")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("u-s2,active,2025-09-01T12:00:00.000Z", "u-s2,active,yesterday", "dateLastModified"),
        ("u-s2,active,", "u-s2,updated,", "status"),
    ],
)
def test_a_bad_delta_status_or_date_rejects_only_that_row(tmp_path, settings, old, new, field):
    settings.SYNC_DEACTIVATION_THRESHOLD = 0.5
    sync_oneroster(FIXTURES / "oneroster11", now=NOW)
    folder = copy_set(tmp_path, "delta11")
    edit(folder / "users.csv", old, new)

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.line, p.field, p.fatal) for p in report.problems] == [
        ("users.csv", 2, field, False)
    ]
    assert Person.objects.get(sourced_id="u-s2").family_name == "Nguyễn"
    assert Person.objects.get(sourced_id="u-s4").status == "active"


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"number": "1" * 65}, "identifier"),  # a person's record holds 64
        ({"email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".org"}, "email"),
        ({"grades": '"' + ",".join(["09"] * 90) + '"'}, "grades"),  # 269 characters
    ],
    ids=["identifier", "email", "grades"],
)
def test_a_value_longer_than_the_directory_holds_holds_back_its_row(tmp_path, cells, field):
    folder = copy_set(tmp_path)
    row = {
        "enabled": "true", "orgs": "org-hs", "role": "student", "given": "Ana",
        "family": "Ruiz", "middle": "", "grades": "09", "email": "", "number": "900001",
    }  # fmt: skip
    append(folder / "users.csv", USER.format(sid="p-long", **{**row, **cells}))

    report = sync_oneroster(folder, now=NOW)

    assert report.result == "applied"
    assert [(p.file, p.field) for p in report.problems] == [("users.csv", field)]
    assert not Person.objects.filter(sourced_id="p-long").exists()


def test_a_school_year_in_digits_of_another_kind_holds_back_its_session(tmp_path):
    folder = copy_set(tmp_path)
    edit(folder / "academicSessions.csv", "2026-06-01,,2026", "2026-06-01,,²⁰²⁶")

    report = sync_oneroster(folder, now=NOW, force=True)

    assert report.result != "failed"
    assert ("academicSessions.csv", 2, "schoolYear") in [
        (p.file, p.line, p.field) for p in report.problems
    ]
