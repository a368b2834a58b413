"""An HR run: read the file row by row, resolve supervisors, plan, apply."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime
from functools import cached_property
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import Person, SourceSystem, SyncRun
from directory.sync.fingerprint import fingerprinter
from directory.sync.hr.apply import apply_employees
from directory.sync.hr.schema import (
    ACTIVE_STATUSES,
    COLUMNS,
    LEFT_STATUSES,
    EmployeeRecord,
    Pending,
)
from directory.sync.hr.snapshot import load_existing
from directory.sync.plan import EntityPlan, Existing, plan_entity, username_changes
from directory.sync.reader import CsvFile, FileProblem, Package, Row, overlong_reason
from directory.sync.report import HeldBackPerson, IgnoredReason, Problem, SyncReport
from directory.sync.rows import FileContext, RowErrors
from directory.sync.runner import Prepared, Progress, RunOptions, run_sync
from directory.sync.tables import username_owners
from directory.sync.values import EMPLOYEE_ROLES, IdRules, normalise_employee_id

# Rows read between two progress calls (an HR file is thousands of rows, not millions).
PROGRESS_ROWS = 1000


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
        # Addresses the directory holds for employees were checked when they came in.
        self.known_emails: set[str] = set()
        # Every employee, by employee ID (HR-owned first), and HR's own people.
        self.by_identifier: dict[str, str] = {}
        self.candidates: dict[str, Existing[EmployeeRecord]] = {}
        self.owned: dict[str, bool] = {}
        self.existing: dict[str, Existing[EmployeeRecord]] = {}
        self.desired: dict[str, EmployeeRecord] = {}
        self.removed: set[str] = set()
        self.held: set[str] = set()  # keys of people whose rows are held back
        self.held_back_people: list[HeldBackPerson] = []
        # Fingerprints (fingerprint.py): of active employees' rows, by value; of the
        # rows read clean, by key; and those every employee holds, by key.
        self.unchanged_rows: dict[int, str] = {}
        self.fingerprints: dict[str, int] = {}
        self.stored_fingerprints: dict[str, int] = {}
        self.link_fingerprints: dict[str, int] = {}  # of OneRoster rows linked, by key
        self.plan: EntityPlan[EmployeeRecord] = EntityPlan()
        self.takeover: list[int] = []

    @cached_property
    def username_owner(self) -> dict[str, str]:
        """Who holds each username: read when a row first needs it."""
        return username_owners()

    def prepare(self) -> Prepared | None:
        started = time.perf_counter()
        load_existing(self)
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
            apply=lambda: apply_employees(self),
            deactivated_people=[self.existing[s].pk for s in self.plan.deactivate],
            reactivated_people=[self.existing[s].pk for s in self.plan.reactivate],
            renamed_people=username_changes(self.plan, self.existing),
            held_back_people=self.held_back_people,
        )

    def read(self) -> None:
        problems = self.report.problems
        header_map: dict[str, str] = getattr(settings, "HR_CSV_COLUMNS", {})
        context = FileContext(self.filename, "bulk", self.report.entity("employees"), problems)
        gone: set[str] = set()  # employee IDs of rows that have left
        pending: list[Pending] = []
        total = self.package.count_lines(self.filename)
        fingerprint = fingerprinter("hr", self.rules, sorted(header_map.items()))
        with CsvFile(self.package, self.filename, COLUMNS, header_map) as csv_file:
            index = csv_file.table.padded_index()
            hashed = itemgetter(*(index[column.name] for column in COLUMNS))
            for row in csv_file.rows(problems, fatal_rows=False):
                context.rows += 1
                if context.rows % PROGRESS_ROWS == 0:
                    self.progress(context.rows, max(total, context.rows))
                if row.overlong:
                    context.fail(
                        row.line, None, overlong_reason(row.overlong, csv_file.table.width)
                    )
                    self.hold(context, self.employee_id(row), row.line)
                    continue
                row_fingerprint = fingerprint(hashed(row.cells))
                if self.unchanged(context, row, row_fingerprint, pending):
                    continue
                seen_problems, waiting = len(problems), len(pending)
                self.read_row(context, row, gone, pending)
                # Only a row that read without a word is vouched for.
                if len(pending) > waiting and len(problems) == seen_problems:
                    self.fingerprints[pending[-1].key] = row_fingerprint
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

    def unchanged(
        self, context: FileContext, row: Row, fingerprint: int, pending: list[Pending]
    ) -> bool:
        """Whether the row is the one an active employee was written from, so that they
        stand as they are, unchecked; their supervisor is resolved as every row's is.

        A row with a termination date is always read in full: the date may have come."""
        key = self.unchanged_rows.get(fingerprint)
        if key is None or row.get("termination_date"):
            return False
        record = self.existing[key].values
        supervisor = row.get("supervisor_employee_id")
        if record.identifier in context.seen:
            return False  # a duplicate ID: the full checks say so
        # The orgs a location names (by sourcedId or identifier) may have changed since.
        if self.location(row.get("location")) != record.primary_org:
            return False
        try:
            supervisor_id = self.rules.employee_id(supervisor) if supervisor else ""
        except ValueError:
            return False
        del self.unchanged_rows[fingerprint]
        context.seen[record.identifier] = row.line
        self.fingerprints[key] = fingerprint
        pending.append(Pending(row.line, key, record._replace(supervisor=None), supervisor_id))
        return True

    def location(self, value: str) -> str | None:
        """The sourcedId of the org a location names by sourcedId or identifier."""
        if not value or value in self.orgs:
            return value or None
        return self.org_identifiers.get(value)

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
        email = row.get("email")
        if email not in self.known_emails:
            email = errors.email(row, "email")
        location = self.location(row.get("location"))
        if row.get("location") and location is None:
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
                context.ignore(row.line, IgnoredReason.LEFT_BEFORE_IMPORT)
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
            key = self.by_identifier.get(identifier) or f"hr:{identifier}"
            self.held.add(key)
            current = self.candidates.get(key)
            if current is not None:
                self.held_back_people.append(HeldBackPerson(context.filename, line, current.pk))

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
