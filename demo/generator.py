"""A made-up school district: a OneRoster 1.1 CSV set and an HR CSV, for the demo and
the benchmark.

Deterministic: the same arguments write the same bytes on any day of the same school
year (`today` only picks the school year, which turns over on July 1).
Everything is streamed to disk; only what later rows refer to stays in memory, so
60,000 students, 7,000 staff and 300,000 enrollments take a few seconds.

This module only writes files: it imports nothing from the database layer, so the
importer reads its output exactly as it would read a real district's export.

Files written (every CSV is UTF-8 without a BOM, RFC 4180, LF line endings):
- manifest.csv, orgs.csv, academicSessions.csv, courses.csv, classes.csv, users.csv,
  enrollments.csv: a OneRoster 1.1 bulk package (status/dateLastModified blank);
- hr_employees.csv: every employee (OneRoster teachers, administrators and aides
  under the same employee number, plus staff only HR knows) with the columns in
  HR_COLUMNS.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

ONEROSTER_VERSION = "1.1"

# OneRoster 1.1 CSV columns, in the order the spec lists them.
MANIFEST_COLUMNS = ["propertyName", "value"]
ORGS_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId",
]
ACADEMIC_SESSIONS_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
    "parentSourcedId", "schoolYear",
]
COURSES_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode",
    "grades", "orgSourcedId", "subjects", "subjectCodes",
]
CLASSES_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
    "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects",
    "subjectCodes", "periods",
]
USERS_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password",
]
ENROLLMENTS_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
    "userSourcedId", "role", "primary", "beginDate", "endDate",
]
HR_COLUMNS = [
    "employee_id", "first_name", "last_name", "middle_name", "preferred_first_name", "email",
    "job_title", "location", "supervisor_employee_id", "hire_date", "termination_date",
]
# Every file a 1.1 manifest names; the ones not written are declared "absent".
ONEROSTER_11_FILES = [
    "academicSessions", "categories", "classes", "classResources", "courses",
    "courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources",
    "results", "users",
]
WRITTEN_FILES = ["academicSessions", "orgs", "courses", "classes", "users", "enrollments"]
HR_FILENAME = "hr_employees.csv"

# --- Names -------------------------------------------------------------------------
# The district's families speak English, Spanish and Vietnamese; names carry accents
# and compound family names so that matching is exercised the way real rosters do.


@dataclass(frozen=True)
class NamePool:
    weight: int
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family: tuple[str, ...]
    middle_female: tuple[str, ...] = ()
    middle_male: tuple[str, ...] = ()
    # Everyday names some people go by (a preferred first name in HR).
    preferred: tuple[str, ...] = ()


NAME_POOLS = (
    NamePool(
        weight=34,
        given_female=(
            "María", "Sofía", "Valentina", "Camila", "Ximena", "Lucía", "Guadalupe", "Ana",
            "Daniela", "Isabella", "Renata", "Mariana", "Paola", "Itzel", "Yesenia", "Inés",
            "María José", "Fernanda", "Belén", "Nayeli",
        ),
        given_male=(
            "José", "Mateo", "Santiago", "Ángel", "Jesús", "Diego", "Alejandro", "Luis",
            "Juan Carlos", "Emiliano", "Sebastián", "Adrián", "Iván", "Joaquín", "Rubén",
            "Andrés", "Héctor", "Julián", "Óscar", "Martín",
        ),
        family=(
            "García", "Hernández", "López", "Martínez", "Rodríguez", "González", "Pérez",
            "Sánchez", "Ramírez", "Flores", "Gómez", "Díaz", "Reyes", "Cruz", "Morales",
            "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Vásquez", "Castillo", "Jiménez",
            "Núñez", "Ibáñez", "Peña", "de la Cruz", "de León", "del Río", "De la Rosa",
            "García López", "Hernández-Ruiz", "Santa María", "Muñoz", "Villaseñor",
        ),
        middle_female=("Guadalupe", "Isabel", "Elena", "del Carmen", "Luisa", "Inés"),
        middle_male=("Antonio", "Manuel", "Alberto", "Eduardo", "Javier", "Ramón"),
        preferred=("Lupe", "Pepe", "Chuy", "Alex", "Dani", "Nacho", "Memo", "Sofi"),
    ),
    NamePool(
        weight=30,
        given_female=(
            "Imani", "Aaliyah", "Keisha", "Nia", "Zaria", "Ebony", "Jasmine", "Destiny",
            "Kiara", "Tiana", "Shanice", "Amara", "Janae", "Aniyah", "Brianna", "Ta'Nya",
        ),
        given_male=(
            "Jaylen", "DeShawn", "Jamal", "Malik", "Tyrone", "Darnell", "Marcus", "Andre",
            "Terrell", "Xavier", "Jalen", "Khalil", "Dominique", "Isaiah", "Quentin", "D'Angelo",
        ),
        family=(
            "Washington", "Jefferson", "Jackson", "Williams", "Johnson", "Brown", "Robinson",
            "Harris", "Booker", "Banks", "Freeman", "Coleman", "Mosley", "Dawson", "Gaines",
            "Holloway", "Simmons", "Ellison", "Bryant", "Greene",
        ),
        middle_female=("Monique", "Renee", "Denise", "Marie", "Nicole"),
        middle_male=("Lamar", "Andre", "Jerome", "Maurice", "Lee"),
        preferred=("Dre", "Kee", "Tee", "Jay", "Bri"),
    ),
    NamePool(
        weight=16,
        given_female=(
            "Emma", "Olivia", "Ava", "Charlotte", "Abigail", "Hannah", "Madison", "Emily",
            "Sarah", "Katherine", "Mary Beth", "Chloé",
        ),
        given_male=(
            "Liam", "Noah", "William", "James", "Ethan", "Benjamin", "Caleb", "Wyatt",
            "Christopher", "Michael", "Thomas", "John Paul",
        ),
        family=(
            "Smith", "Miller", "Anderson", "Taylor", "Thompson", "O'Brien", "McAllister",
            "Walker", "Baker", "Clark", "Smith-Jones", "Van Buren", "MacDonald", "Fitzgerald",
            "Cooper", "St. John",
        ),
        middle_female=("Ann", "Grace", "Lynn", "Rose", "Jane"),
        middle_male=("Lee", "Allen", "Wayne", "Ray", "Edward"),
        preferred=("Kate", "Will", "Chris", "Mike", "Tom", "Maddie", "Ben"),
    ),
    NamePool(
        weight=12,
        given_female=(
            "Anh", "Châu", "Hà", "Linh", "Ngọc", "Phương", "Thảo", "Trâm", "Vy", "Hương",
            "Mai", "Yến", "Trang", "Diệp",
        ),
        given_male=(
            "Bảo", "Dũng", "Hùng", "Khánh", "Minh", "Quân", "Tuấn", "Huy", "Long", "Phúc",
            "Thắng", "Đức", "Nam", "Tài",
        ),
        family=(
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh",
        ),
        middle_female=("Thị", "Ngọc", "Thu", "Bích", "Kim"),
        middle_male=("Văn", "Minh", "Đức", "Quốc", "Hữu"),
        preferred=("Tina", "Kevin", "Vivian", "Tony", "Jenny", "Danny", "Amy"),
    ),
    # Smaller communities, each drawn whole so a person's names fit together.
    NamePool(
        weight=3,
        given_female=("Adaeze", "Chiamaka", "Ngozi", "Abena", "Folake", "Ifeoma"),
        given_male=("Chinedu", "Oluwaseun", "Kwame", "Emeka", "Tunde", "Kofi"),
        family=("Okafor", "Okonkwo", "Adeyemi", "Mensah", "Nwosu", "Asante", "Oyelaran"),
        middle_female=("Chioma", "Ama"),
        middle_male=("Chukwuemeka", "Kwesi"),
        preferred=("Ada", "Seun", "Emmy"),
    ),
    NamePool(
        weight=2,
        given_female=("Priya", "Ananya", "Deepika", "Sneha"),
        given_male=("Arjun", "Rohan", "Vikram", "Sanjay"),
        family=("Patel", "Shah", "Reddy", "Iyer", "Desai", "Chaudhary"),
        middle_female=("Devi", "Lakshmi"),
        middle_male=("Kumar", "Prakash"),
        preferred=("Vik", "Annie", "Ro"),
    ),
    NamePool(
        weight=1,
        given_female=("Ji-woo", "Seo-yeon", "Min-seo"),
        given_male=("Min-jun", "Do-hyun", "Ji-ho"),
        family=("Kim", "Park", "Choi", "Jung"),
        preferred=("Jenny", "Justin", "Grace"),
    ),
    NamePool(
        weight=1,
        given_female=("Fatima", "Aisha", "Noor", "Layla"),
        given_male=("Omar", "Yusuf", "Karim", "Tariq"),
        family=("Haddad", "Al-Sayed", "Khalil", "Abdullah", "El-Amin"),
        preferred=("Mo", "Lulu"),
    ),
    NamePool(
        weight=1,
        given_female=("Marie-Claire", "Nadège", "Widline", "Rose-Mirlande"),
        given_male=("Jean-Baptiste", "Wesner", "Frantz", "Théo"),
        family=("Jean-Louis", "Pierre", "Toussaint", "Dessalines", "Saint-Fleur"),
        middle_female=("Marie",),
        middle_male=("Louis", "Junior"),
        preferred=("JB", "Manou"),
    ),
)

SCHOOL_NAMES = {
    "elementary": (
        "Magnolia", "César Chávez", "Harriet Tubman", "Riverside", "Oak Grove", "Pine Ridge",
        "Lakeview", "Sunrise", "Mary McLeod Bethune", "Willow Creek", "Maple Hill",
        "Cedar Park", "Hillcrest", "Brookside", "Meadowbrook", "Fairview",
    ),
    "middle": (
        "Rosa Parks", "Sonia Sotomayor", "Thurgood Marshall", "Dolores Huerta",
        "Eastside", "Westwood", "Northgate", "Jackie Robinson",
    ),
    "high": (
        "Frederick Douglass", "Roberto Clemente", "Central", "Lincoln", "Southlake",
        "Ida B. Wells",
    ),
}
SCHOOL_SUFFIX = {
    "elementary": "Elementary School", "middle": "Middle School", "high": "High School",
}
GRADES_BY_TYPE = {
    "elementary": ("KG", "01", "02", "03", "04", "05"),
    "middle": ("06", "07", "08"),
    "high": ("09", "10", "11", "12"),
}
# (subject, subject code prefix); elementary classes are homerooms plus specials.
SUBJECTS_BY_TYPE = {
    "elementary": (
        ("Homeroom", "HR"), ("Reading", "ELA"), ("Mathematics", "MATH"), ("Science", "SCI"),
        ("Social Studies", "SS"), ("Art", "ART"), ("Music", "MUS"),
        ("Physical Education", "PE"),
    ),
    "middle": (
        ("English Language Arts", "ELA"), ("Mathematics", "MATH"), ("Science", "SCI"),
        ("Social Studies", "SS"), ("Spanish", "SPAN"), ("Physical Education", "PE"),
        ("Band", "BAND"), ("Computer Science", "CS"),
    ),
    "high": (
        ("English", "ENG"), ("Algebra and Geometry", "MATH"), ("Biology and Chemistry", "SCI"),
        ("U.S. History", "HIST"), ("Spanish", "SPAN"), ("Vietnamese", "VIET"),
        ("Physical Education", "PE"), ("Computer Science", "CS"), ("Visual Arts", "ART"),
    ),
}
GRADE_LABEL = {"KG": "Kindergarten"} | {f"{n:02d}": f"Grade {n}" for n in range(1, 13)}
CLASSES_PER_STUDENT = 5
NON_TEACHING_SCHOOL_TITLES = (
    "Custodian", "Cafeteria Manager", "Food Service Worker", "School Nurse",
    "Front Office Secretary", "School Counselor", "Media Specialist", "Bus Driver",
    "Attendance Clerk", "Social Worker",
)
DISTRICT_OFFICE_TITLES = (
    "Payroll Specialist", "HR Generalist", "Network Technician", "Help Desk Technician",
    "Transportation Coordinator", "Accountant", "Curriculum Coordinator",
    "Enrollment Specialist", "Data Analyst", "Executive Assistant",
)


# --- What the generator returns ------------------------------------------------------


@dataclass
class DemoDistrict:
    """Counts of what was written, for commands and tests to report."""

    out_dir: Path
    schools: int = 0
    sessions: int = 0
    courses: int = 0
    classes: int = 0
    students: int = 0
    teachers: int = 0
    administrators: int = 0
    aides: int = 0
    hr_only: int = 0
    enrollments: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def employees(self) -> int:
        return self.teachers + self.administrators + self.aides + self.hr_only

    @property
    def oneroster_users(self) -> int:
        return self.students + self.teachers + self.administrators + self.aides


@dataclass
class _School:
    sourced_id: str
    name: str
    kind: str
    identifier: str
    students: int = 0
    principal_id: str = ""  # employee number
    teachers: list[str] = field(default_factory=list)  # OneRoster sourcedIds


@dataclass
class _Employee:
    employee_id: str
    given: str
    family: str
    middle: str
    preferred: str
    email: str
    job_title: str
    location: str  # org sourcedId
    supervisor_id: str
    hire_date: date
    termination_date: date | None
    oneroster_role: str  # "" when only HR knows the person
    sourced_id: str
    grades: str = ""


# --- The generator ---------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        *,
        students: int,
        staff: int,
        schools: int,
        classes: int | None,
        seed: int | str,
        today: date,
        email_domain: str,
        district_name: str,
    ) -> None:
        if students < 1 or schools < 1:
            raise ValueError("A district needs at least one school and one student.")
        if schools > students:
            raise ValueError("Every school needs at least one student.")
        # A superintendent, then per school a principal and a teacher at least.
        if staff < 1 + 2 * schools:
            raise ValueError(f"{schools} schools need at least {1 + 2 * schools} staff.")
        self.n_students = students
        self.n_staff = staff
        self.n_schools = schools
        self.n_classes = classes
        self.rng = random.Random(f"hallpass-demo:{seed}")
        self.today = today
        self.domain = email_domain
        self.district_name = district_name
        start_year = today.year if today.month >= 7 else today.year - 1
        # Dates hang off July 1 (already past), not off `today`, so the files only
        # change when the school year does.
        self.july_first = date(start_year, 7, 1)
        self.year_start = date(start_year, 8, 3)
        self.year_end = date(start_year + 1, 5, 29)  # OneRoster endDate is exclusive
        self.school_year = start_year + 1
        self.used_emails: set[str] = set()

    # identifiers -------------------------------------------------------------------

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def unique_numbers(self, count: int, low: int, high: int) -> list[int]:
        return self.rng.sample(range(low, high), count)

    # names ---------------------------------------------------------------------------

    def person_name(self) -> tuple[str, str, str, str]:
        """(given, family, middle, preferred) drawn from one culture's pool."""
        rng = self.rng
        pool = rng.choices(NAME_POOLS, weights=[p.weight for p in NAME_POOLS])[0]
        female = rng.random() < 0.5
        given = rng.choice(pool.given_female if female else pool.given_male)
        family = rng.choice(pool.family)
        if rng.random() < 0.08:
            # Hispanic-style two family names, or a married hyphenated name.
            other_pool = rng.choices(NAME_POOLS, weights=[p.weight for p in NAME_POOLS])[0]
            other = rng.choice(other_pool.family)
            if other != family and " " not in family and "-" not in family:
                family = f"{family} {other}" if pool is NAME_POOLS[0] else f"{family}-{other}"
        middles = pool.middle_female if female else pool.middle_male
        middle = rng.choice(middles) if middles and rng.random() < 0.45 else ""
        preferred = rng.choice(pool.preferred) if pool.preferred and rng.random() < 0.07 else ""
        return given, family, middle, preferred

    def email_for(self, given: str, family: str) -> str:
        base = f"{_ascii_slug(given)}.{_ascii_slug(family)}"
        email = f"{base}@{self.domain}"
        n = 1
        while email in self.used_emails:
            n += 1
            email = f"{base}{n}@{self.domain}"
        self.used_emails.add(email)
        return email

    def hire_date(self) -> date:
        return self.july_first - timedelta(days=self.rng.randint(0, 30 * 365))

    # structure -----------------------------------------------------------------------

    def make_schools(self) -> list[_School]:
        n = self.n_schools
        if n == 1:
            kinds = ["elementary"]
        elif n == 2:
            kinds = ["elementary", "high"]
        else:
            high = max(1, round(n * 0.2))
            middle = max(1, round(n * 0.25))
            kinds = ["elementary"] * (n - high - middle) + ["middle"] * middle + ["high"] * high
        schools: list[_School] = []
        seen: dict[str, int] = {}
        for kind in kinds:
            index = seen.get(kind, 0)
            seen[kind] = index + 1
            names = SCHOOL_NAMES[kind]
            name = f"{names[index % len(names)]} {SCHOOL_SUFFIX[kind]}"
            if index >= len(names):
                name += f" {index // len(names) + 1}"
            schools.append(
                _School(
                    sourced_id=self.guid(),
                    name=name,
                    kind=kind,
                    identifier=f"13{self.rng.randint(0, 10**10 - 1):010d}",  # NCES-like
                )
            )
        return schools

    def grade_slots(self, schools: list[_School]) -> list[tuple[_School, str]]:
        """Every (school, grade) a student can be in."""
        return [(s, g) for s in schools for g in GRADES_BY_TYPE[s.kind]]


