"""The demo district generator writes a valid OneRoster 1.1 package and HR CSV.

Checked against /work/shared/oneroster-csv.md by parsing the files with csv, not by
reading the generator's own constants back.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from demo.generator import write_demo_district

TODAY = date(2026, 11, 25)

# OneRoster 1.1 CSV headers in spec order (oneroster-csv.md, sections 4 and 5).
SPEC_HEADERS = {
    "manifest.csv": ["propertyName", "value"],
    "orgs.csv": [
        "sourcedId", "status", "dateLastModified", "name", "type", "identifier",
        "parentSourcedId",
    ],
    "academicSessions.csv": [
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
        "parentSourcedId", "schoolYear",
    ],
    "courses.csv": [
        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
        "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes",
    ],
    "classes.csv": [
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
        "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds",
        "subjects", "subjectCodes", "periods",
    ],
    "users.csv": [
        "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
        "username", "userIds", "givenName", "familyName", "middleName", "identifier",
        "email", "sms", "phone", "agentSourcedIds", "grades", "password",
    ],
    "enrollments.csv": [
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
        "userSourcedId", "role", "primary", "beginDate", "endDate",
    ],
}
HR_HEADER = [
    "employee_id", "first_name", "last_name", "middle_name", "preferred_first_name",
    "email", "job_title", "location", "supervisor_employee_id", "hire_date",
    "termination_date",
]
ONEROSTER_11_FILE_KEYS = {
    "academicSessions", "categories", "classes", "classResources", "courses",
    "courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources",
    "results", "users",
}
GUID = re.compile(r"^[0-9A-Za-z.\-_/@]{1,255}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
GRADES = {
    "elementary": {"KG", "01", "02", "03", "04", "05"},
    "middle": {"06", "07", "08"},
    "high": {"09", "10", "11", "12"},
}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("district") / "demo"
    write_demo_district(
        out, students=600, staff=90, schools=4, seed=7, today=TODAY, email_domain="hdsd.example"
    )
    files: dict[str, list[dict[str, str]]] = {}
    for name in [*SPEC_HEADERS, "hr_employees.csv"]:
        _header, rows = read(out / name)
        files[name] = rows
    return files


def test_every_oneroster_file_has_the_exact_11_header_in_spec_order(tmp_path: Path) -> None:
    write_demo_district(tmp_path / "d", students=60, staff=20, schools=3, today=TODAY)
    for name, expected in SPEC_HEADERS.items():
        header, rows = read(tmp_path / "d" / name)
        assert header == expected, name
        assert rows, f"{name} has no data rows (the spec forbids empty files)"
    header, rows = read(tmp_path / "d" / "hr_employees.csv")
    assert header == HR_HEADER
    assert rows


def test_manifest_declares_version_11_and_a_mode_for_every_11_file(district) -> None:
    props = {row["propertyName"]: row["value"] for row in district["manifest.csv"]}
    assert props["manifest.version"] == "1.0"
    assert props["oneroster.version"] == "1.1"
    file_keys = {k.removeprefix("file.") for k in props if k.startswith("file.")}
    assert file_keys == ONEROSTER_11_FILE_KEYS
    written = {n.removesuffix(".csv") for n in SPEC_HEADERS} - {"manifest"}
    for key in ONEROSTER_11_FILE_KEYS:
        assert props[f"file.{key}"] == ("bulk" if key in written else "absent"), key


def test_bulk_rows_leave_status_and_date_last_modified_blank(district) -> None:
    for name in SPEC_HEADERS:
        if name == "manifest.csv":
            continue
        for row in district[name]:
            assert row["status"] == "" and row["dateLastModified"] == "", name


def test_sourced_ids_are_guid_safe_and_unique_per_file(district) -> None:
    for name in SPEC_HEADERS:
        if name == "manifest.csv":
            continue
        ids = [row["sourcedId"] for row in district[name]]
        assert len(ids) == len(set(ids)), name
        assert all(GUID.match(i) for i in ids), name


def test_every_reference_points_at_a_row_of_the_right_kind(district) -> None:
    orgs = {row["sourcedId"]: row for row in district["orgs.csv"]}
    sessions = {row["sourcedId"]: row for row in district["academicSessions.csv"]}
    courses = {row["sourcedId"]: row for row in district["courses.csv"]}
    classes = {row["sourcedId"]: row for row in district["classes.csv"]}
    users = {row["sourcedId"]: row for row in district["users.csv"]}

    districts = [o for o in orgs.values() if o["type"] == "district"]
    assert len(districts) == 1
    schools = [o for o in orgs.values() if o["type"] == "school"]
    assert len(schools) == 4
    assert all(s["parentSourcedId"] == districts[0]["sourcedId"] for s in schools)

    types = Counter(s["type"] for s in sessions.values())
    assert types == {"schoolYear": 1, "semester": 2}
    year = next(s for s in sessions.values() if s["type"] == "schoolYear")
    for s in sessions.values():
        assert ISO_DATE.match(s["startDate"]) and ISO_DATE.match(s["endDate"])
        assert s["startDate"] < s["endDate"]
        assert re.fullmatch(r"\d{4}", s["schoolYear"])
        if s["type"] == "semester":
            assert s["parentSourcedId"] == year["sourcedId"]

    for c in courses.values():
        assert orgs[c["orgSourcedId"]]["type"] == "school"
        assert c["schoolYearSourcedId"] == year["sourcedId"]
    for k in classes.values():
        assert k["courseSourcedId"] in courses
        assert orgs[k["schoolSourcedId"]]["type"] == "school"
        assert courses[k["courseSourcedId"]]["orgSourcedId"] == k["schoolSourcedId"]
        assert k["classType"] in {"homeroom", "scheduled"}
        terms = split_list(k["termSourcedIds"])
        assert terms and all(sessions[t]["type"] == "semester" for t in terms)
    for u in users.values():
        assert u["enabledUser"] == "true"
        assert all(o in orgs for o in split_list(u["orgSourcedIds"]))
    for e in district["enrollments.csv"]:
        klass = classes[e["classSourcedId"]]
        assert e["schoolSourcedId"] == klass["schoolSourcedId"]
        user = users[e["userSourcedId"]]
        assert e["role"] in {"student", "teacher"}
        assert user["role"] == e["role"]
        assert e["primary"] in {"true", "false"}
        if e["role"] == "student":
            assert e["primary"] == "false"
            assert e["schoolSourcedId"] in split_list(user["orgSourcedIds"])


def test_each_class_has_exactly_one_primary_teacher(district) -> None:
    primaries = Counter(
        e["classSourcedId"]
        for e in district["enrollments.csv"]
        if e["role"] == "teacher" and e["primary"] == "true"
    )
    assert set(primaries) == {k["sourcedId"] for k in district["classes.csv"]}
    assert set(primaries.values()) == {1}


def test_students_take_about_five_classes_of_their_own_grade_at_their_school(district) -> None:
    classes = {row["sourcedId"]: row for row in district["classes.csv"]}
    students = {u["sourcedId"]: u for u in district["users.csv"] if u["role"] == "student"}
    taken: dict[str, list[str]] = defaultdict(list)
    for e in district["enrollments.csv"]:
        if e["role"] == "student":
            taken[e["userSourcedId"]].append(e["classSourcedId"])
    assert set(taken) == set(students)
    for student_id, class_ids in taken.items():
        assert len(class_ids) == len(set(class_ids)) <= 5
        for class_id in class_ids:
            assert classes[class_id]["grades"] == students[student_id]["grades"]
    assert sum(len(c) for c in taken.values()) / len(taken) >= 4.5


def test_students_have_unique_numbers_a_grade_fitting_their_school_and_district_email(
    district,
) -> None:
    schools = {o["sourcedId"]: o["name"] for o in district["orgs.csv"] if o["type"] == "school"}
    students = [u for u in district["users.csv"] if u["role"] == "student"]
    assert len(students) == 600
    numbers = [s["identifier"] for s in students]
    assert len(set(numbers)) == len(numbers)
    for s in students:
        assert re.fullmatch(r"\d{6,7}", s["identifier"])
        assert s["username"] == f"s0{s['identifier']}"
        assert s["userIds"] == f"{{SIS:{s['identifier']}}}"
        assert s["email"].endswith("@hdsd.example")
        name = schools[s["orgSourcedIds"]]
        kind = next(k for k in GRADES if k in name.lower())
        assert s["grades"] in GRADES[kind]
        assert s["givenName"] and s["familyName"]
    # Every grade from kindergarten to 12 is taught somewhere.
    assert {s["grades"] for s in students} == set().union(*GRADES.values())


def test_employees_have_six_digit_zero_padded_numbers_shared_with_hr(district) -> None:
    staff = [u for u in district["users.csv"] if u["role"] != "student"]
    assert {u["role"] for u in staff} == {"teacher", "administrator", "aide"}
    hr = {row["employee_id"]: row for row in district["hr_employees.csv"]}
    assert len(hr) == len(district["hr_employees.csv"]) == 90
    for u in staff:
        assert re.fullmatch(r"\d{6}", u["identifier"])
        row = hr[u["identifier"]]
        assert (row["first_name"], row["last_name"], row["email"]) == (
            u["givenName"], u["familyName"], u["email"]
        )
        assert row["location"] in split_list(u["orgSourcedIds"])
        assert u["email"].endswith("@hdsd.example")
    emails = [row["email"] for row in hr.values()]
    assert len(set(emails)) == len(emails)
    hr_only = set(hr) - {u["identifier"] for u in staff}
    assert hr_only, "HR knows non-teaching staff the SIS does not"


def test_a_larger_hr_file_has_zero_padded_ids_and_a_few_leavers_only_hr_knows(
    tmp_path: Path,
) -> None:
    write_demo_district(tmp_path / "d", students=100, staff=600, schools=3, today=TODAY)
    _h, hr = read(tmp_path / "d" / "hr_employees.csv")
    _h, users = read(tmp_path / "d" / "users.csv")
    assert any(row["employee_id"].startswith("0") for row in hr)
    assert all(re.fullmatch(r"\d{6}", row["employee_id"]) for row in hr)
    leavers = [row for row in hr if row["termination_date"]]
    assert 0 < len(leavers) < len(hr) * 0.05
    in_sis = {u["identifier"] for u in users if u["role"] != "student"}
    for row in leavers:
        assert row["employee_id"] not in in_sis
        assert row["hire_date"] < row["termination_date"] < TODAY.isoformat()


def test_school_staff_report_to_their_principal_and_principals_to_the_superintendent(
    district,
) -> None:
    orgs = {o["sourcedId"]: o for o in district["orgs.csv"]}
    hr = {row["employee_id"]: row for row in district["hr_employees.csv"]}
    supers = [r for r in hr.values() if r["job_title"] == "Superintendent"]
    assert len(supers) == 1 and supers[0]["supervisor_employee_id"] == ""
    superintendent = supers[0]["employee_id"]
    principals = {r["location"]: r for r in hr.values() if r["job_title"] == "Principal"}
    assert set(principals) == {o for o, row in orgs.items() if row["type"] == "school"}
    for row in hr.values():
        assert row["location"] in orgs
        assert ISO_DATE.match(row["hire_date"]) and row["hire_date"] <= TODAY.isoformat()
        if row["termination_date"]:
            assert ISO_DATE.match(row["termination_date"])
            # Those who left did so before today, after being hired.
            assert row["hire_date"] < row["termination_date"] < TODAY.isoformat()
        if row["employee_id"] == superintendent:
            continue
        if row["job_title"] == "Principal" or orgs[row["location"]]["type"] == "district":
            assert row["supervisor_employee_id"] == superintendent
        else:
            expected = principals[row["location"]]["employee_id"]
            assert row["supervisor_employee_id"] == expected


def test_names_are_diverse_with_accents_and_compound_family_names(tmp_path: Path) -> None:
    write_demo_district(tmp_path / "d", students=2000, staff=100, schools=4, today=TODAY)
    _h, users = read(tmp_path / "d" / "users.csv")
    family = {u["familyName"] for u in users}
    given = {u["givenName"] for u in users}
    assert any(not name.isascii() for name in family)
    assert any(not name.isascii() for name in given)
    assert any(" " in name or "-" in name for name in family)
    assert {"Nguyễn", "García"} <= family
    assert len(family) > 100


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        write_demo_district(
            tmp_path / name, students=120, staff=30, schools=3, seed=seed, today=TODAY
        )
    for name in [*SPEC_HEADERS, "hr_employees.csv"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "users.csv").read_bytes() != (
        tmp_path / "c" / "users.csv"
    ).read_bytes()


def test_any_day_of_the_same_school_year_writes_the_same_files(tmp_path: Path) -> None:
    for name, today in (("a", date(2026, 7, 1)), ("b", TODAY), ("c", date(2027, 6, 30)),
                        ("d", date(2027, 7, 1))):
        write_demo_district(tmp_path / name, students=50, staff=300, schools=3, today=today)
    for name in ["academicSessions.csv", "users.csv", "hr_employees.csv"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
    # A new school year is a new set of sessions.
    _h, sessions = read(tmp_path / "d" / "academicSessions.csv")
    assert {s["schoolYear"] for s in sessions} == {"2028"}


def test_it_writes_the_requested_sizes_and_class_count(tmp_path: Path) -> None:
    result = write_demo_district(
        tmp_path / "d", students=3000, staff=350, schools=6, classes=300, today=TODAY
    )
    assert result.students == 3000 and result.employees == 350 and result.classes == 300
    _h, users = read(tmp_path / "d" / "users.csv")
    assert len(users) == result.oneroster_users
    _h, enrollments = read(tmp_path / "d" / "enrollments.csv")
    assert len(enrollments) == result.enrollments
    assert sum(1 for e in enrollments if e["role"] == "student") == 3000 * 5


def test_regenerating_replaces_the_files_in_place(tmp_path: Path) -> None:
    write_demo_district(tmp_path / "d", students=300, staff=40, schools=3, today=TODAY)
    write_demo_district(tmp_path / "d", students=30, staff=10, schools=3, today=TODAY)
    _h, users = read(tmp_path / "d" / "users.csv")
    assert sum(1 for u in users if u["role"] == "student") == 30
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".demo-district-")]


@override_settings(DISTRICT={"email_domain": "schools.example.net", "name": "Lakeside ISD"})
def test_emails_and_district_name_default_to_the_district_settings(tmp_path: Path) -> None:
    write_demo_district(tmp_path / "d", students=10, staff=10, schools=2, today=TODAY)
    _h, users = read(tmp_path / "d" / "users.csv")
    assert all(u["email"].endswith("@schools.example.net") for u in users)
    _h, orgs = read(tmp_path / "d" / "orgs.csv")
    assert [o["name"] for o in orgs if o["type"] == "district"] == ["Lakeside ISD"]


@pytest.mark.parametrize(
    ("students", "staff", "schools"), [(0, 10, 1), (10, 4, 2), (2, 30, 3)]
)
def test_it_refuses_a_district_that_cannot_be_staffed(tmp_path, students, staff, schools):
    with pytest.raises(ValueError):
        write_demo_district(
            tmp_path / "d", students=students, staff=staff, schools=schools, today=TODAY
        )
