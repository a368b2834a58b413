"""The HR file's columns and the typed record HR's rows become."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from directory.sync.reader import Column

COLUMNS = [
    Column("employee_id", True, ("employee id", "employeeid", "emp_id")),
    Column("first_name", True, ("first name", "firstname")),
    Column("last_name", True, ("last name", "lastname")),
    Column("middle_name", False, ("middle name",)),
    Column("preferred_first_name", False, ("preferred first name", "preferred_name")),
    Column("email", False, ("email address",)),
    Column("job_title", False, ("job title", "title")),
    Column("location", False, ("location_id", "site")),
    Column("supervisor_employee_id", False, ("supervisor_id", "supervisor")),
    Column("hire_date", False, ("hire date",)),
    Column("termination_date", False, ("termination date",)),
    Column("status", False, ("employment_status",)),
    Column("role", False),
]
ACTIVE_STATUSES = frozenset({"", "active", "leave"})
LEFT_STATUSES = frozenset({"inactive", "terminated"})


class EmployeeRecord(NamedTuple):
    """What HR says of an employee, compared with the directory (foreign keys as the
    sourcedIds they point at)."""

    role: str
    given_name: str
    family_name: str
    middle_name: str
    preferred_given_name: str
    identifier: str
    username: str
    email: str
    job_title: str
    hire_date: date | None
    termination_date: date | None
    source_system: str
    primary_org: str | None
    supervisor: str | None
    orgs: frozenset[str]


# The Person columns written as they are (foreign keys and the org set aside).
PLAIN = EmployeeRecord._fields[:12]


class Pending(NamedTuple):
    """A valid row waiting for its supervisor to be resolved."""

    line: int
    key: str
    record: EmployeeRecord
    supervisor_id: str  # the supervisor's employee ID, or ""
