"""OneRoster 1.1 and 1.2 CSV import (bulk and delta); see directory/sync/README.md.

Files used: manifest, orgs, academicSessions, courses (titles only), classes, users,
enrollments and, for 1.2, roles (which carries each user's role and orgs). Other files
in the package are ignored.

Errors:

* Fatal in every mode (the run applies nothing): no or unreadable manifest.csv, an
  unknown version, a file listed in the manifest but missing (or supplied but marked
  absent), a missing required column, a duplicated header, malformed quoting,
  non-UTF-8 bytes, a bulk file with no data rows while the directory holds active rows.
* Row errors (a bad value, a duplicated sourcedId, a reference to an unknown or rejected
  row, a username collision, an identifier that cannot form a username): in a bulk file
  they are fatal, since a bulk file must be complete; in a delta file only that row is
  rejected, as the spec processes delta rows one by one, and the rest is applied.

Ownership: only people whose ``source_system`` is OneRoster are deactivated by a bulk
users file. A teacher/staff row whose identifier matches an HR-owned employee is linked
to that person (enrollments point at it) and writes nothing HR owns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.translation import gettext as _

from directory.models import (
    AcademicSession,
    Class,
    Enrollment,
    Org,
    Person,
    SourceSystem,
    Status,
    SyncRun,
)
from directory.sync.plan import (
    EntityPlan,
    Existing,
    Values,
    apply_entity,
    plan_entity,
    sync_m2m,
    update_rows,
    username_changes,
)
from directory.sync.reader import Column, CsvFile, FileProblem, Package, Row
from directory.sync.report import Counts, Problem, SyncReport
from directory.sync.runner import Prepared, Progress, run_sync
from directory.sync.values import (
    EMPLOYEE_ROLES,
    check_email,
    check_text,
    make_username,
    normalise_identifier,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_user_ids,
    split_list,
)

VERSIONS = ("1.1", "1.2")
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
        Column("schoolYear", True),
    ],
    "courses": [Column("sourcedId", True), *_STATUS, Column("title", True)],
    "classes": [
        Column("sourcedId", True),
        *_STATUS,
        Column("title", True),
        Column("grades"),
        Column("courseSourcedId", True),
        Column("classCode"),
        Column("classType", True),
        Column("schoolSourcedId", True),
        Column("termSourcedIds", True),
    ],
    "users": [
        Column("sourcedId", True),
        *_STATUS,
        Column("enabledUser", True),
        Column("username", True),
        Column("userIds", aliases=("userId",)),
        Column("givenName", True),
        Column("familyName", True),
        Column("middleName"),
        Column("identifier"),
        Column("email"),
        Column("grades"),
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

# Compared values, in this order (foreign keys as sourcedIds).
ORG_FIELDS = ("name", "org_type", "identifier", "parent")
SESSION_FIELDS = ("title", "session_type", "start_date", "end_date", "school_year", "parent")
CLASS_FIELDS = (
    "title",
    "class_code",
    "class_type",
    "course_sourced_id",
    "course_title",
    "school",
    "grades",
    "terms",
)
PERSON_FIELDS = (
    "role",
    "given_name",
    "family_name",
    "middle_name",
    "preferred_given_name",
    "preferred_family_name",
    "identifier",
    "username",
    "email",
    "grades",
    "primary_org",
    "orgs",
)
ENROLLMENT_FIELDS = ("klass", "person", "role", "primary", "begin_date", "end_date")


def sync_oneroster(
    path: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Import a OneRoster 1.1/1.2 CSV package (a folder or a .zip with manifest.csv).

    Validates everything first; applies in one transaction, or nothing. Refuses (result
    ``refused``) a run that would deactivate more than SYNC_DEACTIVATION_THRESHOLD of
    the active OneRoster people unless ``force``. ``dry_run`` only reports.
    """

    def prepare(
        package: Package, report: SyncReport, at: datetime, tick: Progress
    ) -> Prepared | None:
        return OneRosterImport(package, report, at, tick).prepare()

    return run_sync(
        SyncRun.Kind.ONEROSTER,
        Path(path),
        prepare,
        dry_run=dry_run,
        force=force,
        now=now,
        progress=progress,
    )


@dataclass
class FileContext:
    """One CSV file being read: where its problems go and whether they are fatal."""

    filename: str
    mode: str
    counts: Counts
    problems: list[Problem]
    seen: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rows: int = 0

    @property
    def bulk(self) -> bool:
        return self.mode == "bulk"

    def fail(self, line: int, column: str | None, reason: str) -> None:
        self.problems.append(Problem(self.filename, line, column, reason, fatal=self.bulk))


class RowErrors:
    """Collects every problem of one row, so the report lists them all at once."""

    __slots__ = ("context", "line", "ok")

    def __init__(self, context: FileContext, line: int) -> None:
        self.context = context
        self.line = line
        self.ok = True

    def fail(self, column: str | None, reason: str) -> None:
        self.context.fail(self.line, column, reason)
        self.ok = False


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _pk_to_sid(rows: Iterable[tuple[Any, ...]]) -> dict[int, str]:
    return {row[1]: row[0] for row in rows}


