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
from the file or marked as left. Any row error fails the whole run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import Org, Person, SourceSystem, Status, SyncRun
from directory.sync.plan import (
    EntityPlan,
    Existing,
    Values,
    apply_entity,
    in_batches,
    plan_entity,
    sync_m2m,
    update_rows,
    username_changes,
)
from directory.sync.reader import Column, CsvFile, FileProblem, Package
from directory.sync.report import Problem, SyncReport
from directory.sync.runner import Prepared, Progress, run_sync
from directory.sync.values import (
    EMPLOYEE_ROLES,
    check_email,
    check_text,
    make_username,
    normalise_employee_id,
    parse_date,
)

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
FIELDS = (
    "role",
    "given_name",
    "family_name",
    "middle_name",
    "preferred_given_name",
    "identifier",
    "username",
    "email",
    "job_title",
    "hire_date",
    "termination_date",
    "source_system",
    "primary_org",
    "supervisor",
    "orgs",
)
PLAIN = FIELDS[:12]


def sync_hr(
    path: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
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
        dry_run=dry_run,
        force=force,
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

    def prepare(self) -> Prepared | None:
        self.load_existing()
        self.read()
        if self.report.fatal:
            return None
        counts = self.report.entity("employees")
        self.plan: EntityPlan = plan_entity(
            counts, self.existing, self.desired, self.removed, bulk=True
        )
        self.report.would_deactivate = sum(1 for sid in self.plan.deactivate if self.owned[sid])
        self.takeover = [
            self.existing[sid].pk for sid in self.removed if not self.owned.get(sid, True)
        ]
        return Prepared(
            apply=self.apply,
            deactivated_people=[self.existing[s].pk for s in self.plan.deactivate],
            reactivated_people=[self.existing[s].pk for s in self.plan.reactivate],
            renamed_people=username_changes(self.plan, self.existing, PLAIN.index("username")),
        )

    def load_existing(self) -> None:
        self.orgs: dict[str, int] = {}
        org_identifiers: dict[str, str] = {}
        for sid, pk, identifier in Org.objects.values_list("sourced_id", "pk", "identifier"):
            self.orgs[sid] = pk
            if identifier:
                org_identifiers.setdefault(identifier, sid)
        self.org_identifiers = org_identifiers
        org_sid = {pk: sid for sid, pk in self.orgs.items()}
        person_orgs: dict[int, set[int]] = defaultdict(set)
        self.org_through: dict[tuple[int, int], int] = {}
        for pk, person_id, org_id in Person.orgs.through.objects.values_list(
            "pk", "person_id", "org_id"
        ):
            person_orgs[person_id].add(org_id)
            self.org_through[(person_id, org_id)] = pk
        self.person_orgs = person_orgs
        rows = list(
            Person.objects.values_list(
                "sourced_id", "pk", "status", *PLAIN, "primary_org_id", "supervisor_id"
            )
        )
        person_sid = {r[1]: r[0] for r in rows}
        self.username_owner = {r[9]: r[0] for r in rows}
        # Every employee, by employee ID (HR-owned first), and HR's own people.
        self.by_identifier: dict[str, str] = {}
        self.candidates: dict[str, Existing] = {}
        self.owned: dict[str, bool] = {}
        self.existing: dict[str, Existing] = {}
        for r in sorted(rows, key=lambda r: r[14] != SourceSystem.HR):
            if r[3] not in EMPLOYEE_ROLES:
                continue
            values = (
                *r[3:15],
                org_sid.get(r[15]) if r[15] else None,
                person_sid.get(r[16]) if r[16] else None,
                frozenset(org_sid[o] for o in person_orgs.get(r[1], ())),
            )
            entry = Existing(r[1], r[2] == Status.ACTIVE, values)
            self.by_identifier.setdefault(r[8], r[0])
            self.candidates[r[0]] = entry
            self.owned[r[0]] = r[14] == SourceSystem.HR
            if r[14] == SourceSystem.HR:
                self.existing[r[0]] = entry
        self.report.active_before = sum(1 for e in self.existing.values() if e.active)

    def read(self) -> None:
        problems = self.report.problems
        counts = self.report.entity("employees")
        header_map: dict[str, str] = getattr(settings, "HR_CSV_COLUMNS", {})
        self.desired: dict[str, Values] = {}
        self.removed: set[str] = set()
        seen: dict[str, int] = {}
        rejected: dict[str, int] = {}
        gone: set[str] = set()  # employee IDs of rows that have left
        pending: list[tuple[int, str, dict[str, Any]]] = []
        today = self.now.date()
        rows = 0
        with CsvFile(self.package, self.filename, COLUMNS, header_map) as csv_file:
            for row in csv_file.rows(problems, fatal_rows=True):
                rows += 1
                bad: list[Problem] = []

                def fail(
                    column: str, reason: str, line: int = row.line, bad: list[Problem] = bad
                ) -> None:
                    bad.append(Problem(self.filename, line, column, reason))

                identifier = ""
                try:
                    identifier = normalise_employee_id(row.get("employee_id"))
                except ValueError as error:
                    fail("employee_id", str(error))
                if identifier in seen:
                    fail(
                        "employee_id",
                        _("Duplicate employee ID %(id)s (first on line %(line)d).")
                        % {"id": identifier, "line": seen[identifier]},
                    )
                    identifier = ""
                elif identifier:
                    seen[identifier] = row.line
                fields: dict[str, Any] = {}
                for column, required in (("first_name", True), ("last_name", True)):
                    try:
                        fields[column] = check_text(row.get(column), required=required)
                    except ValueError as error:
                        fail(column, str(error))
                for column in ("middle_name", "preferred_first_name", "job_title"):
                    try:
                        fields[column] = check_text(row.get(column))
                    except ValueError as error:
                        fail(column, str(error))
                try:
                    fields["email"] = check_email(row.get("email"))
                except ValueError as error:
                    fail("email", str(error))
                location = row.get("location")
                fields["location"] = None
                if location:
                    org = location if location in self.orgs else self.org_identifiers.get(location)
                    if org is None:
                        fail(
                            "location",
                            _("No org has the sourcedId or identifier %(value)r.")
                            % {"value": location},
                        )
                    fields["location"] = org
                for column in ("hire_date", "termination_date"):
                    value = row.get(column)
                    fields[column] = None
                    if value:
                        try:
                            fields[column] = parse_date(value, us_format=True)
                        except ValueError as error:
                            fail(column, str(error))
                status = row.get("status").casefold()
                if status not in ACTIVE_STATUSES | LEFT_STATUSES:
                    fail(
                        "status",
                        _(
                            "Unknown status %(value)r; expected active, leave, inactive or "
                            "terminated."
                        )
                        % {"value": row.get("status")},
                    )
                role_name = row.get("role").casefold()
                if role_name and role_name not in EMPLOYEE_ROLES:
                    fail(
                        "role",
                        _("Unknown role %(value)r; expected teacher, staff or administrator.")
                        % {"value": row.get("role")},
                    )
                supervisor = row.get("supervisor_employee_id")
                fields["supervisor"] = ""
                if supervisor:
                    try:
                        fields["supervisor"] = normalise_employee_id(supervisor)
                    except ValueError as error:
                        fail("supervisor_employee_id", str(error))
                key = self.by_identifier.get(identifier) or f"hr:{identifier}"
                current = self.candidates.get(key)
                role = role_name or (current.values[0] if current else Person.Role.STAFF)
                if identifier:
                    try:
                        fields["username"] = make_username(role, identifier)
                    except ValueError as error:
                        fail("employee_id", str(error))
                if bad:
                    problems.extend(bad)
                    counts.rejected += 1
                    if identifier:
                        rejected[identifier] = row.line
                    continue
                left = status in LEFT_STATUSES or (
                    fields["termination_date"] is not None and fields["termination_date"] <= today
                )
                if left:
                    gone.add(identifier)
                    if current is not None:
                        self.removed.add(key)
                        self.existing.setdefault(key, current)
                    else:
                        counts.ignored += 1
                    continue
                owner = self.username_owner.get(fields["username"])
                if owner is not None and owner != key:
                    problems.append(
                        Problem(
                            self.filename,
                            row.line,
                            "employee_id",
                            _("Username %(username)s already belongs to %(other)r.")
                            % {"username": fields["username"], "other": owner},
                        )
                    )
                    counts.rejected += 1
                    rejected[identifier] = row.line
                    continue
                self.username_owner[fields["username"]] = key
                fields.update(role=role, identifier=identifier)
                pending.append((row.line, key, fields))
                if current is not None:
                    self.existing.setdefault(key, current)
            counts.rejected += csv_file.skipped
        self.progress(rows, rows)
        if rows == 0 and self.report.active_before:
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
        key_of = {fields["identifier"]: key for _line, key, fields in pending}
        for line, key, fields in pending:
            supervisor_key = None
            if fields["supervisor"]:
                supervisor_key = key_of.get(fields["supervisor"]) or self.by_identifier.get(
                    fields["supervisor"]
                )
                if supervisor_key is None and fields["supervisor"] in gone:
                    # A supervisor who left before we ever knew them: no supervisor.
                    pass
                elif supervisor_key is None or supervisor_key == key:
                    if supervisor_key is not None:
                        reason = _("An employee cannot supervise themself.")
                    elif fields["supervisor"] in rejected:
                        reason = _("Supervisor %(id)s was rejected (line %(line)d).") % {
                            "id": fields["supervisor"],
                            "line": rejected[fields["supervisor"]],
                        }
                    else:
                        reason = _("Supervisor %(id)s is not a known employee.") % {
                            "id": fields["supervisor"]
                        }
                    problems.append(Problem(self.filename, line, "supervisor_employee_id", reason))
                    counts.rejected += 1
                    continue
            self.desired[key] = (
                fields["role"],
                fields["first_name"],
                fields["last_name"],
                fields["middle_name"],
                fields["preferred_first_name"],
                fields["identifier"],
                fields["username"],
                fields["email"],
                fields["job_title"],
                fields["hire_date"],
                fields["termination_date"],
                SourceSystem.HR,
                fields["location"],
                supervisor_key,
                frozenset([fields["location"]]) if fields["location"] else frozenset(),
            )

    def apply(self) -> None:
        now = self.now
        delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)
        person_pk = {sid: entry.pk for sid, entry in self.candidates.items()}

        def fields(values: Values) -> dict[str, Any]:
            attrs = dict(zip(PLAIN, values[:12], strict=True))
            attrs["primary_org_id"] = self.orgs[values[12]] if values[12] else None
            attrs["supervisor_id"] = person_pk.get(values[13]) if values[13] else None
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
                (created[sid], {"supervisor_id": person_pk[values[13]]})
                for sid, values in self.plan.create.items()
                if values[13] and values[13] in created
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
                person_pk[sid]: frozenset(self.orgs[o] for o in values[14])
                for sid, values in (*self.plan.create.items(), *self.plan.update.items())
            },
            self.person_orgs,
            self.org_through,
        )
