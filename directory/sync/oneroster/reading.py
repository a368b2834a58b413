"""The state of one OneRoster run while its files are read, and the rules every file
follows: sourcedIds, delta status, references to other rows, parents in the same file.

The entity modules (``orgs``, ``classes``, ``users``, ``enrollments``) each read one
group of files into this state, in the order ``importer.prepare`` gives.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from directory.sync.oneroster.manifest import Manifest
from directory.sync.oneroster.schema import (
    DELETED,
    ClassRecord,
    EnrollmentRecord,
    OrgRecord,
    PersonRecord,
    RoleEntry,
    SessionRecord,
)
from directory.sync.oneroster.snapshot import Snapshot
from directory.sync.plan import Existing
from directory.sync.reader import Column, CsvFile, Package, Row, overlong_reason
from directory.sync.report import Problem, SyncReport
from directory.sync.rows import FileContext, RowErrors
from directory.sync.runner import Progress
from directory.sync.values import parse_datetime

PROGRESS_STEP = 5000


class HasParent(Protocol):
    @property
    def parent(self) -> str | None: ...

    def _replace(self: T, *, parent: str | None) -> T: ...


T = TypeVar("T", bound="HasParent")


@dataclass
class Desired:
    """What the package says should exist, by sourcedId, and the rows it removes."""

    orgs: dict[str, OrgRecord] = field(default_factory=dict)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    classes: dict[str, ClassRecord] = field(default_factory=dict)
    users: dict[str, PersonRecord] = field(default_factory=dict)
    enrollments: dict[str, EnrollmentRecord] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)

    def removed_of(self, entity: str) -> set[str]:
        return self.removed.setdefault(entity, set())


@dataclass
class Universes:
    """sourcedIds a reference may point at, per entity, once its file is read."""

    orgs: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)


@dataclass
class Links:
    """OneRoster users that are HR-owned employees."""

    by_sid: dict[str, int] = field(default_factory=dict)  # OneRoster sourcedId -> person pk
    new: dict[int, str] = field(default_factory=dict)  # person pk -> sourcedId to store


class Reading:
    def __init__(
        self,
        package: Package,
        report: SyncReport,
        manifest: Manifest,
        snapshot: Snapshot,
        progress: Progress,
    ) -> None:
        self.package = package
        self.report = report
        self.problems: list[Problem] = report.problems
        self.manifest = manifest
        self.snapshot = snapshot
        self.progress = progress
        self.done = 0
        self.total = 1
        self.desired = Desired()
        self.universe = Universes()
        self.links = Links()
        self.contexts: dict[str, FileContext] = {}
        self.course_titles: dict[str, str] = dict(snapshot.course_titles)
        self.roles_by_user: dict[str, list[RoleEntry]] = {}
        # Users that are not directory people (guardians, disabled newcomers): their
        # enrollments are ignored, not errors.
        self.ignored_users: set[str] = set()
        # users.csv rows read clean: sourcedId -> the row's fingerprint, stored with
        # the person so that the next run can skip the row's checks.
        self.user_fingerprints: dict[str, int] = {}
        self.enrollment_fingerprints: dict[str, int] = {}  # the same for enrollments
        # Rows of HR-linked users read clean: sourcedId -> the row's fingerprint.
        self.link_fingerprints: dict[str, int] = {}
        # Enrollments compared field by field: the fingerprints the directory held.
        self.replaced_fingerprints: dict[str, int] = {}

    @property
    def version(self) -> str:
        return self.manifest.version

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        self.progress(min(self.done, self.total), self.total)

    def rows(
        self, entity: str, columns: list[Column]
    ) -> Iterator[tuple[FileContext, Row, str, bool | None]]:
        """Rows of an entity's file (none when absent), with duplicate/blank ids and the
        header-only rule handled; yields only rows with a fresh sourcedId, with that
        sourcedId and the row's status (``status_of``)."""
        mode = self.manifest.mode(entity)
        if mode == "absent":
            return
        context = FileContext(f"{entity}.csv", mode, self.report.entity(entity), self.problems)
        self.contexts[entity] = context
        seen = context.seen
        with CsvFile(self.package, context.filename, columns) as csv_file:
            sid_at = csv_file.table.index["sourcedId"]
            status_at = csv_file.table.padded_index()["status"]
            bulk = context.bulk
            for row in csv_file.rows(self.problems, fatal_rows=False):
                context.rows += 1
                if context.rows % PROGRESS_STEP == 0:
                    self.tick(PROGRESS_STEP)
                sid = row.cells[sid_at].strip()
                line = row.line
                if row.overlong:
                    context.fail(line, None, overlong_reason(row.overlong, csv_file.table.width))
                    context.reject(sid, line)
                    continue
                if not sid or len(sid) > 255:
                    context.fail(line, "sourcedId", _("The sourcedId is empty or too long."))
                    context.counts.rejected += 1
                    continue
                first = seen.setdefault(sid, line)
                if first != line:
                    context.fail(
                        line,
                        "sourcedId",
                        _("Duplicate sourcedId %(sid)r (first on line %(line)d).")
                        % {"sid": sid, "line": first},
                    )
                    context.counts.rejected += 1
                    continue
                # Bulk rows mostly leave status empty: present, without a call.
                if bulk and not row.cells[status_at]:
                    yield context, row, sid, True
                else:
                    yield context, row, sid, self.status_of(context, row)
        self.report.file_rows[entity] = context.rows
        self.tick(context.rows % PROGRESS_STEP)

    def status_of(self, context: FileContext, row: Row) -> bool | None:
        """True if the row is present, False if the source deleted it, None if invalid."""
        status = row.get("status").casefold()
        if context.bulk:
            return not status or status not in DELETED
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

    def reference(
        self, errors: RowErrors, column: str, sid: str, entity: str, universe: Collection[str]
    ) -> bool:
        """Whether ``sid`` names a row of ``entity``; if not, the row says why."""
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

    def universe_of(
        self, entity: str, desired: Mapping[str, Any], existing: Mapping[str, Existing[Any]]
    ) -> set[str]:
        """sourcedIds a reference may point at: this run's rows, plus the database's
        unless the entity's file is bulk (a bulk file is the whole truth)."""
        keys = set(desired)
        if not self.manifest.bulk(entity):
            keys.update(existing)
        return keys

    def drop_orphans(
        self,
        entity: str,
        desired: dict[str, T],
        existing: Mapping[str, Existing[Any]],
        lines: Mapping[str, int],
    ) -> set[str]:
        """Settle the rows whose parent is not among the entity's rows; returns the
        entity's universe once none is left.

        A parent held back holds its children back (and theirs: repeated until nothing
        changes, so a grandchild is not created without its parent). A parent that is
        nowhere (exports often leave the district org out) is a warning: the row is
        kept with no parent."""
        context = self.contexts.get(entity)
        while True:
            universe = self.universe_of(entity, desired, existing)
            orphans = [
                sid
                for sid, record in desired.items()
                if record.parent and record.parent not in universe
            ]
            if not orphans or context is None:
                return universe
            for sid in sorted(orphans, key=lambda s: lines[s]):
                parent = desired[sid].parent or ""
                if parent in context.rejected:
                    errors = RowErrors(context, lines[sid])
                    self.reference(errors, "parentSourcedId", parent, entity, universe)
                    del desired[sid]
                    context.reject(sid, lines[sid])
                else:
                    context.warn(
                        lines[sid],
                        "parentSourcedId",
                        _("%(sid)r is not in %(file)s nor in the directory: no parent.")
                        % {"sid": parent, "file": context.filename},
                    )
                    desired[sid] = desired[sid]._replace(parent=None)

    def optional_reference(
        self, errors: RowErrors, column: str, sid: str, entity: str, universe: Collection[str]
    ) -> bool:
        """A reference the row can do without (one of a user's orgs): a row held back
        holds this one back; one that is nowhere is dropped with a warning."""
        if sid in universe:
            return True
        context = self.contexts.get(entity)
        if context is not None and sid in context.rejected:
            self.reference(errors, column, sid, entity, universe)
        else:
            errors.warn(
                column,
                _("%(column)s %(sid)r is not in %(file)s nor in the directory: left out.")
                % {"column": column, "sid": sid, "file": f"{entity}.csv"},
            )
        return False

    def held(self, entity: str) -> set[str]:
        """sourcedIds of the entity's held-back rows: they keep what the directory holds."""
        context = self.contexts.get(entity)
        return set(context.rejected) if context else set()

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