class OneRosterImport:
    def __init__(
        self, package: Package, report: SyncReport, now: datetime, progress: Progress
    ) -> None:
        self.package = package
        self.report = report
        self.problems = report.problems
        self.now = now
        self.progress = progress
        self.modes: dict[str, str] = {}
        self.version = ""
        self.done = 0
        self.total = 1
        # Desired state per entity: sourcedId -> values; and rows the source removed.
        self.desired: dict[str, dict[str, Values]] = defaultdict(dict)
        self.removed: dict[str, set[str]] = defaultdict(set)
        self.ignored_users: set[str] = set()
        self.course_titles: dict[str, str] = {}
        self.roles_by_user: dict[str, list[tuple[int, str, str | None, str]]] = {}
        self.links: dict[str, int] = {}  # OneRoster sourcedId -> HR-owned person pk
        self.new_links: dict[int, str] = {}  # HR-owned person pk -> sourcedId to store
        self.plans: dict[str, EntityPlan] = {}
        self.contexts: dict[str, FileContext] = {}
        self.enrollments: dict[str, Existing] = {}

    # --- reading -------------------------------------------------------------------

    def prepare(self) -> Prepared | None:
        self.read_manifest()
        if self.report.fatal:
            return None
        self.total = 6 + sum(
            self.package.count_lines(f"{name}.csv")
            for name, mode in self.modes.items()
            if mode != "absent"
        )
        self.load_existing()
        self.read_orgs()
        self.read_sessions()
        self.read_courses()
        self.read_classes()
        if self.version == "1.2":
            self.read_roles()
        self.read_users()
        if self.version == "1.2":
            self.check_roles()
        if self.modes["enrollments"] != "absent":
            self.load_existing_enrollments()
        self.read_enrollments()
        if self.report.fatal:
            return None
        self.plan()
        return Prepared(
            apply=self.apply,
            deactivated_people=[self.people[sid].pk for sid in self.plans["users"].deactivate],
            reactivated_people=[self.people[sid].pk for sid in self.plans["users"].reactivate],
            renamed_people=username_changes(
                self.plans["users"], self.people, PERSON_FIELDS.index("username")
            ),
        )

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        self.progress(min(self.done, self.total), self.total)

    def read_manifest(self) -> None:
        name = "manifest.csv"
        if not self.package.has(name):
            raise FileProblem(
                Problem(
                    name,
                    None,
                    None,
                    _("A OneRoster package needs manifest.csv at its root; none was found."),
                )
            )
        props: dict[str, tuple[str, int]] = {}
        with CsvFile(
            self.package, name, [Column("propertyName", True), Column("value", True)]
        ) as csv_file:
            for row in csv_file.rows(self.problems, fatal_rows=True):
                props[row.get("propertyName")] = (row.get("value"), row.line)

        def fail(line: int | None, prop: str, reason: str) -> None:
            self.problems.append(Problem(name, line, prop, reason))

        manifest_version = props.get("manifest.version")
        if manifest_version is None:
            fail(None, "manifest.version", _("The manifest.version property is missing."))
        elif manifest_version[0] != "1.0":
            fail(
                manifest_version[1],
                "manifest.version",
                _("Unknown manifest.version %(value)r; expected 1.0.")
                % {"value": manifest_version[0]},
            )
        version = props.get("oneroster.version")
        if version is None:
            fail(None, "oneroster.version", _("The oneroster.version property is missing."))
        elif version[0] not in VERSIONS:
            fail(
                version[1],
                "oneroster.version",
                _("Unknown OneRoster version %(value)r; Hallpass reads 1.1 and 1.2.")
                % {"value": version[0]},
            )
        else:
            self.version = version[0]
        self.report.version = self.version
        files = USED_FILES + (("roles",) if self.version == "1.2" else ())
        for entity in files:
            key = f"file.{entity}"
            value, line = props.get(key, ("absent", None))
            mode = value.casefold()
            if mode not in MODES:
                fail(
                    line,
                    key,
                    _("Unknown mode %(value)r; expected bulk, delta or absent.") % {"value": value},
                )
                continue
            filename = f"{entity}.csv"
            supplied = self.package.has(filename)
            if mode != "absent" and not supplied:
                fail(
                    line,
                    key,
                    _("The manifest lists %(file)s as %(mode)s but the package lacks it.")
                    % {"file": filename, "mode": mode},
                )
            elif mode == "absent" and supplied:
                fail(
                    line,
                    key,
                    _("%(file)s is in the package but the manifest marks it absent.")
                    % {"file": filename},
                )
            self.modes[entity] = mode
        self.report.modes = dict(self.modes)

    def rows(self, entity: str, columns: list[Column]) -> Iterable[tuple[FileContext, Row]]:
        """Rows of an entity's file (none when absent), with duplicate/blank ids and the
        header-only rule handled; yields only rows with a fresh sourcedId."""
        mode = self.modes.get(entity, "absent")
        if mode == "absent":
            return
        context = FileContext(f"{entity}.csv", mode, self.report.entity(entity), self.problems)
        self.contexts[entity] = context
        with CsvFile(self.package, context.filename, columns) as csv_file:
            for row in csv_file.rows(self.problems, fatal_rows=context.bulk):
                context.rows += 1
                if context.rows % 5000 == 0:
                    self.tick(5000)
                sid = row.get("sourcedId")
                if not sid or len(sid) > 255:
                    context.fail(row.line, "sourcedId", _("The sourcedId is empty or too long."))
                    context.counts.rejected += 1
                    continue
                first = context.seen.get(sid)
                if first is not None:
                    context.fail(
                        row.line,
                        "sourcedId",
                        _("Duplicate sourcedId %(sid)r (first on line %(line)d).")
                        % {"sid": sid, "line": first},
                    )
                    context.counts.rejected += 1
                    continue
                context.seen[sid] = row.line
                yield context, row
            context.counts.rejected += csv_file.skipped
        self.tick(context.rows % 5000)

    def status_of(self, context: FileContext, row: Row) -> bool | None:
        """True if the row is present, False if the source deleted it, None if invalid."""
        status = row.get("status").casefold()
        if context.bulk:
            return status not in DELETED
        if status not in ("active", *DELETED):
            context.fail(
                row.line,
                "status",
                _("Delta rows need status active or tobedeleted, not %(value)r.")
                % {"value": row.get("status")},
            )
            return None
        modified = row.get("dateLastModified")
        if modified:
            try:
                parse_datetime(modified)
            except ValueError as error:
                context.fail(row.line, "dateLastModified", str(error))
                return None
        return status == "active"

    def reject(self, context: FileContext, sid: str, line: int) -> None:
        context.rejected[sid] = line
        context.counts.rejected += 1

    def reference(
        self,
        errors: RowErrors,
        column: str,
        sid: str,
        entity: str,
        universe: set[str] | dict[str, Any],
    ) -> bool:
        if sid in universe:
            return True
        context = self.contexts.get(entity)
        line = context.rejected.get(sid) if context else None
        if line is not None and context is not None:
            errors.fail(
                column,
                _("%(column)s %(sid)r was rejected (%(file)s line %(line)d).")
                % {"column": column, "sid": sid, "file": context.filename, "line": line},
            )
        else:
            errors.fail(
                column,
                _("%(column)s %(sid)r is not in %(file)s.")
                % {"column": column, "sid": sid, "file": f"{entity}.csv"},
            )
        return False

    def universe(self, entity: str, existing: dict[str, Existing]) -> set[str]:
        """sourcedIds a reference may point at: this run's rows, plus the database's
        unless the entity's file is bulk (a bulk file is the whole truth)."""
        keys = set(self.desired[entity])
        if self.modes.get(entity) != "bulk":
            keys.update(existing)
        return keys

    def drop_orphans(
        self,
        entity: str,
        existing: dict[str, Existing],
        parents: list[tuple[FileContext, Row, str, str]],
    ) -> set[str]:
        """Reject the rows (sourcedId, parentSourcedId) whose parent is unknown or
        rejected; returns the entity's universe once none is left. Repeated until
        nothing changes, so that in a delta file a grandchild of a rejected row is
        rejected too instead of being created without its parent."""
        desired = self.desired[entity]
        while True:
            universe = self.universe(entity, existing)
            kept = []
            for context, row, sid, parent in parents:
                if parent in universe:
                    kept.append((context, row, sid, parent))
                    continue
                errors = RowErrors(context, row.line)
                self.reference(errors, "parentSourcedId", parent, entity, universe)
                del desired[sid]
                self.reject(context, sid, row.line)
            if len(kept) == len(parents):
                return universe
            parents = kept

    def check_empty_bulk(self, entity: str, active_before: int) -> None:
        context = self.contexts.get(entity)
        if context and context.bulk and context.rows == 0 and active_before:
            self.problems.append(
                Problem(
                    context.filename,
                    1,
                    None,
                    _(
                        "The bulk file has no data rows, yet the directory holds %(count)d "
                        "active records of it. A truncated export is refused."
                    )
                    % {"count": active_before},
                )
            )

    # --- existing state ------------------------------------------------------------

    def load_existing(self) -> None:
        org_rows = list(
            Org.objects.values_list(
                "sourced_id", "pk", "status", "name", "org_type", "identifier", "parent_id"
            )
        )
        self.org_sid = _pk_to_sid(org_rows)
        self.orgs = {
            r[0]: Existing(r[1], r[2] == Status.ACTIVE, (*r[3:6], self.org_sid.get(r[6])))
            for r in org_rows
        }
        self.org_by_identifier = {r[5]: r[0] for r in org_rows if r[5]}
        session_rows = list(
            AcademicSession.objects.values_list(
                "sourced_id",
                "pk",
                "status",
                "title",
                "session_type",
                "start_date",
                "end_date",
                "school_year",
                "parent_id",
            )
        )
        self.session_sid = _pk_to_sid(session_rows)
        self.sessions = {
            r[0]: Existing(r[1], r[2] == Status.ACTIVE, (*r[3:8], self.session_sid.get(r[8])))
            for r in session_rows
        }
        terms: dict[int, set[int]] = defaultdict(set)
        self.term_through: dict[tuple[int, int], int] = {}
        for pk, class_id, session_id in Class.terms.through.objects.values_list(
            "pk", "class_id", "academicsession_id"
        ):
            terms[class_id].add(session_id)
            self.term_through[(class_id, session_id)] = pk
        self.class_terms = terms
        class_rows = list(
            Class.objects.values_list(
                "sourced_id",
                "pk",
                "status",
                "title",
                "class_code",
                "class_type",
                "course_sourced_id",
                "course_title",
                "school_id",
                "grades",
            )
        )
        self.class_sid = _pk_to_sid(class_rows)
        self.classes = {
            r[0]: Existing(
                r[1],
                r[2] == Status.ACTIVE,
                (
                    *r[3:8],
                    self.org_sid[r[8]],
                    r[9],
                    frozenset(self.session_sid[s] for s in terms.get(r[1], ())),
                ),
            )
            for r in class_rows
        }
        for r in class_rows:
            if r[6] and r[7]:
                self.course_titles.setdefault(r[6], r[7])

        person_orgs: dict[int, set[int]] = defaultdict(set)
        self.org_through: dict[tuple[int, int], int] = {}
        for pk, person_id, org_id in Person.orgs.through.objects.values_list(
            "pk", "person_id", "org_id"
        ):
            person_orgs[person_id].add(org_id)
            self.org_through[(person_id, org_id)] = pk
        self.person_orgs = person_orgs
        self.people: dict[str, Existing] = {}  # OneRoster-owned, by sourcedId
        self.person_key: dict[int, str] = {}  # pk -> the sourcedId OneRoster uses
        self.hr_by_sid: dict[str, int] = {}  # HR-owned: sourcedId or link -> pk
        self.hr_by_identifier: dict[str, tuple[int, str]] = {}  # -> (pk, link or "")
        self.username_owner: dict[str, str] = {}
        for r in Person.objects.values_list(
            "sourced_id",
            "pk",
            "status",
            "source_system",
            "oneroster_sourced_id",
            *PERSON_FIELDS[:-2],
            "primary_org_id",
        ):
            sid, pk, status, source, link = r[:5]
            self.username_owner[r[12]] = sid
            if source == SourceSystem.ONEROSTER:
                values = (
                    *r[5:15],
                    self.org_sid.get(r[15]),
                    frozenset(self.org_sid[o] for o in person_orgs.get(pk, ())),
                )
                self.people[sid] = Existing(pk, status == Status.ACTIVE, values)
                self.person_key[pk] = sid
            else:
                self.hr_by_sid[link or sid] = pk
                self.hr_by_sid[sid] = pk
                self.person_key[pk] = link or sid
                if r[5] in EMPLOYEE_ROLES:
                    self.hr_by_identifier.setdefault(r[11], (pk, link))
        self.report.active_before = sum(1 for p in self.people.values() if p.active)

    def load_existing_enrollments(self) -> None:
        # Plain SQL: the ORM's per-value converters cost seconds on 300,000 rows, and
        # these columns need none except dates (SQLite returns them as text).
        quote = connection.ops.quote_name
        columns = (
            "sourced_id",
            "id",
            "status",
            "klass_id",
            "person_id",
            "role",
            "primary",
            "begin_date",
            "end_date",
        )
        sql = "SELECT {} FROM {}".format(  # noqa: S608 - identifiers only
            ", ".join(quote(c) for c in columns), quote(Enrollment._meta.db_table)
        )
        active = Status.ACTIVE
        class_sid, person_key = self.class_sid, self.person_key
        enrollments: dict[str, Existing] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while chunk := cursor.fetchmany(5000):
                for sid, pk, status, klass, person, role, primary, begin, end in chunk:
                    enrollments[sid] = Existing(
                        pk,
                        status == active,
                        (
                            class_sid[klass],
                            person_key[person],
                            role,
                            bool(primary),
                            _as_date(begin),
                            _as_date(end),
                        ),
                    )
        self.enrollments = enrollments

    # --- files ----------------------------------------------------------------------

    def read_orgs(self) -> None:
        desired = self.desired["orgs"]
        parents: list[tuple[FileContext, Row, str, str]] = []
        for context, row in self.rows("orgs", COLUMNS["orgs"]):
            errors = RowErrors(context, row.line)
            sid = row.get("sourcedId")
            present = self.status_of(context, row)
            if present is False:
                self.removed["orgs"].add(sid)
                continue
            name = self.text(errors, row, "name", required=True)
            org_type = ORG_TYPES.get(row.get("type").casefold())
            if org_type is None:
                errors.fail(
                    "type",
                    _("Unknown org type %(value)r.") % {"value": row.get("type")},
                )
            identifier = self.text(errors, row, "identifier")
            parent = row.get("parentSourcedId") or None
            if present is None or not errors.ok:
                self.reject(context, sid, row.line)
                continue
            desired[sid] = (name, org_type, identifier, parent)
            if parent:
                parents.append((context, row, sid, parent))
        self.org_universe = self.drop_orphans("orgs", self.orgs, parents)
        self.check_empty_bulk("orgs", sum(o.active for o in self.orgs.values()))

    def read_sessions(self) -> None:
        desired = self.desired["academicSessions"]
        parents: list[tuple[FileContext, Row, str, str]] = []
        for context, row in self.rows("academicSessions", COLUMNS["academicSessions"]):
            errors = RowErrors(context, row.line)
            sid = row.get("sourcedId")
            present = self.status_of(context, row)
            if present is False:
                self.removed["academicSessions"].add(sid)
                continue
            title = self.text(errors, row, "title", required=True)
            session_type = SESSION_TYPES.get(row.get("type").casefold())
            if session_type is None:
                errors.fail(
                    "type", _("Unknown session type %(value)r.") % {"value": row.get("type")}
                )
            start = self.date(errors, row, "startDate", required=True)
            end = self.date(errors, row, "endDate", required=True)
            year_text = row.get("schoolYear")
            school_year = int(year_text) if len(year_text) == 4 and year_text.isdigit() else None
            if school_year is None:
                errors.fail(
                    "schoolYear",
                    _("%(value)r is not a year such as 2025.") % {"value": year_text},
                )
            parent = row.get("parentSourcedId") or None
            if present is None or not errors.ok:
                self.reject(context, row.get("sourcedId"), row.line)
                continue
            desired[sid] = (title, session_type, start, end, school_year, parent)
            if parent:
                parents.append((context, row, sid, parent))
        self.session_universe = self.drop_orphans("academicSessions", self.sessions, parents)
        self.check_empty_bulk("academicSessions", sum(s.active for s in self.sessions.values()))

    def read_courses(self) -> None:
        titles: dict[str, str] = {}
        for context, row in self.rows("courses", COLUMNS["courses"]):
            errors = RowErrors(context, row.line)
            present = self.status_of(context, row)
            title = self.text(errors, row, "title", required=True)
            if present is None or not errors.ok:
                self.reject(context, row.get("sourcedId"), row.line)
            elif present:
                titles[row.get("sourcedId")] = title
        if self.modes["courses"] == "bulk":
            self.course_titles = titles
        else:
            self.course_titles.update(titles)

    def read_classes(self) -> None:
        desired = self.desired["classes"]
        courses_bulk = self.modes["courses"] == "bulk"
        for context, row in self.rows("classes", COLUMNS["classes"]):
            errors = RowErrors(context, row.line)
            sid = row.get("sourcedId")
            present = self.status_of(context, row)
            if present is False:
                self.removed["classes"].add(sid)
                continue
            title = self.text(errors, row, "title", required=True)
            course = self.text(errors, row, "courseSourcedId", required=True)
            if course and courses_bulk and course not in self.course_titles:
                self.reference(errors, "courseSourcedId", course, "courses", self.course_titles)
            class_type = CLASS_TYPES.get(row.get("classType").casefold())
            if class_type is None:
                errors.fail(
                    "classType",
                    _("Unknown classType %(value)r; expected homeroom or scheduled.")
                    % {"value": row.get("classType")},
                )
            school = row.get("schoolSourcedId")
            if not school:
                errors.fail("schoolSourcedId", _("A value is required."))
            else:
                self.reference(errors, "schoolSourcedId", school, "orgs", self.org_universe)
            terms = split_list(row.get("termSourcedIds"))
            if not terms:
                errors.fail("termSourcedIds", _("A value is required."))
            for term in terms:
                self.reference(
                    errors, "termSourcedIds", term, "academicSessions", self.session_universe
                )
            if present is None or not errors.ok:
                self.reject(context, sid, row.line)
                continue
            desired[sid] = (
                title,
                self.text(errors, row, "classCode"),
                class_type,
                course,
                self.course_titles.get(course, ""),
                school,
                ",".join(split_list(row.get("grades"))),
                frozenset(terms),
            )
        self.class_universe = self.universe("classes", self.classes)
        self.check_empty_bulk("classes", sum(c.active for c in self.classes.values()))

    def read_roles(self) -> None:
        by_user: dict[str, list[tuple[int, str, str | None, str]]] = defaultdict(list)
        for context, row in self.rows("roles", COLUMNS["roles"]):
            errors = RowErrors(context, row.line)
            present = self.status_of(context, row)
            if present is False:
                continue
            user = self.text(errors, row, "userSourcedId", required=True)
            role_type = row.get("roleType").casefold()
            if role_type not in ("primary", "secondary"):
                errors.fail(
                    "roleType",
                    _("Unknown roleType %(value)r; expected primary or secondary.")
                    % {"value": row.get("roleType")},
                )
            role_name = row.get("role").casefold()
            if role_name not in ROLE_MAP and not role_name.startswith("ext:"):
                errors.fail("role", _("Unknown role %(value)r.") % {"value": row.get("role")})
            org = row.get("orgSourcedId")
            if not org:
                errors.fail("orgSourcedId", _("A value is required."))
            else:
                self.reference(errors, "orgSourcedId", org, "orgs", self.org_universe)
            if present is None or not errors.ok:
                self.reject(context, row.get("sourcedId"), row.line)
                continue
            # Vendor extension roles are not ours to interpret: ignored like guardians.
            by_user[user].append((row.line, role_type, ROLE_MAP.get(role_name), org))
        self.roles_by_user = by_user

    def check_roles(self) -> None:
        context = self.contexts.get("roles")
        if context is None:
            return
        users = self.desired["users"]
        for user, entries in self.roles_by_user.items():
            if user in users or user in self.ignored_users or user in self.links:
                continue
            if user in self.people or user in self.hr_by_sid:
                # The user row was not sent (delta): roles alone do not change a person.
                context.counts.ignored += len(entries)
                continue
            users_context = self.contexts.get("users")
            for line, *_rest in entries:
                errors = RowErrors(context, line)
                if users_context and user in users_context.rejected:
                    self.reference(errors, "userSourcedId", user, "users", set())
                else:
                    errors.fail(
                        "userSourcedId",
                        _("userSourcedId %(sid)r is not in users.csv.") % {"sid": user},
                    )
                context.counts.rejected += 1

    def read_users(self) -> None:
        desired = self.desired["users"]
        columns = COLUMNS["users"] + (USERS_11 if self.version == "1.1" else [])
        roles_mode = self.modes.get("roles", "absent")
        new_owner_line: dict[str, tuple[str, int]] = {}
        for context, row in self.rows("users", columns):
            errors = RowErrors(context, row.line)
            sid = row.get("sourcedId")
            present = self.status_of(context, row)
            if present is False:
                self.removed["users"].add(sid)
                continue
            enabled = True
            try:
                enabled = parse_bool(row.get("enabledUser"))
            except ValueError as error:
                errors.fail("enabledUser", str(error))
            current = self.people.get(sid)
            role: str | None
            primary_org: str | None
            if self.version == "1.1":
                role_name = row.get("role").casefold()
                # Guardians and vendor extension roles are not directory people.
                if role_name.startswith("ext:") or (
                    role_name in ROLE_MAP and ROLE_MAP[role_name] is None
                ):
                    self.ignored_users.add(sid)
                    context.counts.ignored += 1
                    continue
                if role_name not in ROLE_MAP:
                    errors.fail("role", _("Unknown role %(value)r.") % {"value": row.get("role")})
                role = ROLE_MAP.get(role_name)
                org_ids = split_list(row.get("orgSourcedIds"))
                for org in org_ids:
                    self.reference(errors, "orgSourcedIds", org, "orgs", self.org_universe)
                # 1.1 has no primary org: the first listed one stands in.
                primary_org = org_ids[0] if org_ids else None
            else:
                entries = self.roles_by_user.get(sid)
                if entries:
                    ours = [e for e in entries if e[2] is not None]
                    if not ours:
                        self.ignored_users.add(sid)
                        context.counts.ignored += 1
                        continue
                    main = next((e for e in ours if e[1] == "primary"), ours[0])
                    role = main[2]
                    org_ids = list(dict.fromkeys(e[3] for e in ours))
                    primary_org = row.get("primaryOrgSourcedId") or main[3]
                    if primary_org not in org_ids and self.reference(
                        errors, "primaryOrgSourcedId", primary_org, "orgs", self.org_universe
                    ):
                        org_ids.append(primary_org)
                elif roles_mode != "bulk" and current is not None:
                    # A delta package may update a user without resending its roles.
                    role = current.values[0]
                    primary_org = current.values[10]
                    org_ids = sorted(current.values[11])
                else:
                    errors.fail("sourcedId", _("This user has no role in roles.csv."))
                    role, primary_org, org_ids = None, None, []
            given = self.text(errors, row, "givenName", required=True)
            family = self.text(errors, row, "familyName", required=True)
            middle = self.text(errors, row, "middleName")
            preferred_given = self.text(errors, row, "preferredGivenName")
            preferred_family = self.text(errors, row, "preferredFamilyName")
            email = ""
            try:
                email = check_email(row.get("email"))
            except ValueError as error:
                errors.fail("email", str(error))
            identifier = username = ""
            if role is not None:
                raw, column = self.identifier_source(row, role)
                try:
                    identifier = normalise_identifier(role, raw)
                    username = make_username(role, identifier)
                except ValueError as error:
                    errors.fail(column, str(error))
            if present is None or not errors.ok or role is None:
                self.reject(context, sid, row.line)
                continue
            if not enabled:
                self.removed["users"].add(sid)
                continue
            # An employee HR already owns: link, store nothing HR owns.
            hr_pk = self.hr_by_sid.get(sid)
            if hr_pk is None and current is None and role in EMPLOYEE_ROLES:
                match = self.hr_by_identifier.get(identifier)
                if match is not None and match[1] in ("", sid):
                    hr_pk = match[0]
                    if match[1] != sid:
                        if hr_pk in self.new_links:
                            errors.fail(
                                column,
                                _(
                                    "Employee %(id)s is already linked to sourcedId %(other)r "
                                    "in this file."
                                )
                                % {"id": identifier, "other": self.new_links[hr_pk]},
                            )
                            self.reject(context, sid, row.line)
                            continue
                        self.new_links[hr_pk] = sid
            if hr_pk is not None:
                self.links[sid] = hr_pk
                if hr_pk in self.new_links and self.new_links[hr_pk] == sid:
                    context.counts.updated += 1
                else:
                    context.counts.unchanged += 1
                continue
            owner = self.username_owner.get(username)
            if owner is not None and owner != sid:
                where = new_owner_line.get(username)
                reason = (
                    _(
                        "Username %(username)s collides with sourcedId %(other)r "
                        "(line %(line)d of this file)."
                    )
                    % {"username": username, "other": owner, "line": where[1]}
                    if where
                    else _("Username %(username)s already belongs to %(other)r in the directory.")
                    % {"username": username, "other": owner}
                )
                errors.fail(column, reason)
                self.reject(context, sid, row.line)
                continue
            self.username_owner[username] = sid
            new_owner_line[username] = (sid, row.line)
            desired[sid] = (
                role,
                given,
                family,
                middle,
                preferred_given,
                preferred_family,
                identifier,
                username,
                email,
                ",".join(split_list(row.get("grades"))),
                primary_org,
                frozenset(org_ids),
            )
        keys = set(desired) | set(self.links)
        if self.modes.get("users") != "bulk":
            keys.update(self.people)
            keys.update(self.hr_by_sid)
        # Enrollments of removed or disabled users stay valid for people we hold, and
        # are ignored for people we never created.
        for sid in self.removed["users"]:
            if sid in self.people or sid in self.hr_by_sid:
                keys.add(sid)
            else:
                self.ignored_users.add(sid)
        self.person_universe = keys
        self.check_empty_bulk("users", self.report.active_before)

    def identifier_source(self, row: Row, role: str) -> tuple[str, str]:
        source: str = (
            settings.ONEROSTER_STUDENT_ID_SOURCE
            if role == Person.Role.STUDENT
            else settings.ONEROSTER_EMPLOYEE_ID_SOURCE
        )
        if source in ("identifier", "username", "sourcedId"):
            return row.get(source), source
        if source.startswith("userIds:"):
            kind = source.partition(":")[2]
            return parse_user_ids(row.get("userIds")).get(kind, ""), "userIds"
        raise ImproperlyConfigured(
            f"ONEROSTER_*_ID_SOURCE must be identifier, username, sourcedId or "
            f"userIds:<Type>, not {source!r}"
        )

    def read_enrollments(self) -> None:
        desired = self.desired["enrollments"]
        for context, row in self.rows("enrollments", COLUMNS["enrollments"]):
            errors = RowErrors(context, row.line)
            sid = row.get("sourcedId")
            present = self.status_of(context, row)
            if present is False:
                self.removed["enrollments"].add(sid)
                continue
            klass = row.get("classSourcedId")
            user = row.get("userSourcedId")
            school = row.get("schoolSourcedId")
            if not klass:
                errors.fail("classSourcedId", _("A value is required."))
            else:
                self.reference(errors, "classSourcedId", klass, "classes", self.class_universe)
            if not school:
                errors.fail("schoolSourcedId", _("A value is required."))
            elif school not in self.org_universe:
                self.reference(errors, "schoolSourcedId", school, "orgs", self.org_universe)
            if user in self.ignored_users:
                context.counts.ignored += 1
                continue
            if not user:
                errors.fail("userSourcedId", _("A value is required."))
            else:
                self.reference(errors, "userSourcedId", user, "users", self.person_universe)
            role = ENROLLMENT_ROLES.get(row.get("role").casefold())
            if role is None:
                errors.fail(
                    "role", _("Unknown enrollment role %(value)r.") % {"value": row.get("role")}
                )
            primary = False
            if row.get("primary"):
                try:
                    primary = parse_bool(row.get("primary"))
                except ValueError as error:
                    errors.fail("primary", str(error))
            begin = self.date(errors, row, "beginDate")
            end = self.date(errors, row, "endDate")
            if present is None or not errors.ok:
                self.reject(context, sid, row.line)
                continue
            desired[sid] = (klass, user, role, primary, begin, end)
        if self.modes["enrollments"] != "absent":
            self.check_empty_bulk("enrollments", sum(e.active for e in self.enrollments.values()))

    # --- field helpers ----------------------------------------------------------------

    @staticmethod
    def text(errors: RowErrors, row: Row, column: str, *, required: bool = False) -> str:
        value = row.get(column)
        try:
            return check_text(value, required=required)
        except ValueError as error:
            errors.fail(column, str(error))
            return ""

    @staticmethod
    def date(errors: RowErrors, row: Row, column: str, *, required: bool = False) -> Any:
        value = row.get(column)
        if not value:
            if required:
                errors.fail(column, _("A value is required."))
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            errors.fail(column, str(error))
            return None

    # --- planning and applying -----------------------------------------------------------

    def plan(self) -> None:
        sources: dict[str, dict[str, Existing]] = {
            "orgs": self.orgs,
            "academicSessions": self.sessions,
            "classes": self.classes,
            "users": self.people,
        }
        if self.modes["enrollments"] != "absent":
            sources["enrollments"] = self.enrollments
        for entity, existing in sources.items():
            if self.modes.get(entity, "absent") == "absent":
                self.plans[entity] = EntityPlan()
                continue
            self.plans[entity] = plan_entity(
                self.report.entity(entity),
                existing,
                self.desired[entity],
                self.removed[entity],
                bulk=self.modes[entity] == "bulk",
            )
        self.report.would_deactivate = len(self.plans["users"].deactivate)

    def apply(self) -> None:
        now = self.now
        org_pk = {sid: e.pk for sid, e in self.orgs.items()}
        self._apply_tree(Org, "orgs", self.orgs, org_pk, ORG_FIELDS)
        self.tick()
        session_pk = {sid: e.pk for sid, e in self.sessions.items()}
        self._apply_tree(
            AcademicSession, "academicSessions", self.sessions, session_pk, SESSION_FIELDS
        )
        self.tick()

        class_pk = {sid: e.pk for sid, e in self.classes.items()}
        plan = self.plans["classes"]

        def class_fields(values: Values) -> dict[str, Any]:
            fields = dict(zip(CLASS_FIELDS[:5], values[:5], strict=True))
            fields["school_id"] = org_pk[values[5]]
            fields["grades"] = values[6]
            return fields

        apply_entity(
            Class,
            plan,
            self.classes,
            class_fields,
            (*CLASS_FIELDS[:5], "school", "grades"),
            now=now,
            pk_map=class_pk,
        )
        sync_m2m(
            Class.terms.through,
            "class",
            "academicsession",
            {
                class_pk[sid]: frozenset(session_pk[t] for t in values[7])
                for sid, values in (*plan.create.items(), *plan.update.items())
            },
            self.class_terms,
            self.term_through,
        )
        self.tick()

        person_pk = {sid: e.pk for sid, e in self.people.items()}
        plan = self.plans["users"]
        delay = timedelta(hours=settings.CLAIM_DELAY_HOURS)

        def person_fields(values: Values) -> dict[str, Any]:
            fields = dict(zip(PERSON_FIELDS[:10], values[:10], strict=True))
            fields["primary_org_id"] = org_pk.get(values[10]) if values[10] else None
            return fields

        def person_extra(sid: str) -> dict[str, Any]:
            return {
                "source_system": SourceSystem.ONEROSTER,
                "first_seen_at": now,
                "claimable_at": now + delay,
            }

        apply_entity(
            Person,
            plan,
            self.people,
            person_fields,
            (*PERSON_FIELDS[:10], "primary_org"),
            now=now,
            create_extra=person_extra,
            tracks_leaving=True,
            pk_map=person_pk,
        )
        sync_m2m(
            Person.orgs.through,
            "person",
            "org",
            {
                person_pk[sid]: frozenset(org_pk[o] for o in values[11])
                for sid, values in (*plan.create.items(), *plan.update.items())
            },
            self.person_orgs,
            self.org_through,
        )
        if self.new_links:
            update_rows(
                Person,
                [(pk, {"oneroster_sourced_id": sid}) for pk, sid in self.new_links.items()],
                ["oneroster_sourced_id"],
            )
        person_pk.update(self.links)
        person_pk.update(self.hr_by_sid)
        self.tick()

        if "enrollments" in self.plans and self.modes["enrollments"] != "absent":

            def enrollment_fields(values: Values) -> dict[str, Any]:
                return {
                    "klass_id": class_pk[values[0]],
                    "person_id": person_pk[values[1]],
                    "role": values[2],
                    "primary": values[3],
                    "begin_date": values[4],
                    "end_date": values[5],
                }

            apply_entity(
                Enrollment,
                self.plans["enrollments"],
                self.enrollments,
                enrollment_fields,
                ENROLLMENT_FIELDS,
                now=now,
            )
        self.progress(self.total, self.total)

    def _apply_tree(
        self,
        model: type[Org] | type[AcademicSession],
        entity: str,
        existing: dict[str, Existing],
        pks: dict[str, int],
        names: tuple[str, ...],
    ) -> None:
        """Orgs and sessions point at parents in the same file: create first, then
        attach parents once every row has a primary key."""
        plan = self.plans[entity]
        count = len(names) - 1

        def fields(values: Values) -> dict[str, Any]:
            attrs = dict(zip(names[:count], values[:count], strict=True))
            attrs["parent_id"] = pks.get(values[count]) if values[count] else None
            return attrs

        created = apply_entity(
            model, plan, existing, fields, (*names[:count], "parent"), now=self.now, pk_map=pks
        )
        update_rows(
            model,
            [
                (created[sid], {"parent_id": pks[values[count]]})
                for sid, values in plan.create.items()
                if values[count] and values[count] in created
            ],
            ["parent"],
        )
