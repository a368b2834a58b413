"""HR CSV import for employees.

The HR export is one CSV file, always a full (bulk) list. Columns, found by header name
(case-insensitive; rename them with ``settings.HR_CSV_COLUMNS``, e.g.
``{"employee_id": "Emp No"}``):

=======================  ===  ===========================================================
column                   req  meaning
=======================  ===  ===========================================================
employee_id              *    digits, zero-padded to EMPLOYEE_ID_DIGITS ("77777" -> 077777)
first_name, last_name    *    legal names
middle_name                   middle name
preferred_first_name          the name the person goes by
email                         district email address (username recovery uses it)
job_title                     free text
location                      the person's org: an org sourcedId or an org identifier
                              (orgs come from the OneRoster sync)
supervisor_employee_id        the supervisor's employee ID (in this file or known already;
                              one who left before ever being imported means none)
hire_date                     YYYY-MM-DD or M/D/YYYY
termination_date              same; a date today or earlier means the person has left
status                        active (or empty), leave (still active), inactive or
                              terminated (has left)
role                          teacher, staff or administrator; empty keeps a known
                              person's role, new people get staff
=======================  ===  ===========================================================

Ownership: HR is authoritative for employees. A row matches an existing employee
(teacher, staff, administrator) by employee ID and takes it over (``source_system``
becomes hr; its sourcedId, account and enrollments stay). Otherwise a person
``hr:<employee id>`` is created. A bulk HR run deactivates only HR-owned people missing
from the file or marked as left. A row with an error is held back: the employee it
names stays exactly as the directory holds them, and the rest of the file applies.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import Org, Person, SourceSystem, Status, SyncRun
from directory.sync.plan import (
    EntityPlan,
    Existing,
    apply_entity,
    in_batches,
    plan_entity,
    sync_m2m,
    update_rows,
    username_changes,
)
from directory.sync.reader import Column, CsvFile, FileProblem, Package, Row, overlong_reason
from directory.sync.report import Problem, SyncReport
from directory.sync.rows import FileContext, RowErrors
from directory.sync.runner import Prepared, Progress, RunOptions, run_sync
from directory.sync.values import EMPLOYEE_ROLES, IdRules, normalise_employee_id

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


def sync_hr(
    path: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    scheduled: bool = False,
    content_hash: str = "",
) -> SyncReport:
    """Import the HR employee CSV (see the module docstring for its columns).

    Same guarantees as ``sync_oneroster``: validate all, apply in one transaction or
    nothing, refuse mass deactivation of HR-owned people unless ``force``.
    """

    def prepare(
        package: Package, report: SyncReport, at: datetime, tick: Progress
    ) -> Prepared | None:
        return HrImport(package, report, at, tick).prepare()

    return run_sync(
        SyncRun.Kind.HR,
        Path(path),
        prepare,
        RunOptions(dry_run, force, scheduled, content_hash),
        now=now,
        progress=progress,
    )


class HrImport:
    def __init__(
        self, package: Package, report: SyncReport, now: datetime, progress: Progress
    ) -> None:
        self.package = package
        self.report = report
        self.now = now
        self.progress = progress
        names = sorted(package.names())
        if len(names) != 1 or not names[0].casefold().endswith(".csv"):
            raise FileProblem(
                Problem(str(package.path), None, None, _("The HR export must be one CSV file."))
            )
        self.filename = names[0]
        self.rules = IdRules.from_settings()
        self.orgs: dict[str, int] = {}  # org sourcedId -> pk
        self.org_identifiers: dict[str, str] = {}  # org identifier -> sourcedId
        self.person_orgs: dict[int, set[int]] = defaultdict(set)
        self.org_through: dict[tuple[int, int], int] = {}
        self.username_owner: dict[str, str] = {}
        # Every employee, by employee ID (HR-owned first), and HR's own people.
        self.by_identifier: dict[str, str] = {}
        self.candidates: dict[str, Existing[EmployeeRecord]] = {}
        self.owned: dict[str, bool] = {}
        self.existing: dict[str, Existing[EmployeeRecord]] = {}
        self.desired: dict[str, EmployeeRecord] = {}
        self.removed: set[str] = set()
        self.held: set[str] = set()  # keys of people whose rows are held back
        self.plan: EntityPlan[EmployeeRecord] = EntityPlan()
        self.takeover: list[int] = []

    def prepare(self) -> Prepared | None:
        started = time.perf_counter()
        self.load_existing()
        started = self.report.timed("load", started)
        self.read()
        started = self.report.timed("read", started)
        if self.report.fatal:
            return None
        counts = self.report.entity("employees")
        self.plan = plan_entity(
            counts, self.existing, self.desired, self.removed, bulk=True, held=self.held
        )
        self.report.timed("compare", started)
        self.report.would_deactivate = sum(1 for sid in self.plan.deactivate if self.owned[sid])
        self.takeover = [
            self.existing[sid].pk for sid in self.removed if not self.owned.get(sid, True)
        ]
        return Prepared(
            apply=self.apply,
            deactivated_people=[self.existing[s].pk for s in self.plan.deactivate],
            reactivated_people=[self.existing[s].pk for s in self.plan.reactivate],
            renamed_people=username_changes(self.plan, self.existing),
        )

    def load_existing(self) -> None:
        for sid, pk, identifier in Org.objects.values_list("sourced_id", "pk", "identifier"):
            self.orgs[sid] = pk
            if identifier:
                self.org_identifiers.setdefault(identifier, sid)
        org_sid = {pk: sid for sid, pk in self.orgs.items()}
        for pk, person_id, org_id in Person.orgs.through.objects.values_list(
            "pk", "person_id", "org_id"
        ):
            self.person_orgs[person_id].add(org_id)
            self.org_through[(person_id, org_id)] = pk
        rows = list(
            Person.objects.values_list(
                "sourced_id", "pk", "status", *PLAIN, "primary_org_id", "supervisor_id"
            )
        )
        person_sid = {r[1]: r[0] for r in rows}
        for r in rows:
            self.username_owner[r[9]] = r[0]
        for r in sorted(rows, key=lambda r: r[14] != SourceSystem.HR):
            sid, pk, status, plain = r[0], r[1], r[2], r[3:15]
            primary_org, supervisor = r[15], r[16]
            if plain[0] not in EMPLOYEE_ROLES:
                continue
            record = EmployeeRecord._make(
                (
                    *plain,
                    org_sid.get(primary_org) if primary_org else None,
                    person_sid.get(supervisor) if supervisor else None,
                    frozenset(org_sid[o] for o in self.person_orgs.get(pk, ())),
                )
            )
            entry = Existing(pk, status == Status.ACTIVE, record)
            hr_owned = record.source_system == SourceSystem.HR
            self.by_identifier.setdefault(record.identifier, sid)
            self.candidates[sid] = entry
            self.owned[sid] = hr_owned
            if hr_owned:
                self.existing[sid] = entry
        self.report.active_before = sum(1 for e in self.existing.values() if e.active)

    def read(self) -> None:
        problems = self.report.problems
        header_map: dict[str, str] = getattr(settings, "HR_CSV_COLUMNS", {})
        context = FileContext(self.filename, "bulk", self.report.entity("employees"), problems)
        gone: set[str] = set()  # employee IDs of rows that have left
        pending: list[Pending] = []
        with CsvFile(self.package, self.filename, COLUMNS, header_map) as csv_file:
            for row in csv_file.rows(problems, fatal_rows=False):
                context.rows += 1
                if row.overlong:
                    context.fail(
                        row.line, None, overlong_reason(row.overlong, csv_file.table.width)
                    )
                    self.hold(context, self.employee_id(row), row.line)
                    continue
                self.read_row(context, row, gone, pending)
        self.report.file_rows["employees"] = context.rows
        self.progress(context.rows, context.rows)
        if context.rows == 0 and self.report.active_before:
            problems.append(
                Problem(
                    self.filename,
                    1,
                    None,
                    _(
                        "The file has no data rows, yet %(count)d HR employees are active. "
                        "A truncated export is refused."
                    )
                    % {"count": self.report.active_before},
                )
            )
        self.resolve_supervisors(context, pending, gone)

    def read_row(
        self, context: FileContext, row: Row, gone: set[str], pending: list[Pending]
    ) -> None:
        errors = RowErrors(context, row.line)
        identifier = ""
        try:
            identifier = self.rules.employee_id(row.get("employee_id"))
        except ValueError as error:
            errors.fail("employee_id", str(error))
        if identifier in context.seen:
            errors.fail(
                "employee_id",
                _("Duplicate employee ID %(id)s (first on line %(line)d).")
                % {"id": identifier, "line": context.seen[identifier]},
            )
            identifier = ""
        elif identifier:
            context.seen[identifier] = row.line
        first_name = errors.text(row, "first_name", required=True)
        last_name = errors.text(row, "last_name", required=True)
        middle_name = errors.text(row, "middle_name")
        preferred = errors.text(row, "preferred_first_name")
        job_title = errors.text(row, "job_title")
        email = errors.email(row, "email")
        location = row.get("location") or None
        if location and location not in self.orgs:
            location = self.org_identifiers.get(location)
            if location is None:
                errors.fail(
                    "location",
                    _("No org has the sourcedId or identifier %(value)r.")
                    % {"value": row.get("location")},
                )
        hire_date = errors.date(row, "hire_date")
        termination_date = errors.date(row, "termination_date")
        status = row.get("status").casefold()
        if status not in ACTIVE_STATUSES | LEFT_STATUSES:
            errors.fail(
                "status",
                _("Unknown status %(value)r; expected active, leave, inactive or terminated.")
                % {"value": row.get("status")},
            )
        role_name = row.get("role").casefold()
        if role_name and role_name not in EMPLOYEE_ROLES:
            errors.fail(
                "role",
                _("Unknown role %(value)r; expected teacher, staff or administrator.")
                % {"value": row.get("role")},
            )
        supervisor = row.get("supervisor_employee_id")
        supervisor_id = ""
        if supervisor:
            try:
                supervisor_id = self.rules.employee_id(supervisor)
            except ValueError as error:
                errors.fail("supervisor_employee_id", str(error))
        key = self.by_identifier.get(identifier) or f"hr:{identifier}"
        current = self.candidates.get(key)
        role = role_name or (current.values.role if current else Person.Role.STAFF)
        username = ""
        if identifier:
            try:
                username = self.rules.username(role, identifier)
            except ValueError as error:
                errors.fail("employee_id", str(error))
        if not errors.ok:
            self.hold(context, identifier or self.employee_id(row), row.line)
            return
        left = status in LEFT_STATUSES or (
            termination_date is not None and termination_date <= self.now.date()
        )
        if left:
            gone.add(identifier)
            if current is not None:
                self.removed.add(key)
                self.existing.setdefault(key, current)
            else:
                context.counts.ignored += 1
            return
        owner = self.username_owner.get(username)
        if owner is not None and owner != key:
            errors.fail(
                "employee_id",
                _("Username %(username)s already belongs to %(other)r.")
                % {"username": username, "other": owner},
            )
            self.hold(context, identifier, row.line)
            return
        self.username_owner[username] = key
        record = EmployeeRecord(
            role=role,
            given_name=first_name,
            family_name=last_name,
            middle_name=middle_name,
            preferred_given_name=preferred,
            identifier=identifier,
            username=username,
            email=email,
            job_title=job_title,
            hire_date=hire_date,
            termination_date=termination_date,
            source_system=SourceSystem.HR,
            primary_org=location,
            supervisor=None,
            orgs=frozenset([location]) if location else frozenset(),
        )
        pending.append(Pending(row.line, key, record, supervisor_id))
        if current is not None:
            self.existing.setdefault(key, current)

    @staticmethod
    def employee_id(row: Row) -> str:
        """The row's employee ID if it reads as one, else ""."""
        try:
            return normalise_employee_id(row.get("employee_id"))
        except ValueError:
            return ""

    def hold(self, context: FileContext, identifier: str, line: int) -> None:
        """Hold the row back: the employee it names stays exactly as the directory
        holds them (not deactivated for missing from the file)."""
        if identifier in context.rejected:
            context.counts.rejected += 1
            return
        context.reject(identifier, line)
        if identifier:
            self.held.add(self.by_identifier.get(identifier) or f"hr:{identifier}")

    def resolve_supervisors(
        self, context: FileContext, pending: list[Pending], gone: set[str]
    ) -> None:
        """Supervisors may come later in the file: resolved once every row is read."""
        key_of = {p.record.identifier: p.key for p in pending}
        for line, key, record, supervisor_id in pending:
            supervisor_key = None
            if supervisor_id:
                supervisor_key = key_of.get(supervisor_id) or self.by_identifier.get(supervisor_id)
                if supervisor_key is None and supervisor_id in gone:
                    # A supervisor who left before we ever knew them: no supervisor.
                    pass
                elif supervisor_key is None or supervisor_key == key:
                    if supervisor_key is not None:
                        reason = _("An employee cannot supervise themself.")
                    elif supervisor_id in context.rejected:
                        reason = _("Supervisor %(id)s was rejected (line %(line)d).") % {
                            "id": supervisor_id,
                            "line": context.rejected[supervisor_id],
                        }
                    else:
                        reason = _("Supervisor %(id)s is not a known employee.") % {
                            "id": supervisor_id
                        }
                    RowErrors(context, line).fail("supervisor_employee_id", reason)
                    self.hold(context, record.identifier, line)
                    continue
            self.desired[key] = record._replace(supervisor=supervisor_key)

    def apply(self) -> None:
        now = self.now
        delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)
        person_pk = {sid: entry.pk for sid, entry in self.candidates.items()}

        def fields(record: EmployeeRecord) -> dict[str, Any]:
            attrs: dict[str, Any] = dict(zip(PLAIN, record[:12], strict=True))
            attrs["primary_org_id"] = self.orgs[record.primary_org] if record.primary_org else None
            attrs["supervisor_id"] = person_pk.get(record.supervisor) if record.supervisor else None
            return attrs

        def extra(sid: str) -> dict[str, Any]:
            return {"first_seen_at": now, "claimable_at": now + delay}

        created = apply_entity(
            Person,
            self.plan,
            self.existing,
            fields,
            (*PLAIN, "primary_org", "supervisor"),
            now=now,
            create_extra=extra,
            tracks_leaving=True,
            pk_map=person_pk,
        )
        # Supervisors created in this same run get their key only now.
        update_rows(
            Person,
            [
                (created[sid], {"supervisor_id": person_pk[record.supervisor]})
                for sid, record in self.plan.create.items()
                if record.supervisor and record.supervisor in created
            ],
            ["supervisor"],
        )
        for batch in in_batches(self.takeover):
            Person.objects.filter(pk__in=batch).update(source_system=SourceSystem.HR)
        sync_m2m(
            Person.orgs.through,
            "person",
            "org",
            {
                person_pk[sid]: frozenset(self.orgs[o] for o in record.orgs)
                for sid, record in (*self.plan.create.items(), *self.plan.update.items())
            },
            self.person_orgs,
            self.org_through,
        )
