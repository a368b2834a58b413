"""What the directory holds before an HR run, keyed as HR's rows key it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from directory.models import Org, Person, SourceSystem, Status
from directory.sync.hr.schema import PLAIN, EmployeeRecord
from directory.sync.plan import Existing
from directory.sync.values import EMPLOYEE_ROLES
from directory.sync.writes import plain_rows

if TYPE_CHECKING:
    from directory.sync.hr.importer import HrImport


def load_existing(imp: HrImport) -> None:
    """Every employee, by employee ID (HR-owned first), HR's own people, the orgs
    locations name and every username in use."""
    for sid, pk, identifier in Org.objects.values_list("sourced_id", "pk", "identifier"):
        imp.orgs[sid] = pk
        if identifier:
            imp.org_identifiers.setdefault(identifier, sid)
    org_sid = {pk: sid for sid, pk in imp.orgs.items()}
    # Students are most of the directory: of them only the usernames matter here.
    person_sid: dict[int, str] = {}
    for pk, sid, username in plain_rows(Person, ("pk", "sourced_id", "username")):
        person_sid[pk] = sid
        imp.username_owner[username] = sid
    employees = Person.objects.filter(role__in=EMPLOYEE_ROLES)
    for pk, person_id, org_id in Person.orgs.through.objects.filter(
        person__in=employees
    ).values_list("pk", "person_id", "org_id"):
        imp.person_orgs[person_id].add(org_id)
        imp.org_through[(person_id, org_id)] = pk
    rows = employees.values_list(
        "sourced_id", "pk", "status", *PLAIN, "primary_org_id", "supervisor_id"
    )
    for r in sorted(rows, key=lambda r: r[14] != SourceSystem.HR):
        sid, pk, status, plain = r[0], r[1], r[2], r[3:15]
        primary_org, supervisor = r[15], r[16]
        record = EmployeeRecord._make(
            (
                *plain,
                org_sid.get(primary_org) if primary_org else None,
                person_sid.get(supervisor) if supervisor else None,
                frozenset(org_sid[o] for o in imp.person_orgs.get(pk, ())),
            )
        )
        entry = Existing(pk, status == Status.ACTIVE, record)
        hr_owned = record.source_system == SourceSystem.HR
        imp.by_identifier.setdefault(record.identifier, sid)
        imp.candidates[sid] = entry
        imp.owned[sid] = hr_owned
        if hr_owned:
            imp.existing[sid] = entry
    imp.report.active_before = sum(1 for e in imp.existing.values() if e.active)
