"""What the directory holds before an HR run, keyed as HR's rows key it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from directory.models import Org, Person, SourceSystem, Status
from directory.sync.fingerprint import StoredFingerprints
from directory.sync.hr.schema import PLAIN, EmployeeRecord
from directory.sync.plan import Existing
from directory.sync.values import EMPLOYEE_ROLES

if TYPE_CHECKING:
    from directory.sync.hr.importer import HrImport


def load_existing(imp: HrImport) -> None:
    """Every employee, by employee ID (HR-owned first), HR's own people and the orgs
    locations name."""
    for sid, pk, identifier in Org.objects.values_list("sourced_id", "pk", "identifier"):
        imp.orgs[sid] = pk
        if identifier:
            imp.org_identifiers.setdefault(identifier, sid)
    org_sid = {pk: sid for sid, pk in imp.orgs.items()}
    employees = Person.objects.filter(role__in=EMPLOYEE_ROLES)
    for pk, person_id, org_id in Person.orgs.through.objects.filter(
        person__in=employees
    ).values_list("pk", "person_id", "org_id"):
        imp.person_orgs[person_id].add(org_id)
        imp.org_through[(person_id, org_id)] = pk
    rows = list(
        employees.values_list(
            "sourced_id", "pk", "status", *PLAIN, "primary_org_id", "supervisor_id",
            "source_fingerprint", "link_fingerprint",
        )
    )  # fmt: skip
    person_sid = {r[1]: r[0] for r in rows}
    # A supervisor is an employee, unless a source has said otherwise since.
    others = {r[16] for r in rows if r[16]} - person_sid.keys()
    person_sid.update(Person.objects.filter(pk__in=others).values_list("pk", "sourced_id"))
    active_fingerprints: dict[str, int] = {}
    for r in sorted(rows, key=lambda r: r[14] != SourceSystem.HR):
        sid, pk, status, plain = r[0], r[1], r[2], r[3:15]
        primary_org, supervisor, fingerprint = r[15], r[16], r[17]
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
        imp.known_emails.add(record.email)
        imp.owned[sid] = hr_owned
        imp.stored_fingerprints[sid] = fingerprint
        imp.link_fingerprints[sid] = r[18]
        if hr_owned:
            imp.existing[sid] = entry
            if entry.active:
                active_fingerprints[sid] = fingerprint
    imp.report.active_before = len(active_fingerprints)
    # An active employee's fingerprint (it covers the employee ID) names the row they
    # were written from.
    stored = StoredFingerprints.of(list(active_fingerprints.values()))
    imp.unchanged_rows = {f: sid for sid, f in active_fingerprints.items() if f in stored.matchable}