def positive_count(value: str) -> int:
    """argparse type for the generator's sizes (students, staff, schools...)."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def write_demo_district(
    out_dir: Path,
    *,
    students: int = 5000,
    staff: int = 600,
    schools: int = 8,
    classes: int | None = None,
    seed: int | str = 2026,
    today: date | None = None,
    email_domain: str | None = None,
    district_name: str | None = None,
) -> DemoDistrict:
    """Write a demo district's OneRoster 1.1 package and HR CSV into `out_dir`.

    `classes` defaults to one class per 25 student seats (five per student); each
    (school, grade) with students gets at least one class, so tiny districts may get
    a few more classes than asked. `staff` counts every employee HR knows. `today`
    fixes the school year and hire dates (default: the real date). The files are
    written to a temporary folder first and moved into place, so an interrupted run
    never leaves a half-written package behind.
    """
    if email_domain is None or district_name is None:
        from django.conf import settings

        email_domain = email_domain or str(settings.DISTRICT["email_domain"])
        district_name = district_name or str(settings.DISTRICT["name"])
    gen = _Generator(
        students=students,
        staff=staff,
        schools=schools,
        classes=classes,
        seed=seed,
        today=today or date.today(),
        email_domain=email_domain,
        district_name=district_name,
    )
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".demo-district-", dir=out_dir.parent))
    try:
        result = _write_all(gen, work)
        if out_dir.exists():
            for name in [*(f"{n}.csv" for n in WRITTEN_FILES), "manifest.csv", HR_FILENAME]:
                (out_dir / name).unlink(missing_ok=True)
        else:
            out_dir.mkdir()
        for name in result.files:
            os.replace(work / name, out_dir / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.out_dir = out_dir
    return result


def _write_all(gen: _Generator, out: Path) -> DemoDistrict:
    rng = gen.rng
    result = DemoDistrict(out_dir=out)
    district_id = gen.guid()
    schools = gen.make_schools()
    result.schools = len(schools)

    # orgs.csv
    with _csv_writer(out / "orgs.csv", ORGS_COLUMNS) as w:
        w.writerow([district_id, "", "", gen.district_name, "district", "1300001", ""])
        for s in schools:
            w.writerow([s.sourced_id, "", "", s.name, "school", s.identifier, district_id])

    # academicSessions.csv: the school year and its two semesters.
    year_id, fall_id, spring_id = gen.guid(), gen.guid(), gen.guid()
    winter_break = date(gen.year_start.year, 12, 19)
    spring_start = date(gen.year_start.year + 1, 1, 5)
    with _csv_writer(out / "academicSessions.csv", ACADEMIC_SESSIONS_COLUMNS) as w:
        sy = str(gen.school_year)
        w.writerow([year_id, "", "", f"{gen.school_year - 1}-{gen.school_year}", "schoolYear",
                    gen.year_start.isoformat(), gen.year_end.isoformat(), "", sy])
        w.writerow([fall_id, "", "", f"Fall {gen.school_year - 1}", "semester",
                    gen.year_start.isoformat(), winter_break.isoformat(), year_id, sy])
        w.writerow([spring_id, "", "", f"Spring {gen.school_year}", "semester",
                    spring_start.isoformat(), gen.year_end.isoformat(), year_id, sy])
    result.sessions = 3

    # Students are spread over every grade, each grade over the schools teaching it.
    slots = gen.grade_slots(schools)
    slot_students = [0] * len(slots)
    for i in range(gen.n_students):
        slot_students[i % len(slots)] += 1
    rng.shuffle(slot_students)  # keep sizes uneven but deterministic
    for (school, _grade), count in zip(slots, slot_students, strict=True):
        school.students += count
    # A school with no students would be an empty school: give it one from the largest.
    for school in schools:
        if school.students == 0:
            donor = max(range(len(slots)), key=lambda k: slot_students[k])
            target = next(k for k, (s, _) in enumerate(slots) if s is school)
            slot_students[donor] -= 1
            slot_students[target] += 1
            slots[donor][0].students -= 1
            school.students += 1

    # Classes per slot, proportional to its students, at least one where there are any.
    wanted = gen.n_classes or max(1, round(gen.n_students * CLASSES_PER_STUDENT / 25))
    slot_classes = _apportion(wanted, slot_students, minimum_where_positive=1)

    # Staff: a superintendent, a principal per school, the rest spread by students.
    employee_numbers = [f"{n:06d}" for n in gen.unique_numbers(gen.n_staff, 1000, 1_000_000)]
    numbers = iter(employee_numbers)
    employees: list[_Employee] = []

    def employee(role: str, title: str, location: str, supervisor: str) -> _Employee:
        given, family, middle, preferred = gen.person_name()
        e = _Employee(
            employee_id=next(numbers),
            given=given,
            family=family,
            middle=middle,
            preferred=preferred,
            email=gen.email_for(given, family),
            job_title=title,
            location=location,
            supervisor_id=supervisor,
            hire_date=gen.hire_date(),
            termination_date=None,
            oneroster_role=role,
            sourced_id=gen.guid(),
        )
        employees.append(e)
        return e

    superintendent = employee("administrator", "Superintendent", district_id, "")
    for school in schools:
        school.principal_id = employee(
            "administrator", "Principal", school.sourced_id, superintendent.employee_id
        ).employee_id
    remaining = gen.n_staff - 1 - len(schools)
    # Schools come first: each needs a teacher before the district office hires.
    district_office = min(round(remaining * 0.04), remaining - len(schools))
    school_staff = _apportion(
        remaining - district_office, [s.students for s in schools], minimum_where_positive=1
    )
    for school, count in zip(schools, school_staff, strict=True):
        # One teacher first, then a fixed mix: teachers, aides, assistant principals,
        # and staff only HR knows (custodians, nurses, counselors...).
        for k in range(count):
            share = (k * 100) // max(count, 1)
            if k == 0 or share < 62:
                role, title = "teacher", f"{SCHOOL_SUFFIX[school.kind]} Teacher"
            elif share < 74:
                role, title = "aide", "Paraprofessional"
            elif share < 77:
                role, title = "administrator", "Assistant Principal"
            else:
                role, title = "", NON_TEACHING_SCHOOL_TITLES[k % len(NON_TEACHING_SCHOOL_TITLES)]
            e = employee(role, title, school.sourced_id, school.principal_id)
            e.grades = ",".join(GRADES_BY_TYPE[school.kind]) if role == "teacher" else ""
            if role == "teacher":
                school.teachers.append(e.sourced_id)
    for k in range(district_office):
        employee("", DISTRICT_OFFICE_TITLES[k % len(DISTRICT_OFFICE_TITLES)], district_id,
                 superintendent.employee_id)
    # A few people only HR knows left the district over the summer.
    for e in employees:
        if not e.oneroster_role and e.job_title != "Superintendent" and rng.random() < 0.02:
            e.termination_date = gen.july_first - timedelta(days=rng.randint(1, 45))
            e.hire_date = min(e.hire_date, e.termination_date - timedelta(days=1))

    for e in employees:
        if e.oneroster_role == "teacher":
            result.teachers += 1
        elif e.oneroster_role == "administrator":
            result.administrators += 1
        elif e.oneroster_role == "aide":
            result.aides += 1
        else:
            result.hr_only += 1

    # hr_employees.csv
    with _csv_writer(out / HR_FILENAME, HR_COLUMNS) as w:
        for e in employees:
            w.writerow([
                e.employee_id, e.given, e.family, e.middle, e.preferred, e.email, e.job_title,
                e.location, e.supervisor_id, e.hire_date.isoformat(),
                e.termination_date.isoformat() if e.termination_date else "",
            ])

    # courses.csv and classes.csv: one course per (school, grade, subject).
    # Per slot: subject index -> list of (class sourcedId, teacher sourcedId).
    slot_sections: list[list[list[str]]] = []
    class_teacher: list[tuple[str, str, str]] = []  # (class, school, teacher)
    class_counter = 0
    with (
        _csv_writer(out / "courses.csv", COURSES_COLUMNS) as courses_w,
        _csv_writer(out / "classes.csv", CLASSES_COLUMNS) as classes_w,
    ):
        teacher_turn = {s.sourced_id: 0 for s in schools}
        for (school, grade), n_classes in zip(slots, slot_classes, strict=True):
            subjects = SUBJECTS_BY_TYPE[school.kind]
            used = subjects[: min(len(subjects), n_classes)]
            course_ids = []
            for subject, code in used:
                course_id = gen.guid()
                course_ids.append(course_id)
                courses_w.writerow([
                    course_id, "", "", year_id, f"{subject} ({GRADE_LABEL[grade]})",
                    f"{code}-{grade}", grade, school.sourced_id, subject, "",
                ])
                result.courses += 1
            sections: list[list[str]] = [[] for _ in used]
            for c in range(n_classes):
                subject_index = c % len(used)
                section = c // len(used) + 1
                subject, code = used[subject_index]
                class_counter += 1
                class_id = f"cls-{class_counter:06d}"
                full_year = school.kind == "elementary" or subject_index % 3 != 2
                terms = f"{fall_id},{spring_id}" if full_year else rng.choice((fall_id, spring_id))
                period = (c % 7) + 1
                classes_w.writerow([
                    class_id, "", "", f"{subject} {GRADE_LABEL[grade]} - Section {section}",
                    grade, course_ids[subject_index], f"{code}-{grade}-{section:02d}",
                    "homeroom" if code == "HR" else "scheduled",
                    f"Room {100 * rng.randint(1, 3) + rng.randint(1, 40)}", school.sourced_id,
                    terms, subject, "", str(period),
                ])
                teachers = school.teachers
                teacher = teachers[teacher_turn[school.sourced_id] % len(teachers)]
                teacher_turn[school.sourced_id] += 1
                class_teacher.append((class_id, school.sourced_id, teacher))
                sections[subject_index].append(class_id)
            slot_sections.append(sections)
    result.classes = class_counter

    # users.csv and enrollments.csv, streamed together.
    student_numbers = gen.unique_numbers(gen.n_students, 100_000, 10_000_000)
    begin = gen.year_start.isoformat()
    enrollment_counter = 0

    def enrollment_id() -> str:
        nonlocal enrollment_counter
        enrollment_counter += 1
        return f"enr-{enrollment_counter:07d}"

    with (
        _csv_writer(out / "users.csv", USERS_COLUMNS) as users_w,
        _csv_writer(out / "enrollments.csv", ENROLLMENTS_COLUMNS) as enr_w,
    ):
        for e in employees:
            if not e.oneroster_role:
                continue
            users_w.writerow([
                e.sourced_id, "", "", "true", e.location, e.oneroster_role,
                f"e{e.employee_id}", f"{{HR:{e.employee_id}}}", e.given, e.family, e.middle,
                e.employee_id, e.email, "", "", "", e.grades, "",
            ])
        # Each class has exactly one primary teacher; teachers left without a class
        # co-teach one (primary=false), as inclusion and ESOL teachers do.
        taught: set[str] = set()
        for class_id, school_id, teacher in class_teacher:
            taught.add(teacher)
            enr_w.writerow([enrollment_id(), "", "", class_id, school_id, teacher, "teacher",
                            "true", begin, ""])
        classes_by_school: dict[str, list[str]] = {}
        for class_id, school_id, _t in class_teacher:
            classes_by_school.setdefault(school_id, []).append(class_id)
        for school in schools:
            for teacher in school.teachers:
                if teacher not in taught and classes_by_school.get(school.sourced_id):
                    enr_w.writerow([enrollment_id(), "", "",
                                    rng.choice(classes_by_school[school.sourced_id]),
                                    school.sourced_id, teacher, "teacher", "false", begin, ""])

        numbers_iter = iter(student_numbers)
        for (school, grade), count, sections in zip(
            slots, slot_students, slot_sections, strict=True
        ):
            per_student = min(CLASSES_PER_STUDENT, len(sections))
            for _ in range(count):
                number = str(next(numbers_iter))
                sourced_id = gen.guid()
                given, family, middle, _preferred = gen.person_name()
                username = f"s0{number}"
                users_w.writerow([
                    sourced_id, "", "", "true", school.sourced_id, "student", username,
                    f"{{SIS:{number}}}", given, family, middle, number,
                    f"{username}@{gen.domain}", "", "", "", grade, "",
                ])
                result.students += 1
                # Homeroom first (elementary), then other subjects, one section each.
                picks = [0] if school.kind == "elementary" and sections else []
                others = [i for i in range(len(sections)) if i not in picks]
                picks += rng.sample(others, per_student - len(picks))
                for subject_index in picks:
                    enr_w.writerow([enrollment_id(), "", "", rng.choice(sections[subject_index]),
                                    school.sourced_id, sourced_id, "student", "false", begin,
                                    ""])
    result.enrollments = enrollment_counter

    with _csv_writer(out / "manifest.csv", MANIFEST_COLUMNS) as w:
        w.writerow(["manifest.version", "1.0"])
        w.writerow(["oneroster.version", ONEROSTER_VERSION])
        for name in ONEROSTER_11_FILES:
            w.writerow([f"file.{name}", "bulk" if name in WRITTEN_FILES else "absent"])
        w.writerow(["source.systemName", "Hallpass demo generator"])
        w.writerow(["source.systemCode", "hallpass-demo"])

    result.files = ["manifest.csv", *(f"{n}.csv" for n in WRITTEN_FILES), HR_FILENAME]
    return result


# --- Helpers ---------------------------------------------------------------------------


class _csv_writer:
    """A csv.writer on a new UTF-8 file with LF line endings, header written."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.header = header
        self.file: TextIO | None = None

    def __enter__(self) -> Any:
        self.file = self.path.open("w", encoding="utf-8", newline="")
        writer = csv.writer(self.file, lineterminator="\n")
        writer.writerow(self.header)
        return writer

    def __exit__(self, *exc: object) -> None:
        assert self.file is not None
        self.file.close()


def _apportion(total: int, weights: Sequence[int], *, minimum_where_positive: int) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders), giving every
    positive weight at least `minimum_where_positive`."""
    positive = [w > 0 for w in weights]
    base = [minimum_where_positive if p else 0 for p in positive]
    left = max(0, total - sum(base))
    weight_sum = sum(weights) or 1
    shares = [left * w / weight_sum for w in weights]
    counts = [b + int(s) for b, s in zip(base, shares, strict=True)]
    remainder = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: max(0, remainder)]:
        counts[i] += 1
    return counts


def _ascii_slug(name: str) -> str:
    """"Nguyễn" -> "nguyen", "de la Cruz" -> "delacruz", "O'Brien" -> "obrien"."""
    decomposed = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed.casefold() if ch.isascii() and ch.isalnum())


def iter_csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of one generated CSV as dicts (for tests and the demo command's samples)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)
