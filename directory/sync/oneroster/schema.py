"""What a OneRoster package holds and what Hallpass keeps of it: versions, columns,
the role map, and one typed record per entity (the values a run compares)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from directory.models import Enrollment, Org, Person
from directory.sync.reader import Column

VERSIONS = ("1.0", "1.1", "1.2")
USED_FILES = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")
MODES = ("bulk", "delta", "absent")

# OneRoster role -> directory role; None = not a directory person (counted as ignored).
ROLE_MAP: dict[str, str | None] = {
    "student": Person.Role.STUDENT,
    "teacher": Person.Role.TEACHER,
    "administrator": Person.Role.ADMINISTRATOR,
    "districtadministrator": Person.Role.ADMINISTRATOR,
    "siteadministrator": Person.Role.ADMINISTRATOR,
    "systemadministrator": Person.Role.ADMINISTRATOR,
    "principal": Person.Role.ADMINISTRATOR,
    "aide": Person.Role.STAFF,
    "proctor": Person.Role.STAFF,
    "counselor": Person.Role.STAFF,
    "guardian": None,
    "parent": None,
    "relative": None,
}
ORG_TYPES = {value.casefold(): value for value in Org.OrgType.values}
SESSION_TYPES = {v.casefold(): v for v in ("gradingPeriod", "semester", "schoolYear", "term")}
CLASS_TYPES = {"homeroom": "homeroom", "scheduled": "scheduled"}
ENROLLMENT_ROLES = {value: value for value in Enrollment.Role.values}
DELETED = frozenset({"tobedeleted", "inactive"})  # 1.1-era exports still send "inactive"

_STATUS = (Column("status"), Column("dateLastModified", aliases=("dataLastModified",)))
COLUMNS: dict[str, list[Column]] = {
    "orgs": [
        Column("sourcedId", True),
        *_STATUS,
        Column("name", True),
        Column("type", True),
        Column("identifier"),
        Column("parentSourcedId"),
    ],
    "academicSessions": [
        Column("sourcedId", True),
        *_STATUS,
        Column("title", True),
        Column("type", True),
        Column("startDate", True),
        Column("endDate", True),
        Column("parentSourcedId"),
        Column("schoolYear"),  # 1.0 has none: derived from the end date
    ],
    "courses": [Column("sourcedId", True), *_STATUS, Column("title", True)],
    "classes": [
        Column("sourcedId", True),
        *_STATUS,
        Column("title", True),
        Column("grades", aliases=("grade",)),  # 1.0 names
        Column("courseSourcedId", True),
        Column("classCode"),
        Column("classType", True),
        Column("schoolSourcedId", True),
        Column("termSourcedIds", True, aliases=("termSourcedId",)),
    ],
    "users": [
        Column("sourcedId", True),
        *_STATUS,
        Column("enabledUser"),  # not in 1.0
        Column("username", True),
        Column("userIds", aliases=("userId",)),
        Column("givenName", True),
        Column("familyName", True),
        Column("middleName"),
        Column("identifier"),
        Column("email"),
        Column("grades", aliases=("grade",)),
        Column("preferredGivenName", aliases=("prefferedGivenName",)),
        Column("preferredFamilyName", aliases=("prefferedFamilyName",)),
        Column("primaryOrgSourcedId"),
    ],
    "roles": [
        Column("sourcedId", True),
        *_STATUS,
        Column("userSourcedId", True),
        Column("roleType", True),
        Column("role", True),
        Column("orgSourcedId", True),
    ],
    "enrollments": [
        Column("sourcedId", True),
        *_STATUS,
        Column("classSourcedId", True),
        Column("schoolSourcedId", True),
        Column("userSourcedId", True),
        Column("role", True),
        Column("primary"),
        Column("beginDate"),
        Column("endDate"),
    ],
}
USERS_11 = [Column("orgSourcedIds", True), Column("role", True)]


# The records compare field by field with what the directory holds; a foreign key is
# the sourcedId it points at, so a run that changes nothing compares equal everywhere.


class OrgRecord(NamedTuple):
    name: str
    org_type: str
    identifier: str
    parent: str | None


class SessionRecord(NamedTuple):
    title: str
    session_type: str
    start_date: date
    end_date: date
    school_year: int
    parent: str | None


class ClassRecord(NamedTuple):
    title: str
    class_code: str
    class_type: str
    course_sourced_id: str
    course_title: str
    school: str
    grades: str
    terms: frozenset[str]


class PersonRecord(NamedTuple):
    role: str
    given_name: str
    family_name: str
    middle_name: str
    preferred_given_name: str
    preferred_family_name: str
    identifier: str
    username: str
    email: str
    grades: str
    primary_org: str | None
    orgs: frozenset[str]


# The Person columns a OneRoster run writes as they are (foreign keys and sets aside).
PERSON_PLAIN = PersonRecord._fields[:10]


class EnrollmentRecord(NamedTuple):
    klass: str
    person: str
    role: str
    primary: bool
    begin_date: date | None
    end_date: date | None


class RoleEntry(NamedTuple):
    """One roles.csv row (1.2) for its user."""

    line: int
    role_type: str  # primary or secondary
    role: str | None  # the directory role; None = not a directory person
    org: str | None  # None: the org is nowhere (left out with a warning)
