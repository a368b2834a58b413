"""What a sync run found and did: counts per entity and every problem, with its place."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ENTITIES = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, named by file, line and field.

    ``fatal`` problems stop the whole run (a file that cannot be read as a whole);
    the others hold back only their row, bulk or delta. A ``warning`` holds back
    nothing: the row was accepted as the report says (a missing parent left empty).
    """

    file: str
    line: int | None
    field: str | None
    reason: str
    fatal: bool = True
    warning: bool = False

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            place = f"{place} {self.field}"
        return f"{place}: {self.reason}"


class IgnoredReason(models.TextChoices):
    """Why a row changed nothing without being wrong. Stored as the code, so the admin
    shows the reason in the reader's language."""

    LEFT_BEFORE_IMPORT = "left_before_import", _("left before ever being imported")
    REMOVED_BEFORE_IMPORT = (
        "removed_before_import",
        _("deleted or disabled in the source before ever being imported"),
    )
    NOT_A_DIRECTORY_ROLE = (
        "not_a_directory_role",
        _("not a student or an employee (a guardian, parent, relative or vendor's own role)"),
    )
    USER_IGNORED = (
        "user_ignored",
        _("the enrollment of a user who is ignored (not in the directory)"),
    )
    ROLE_WITHOUT_USER_ROW = (
        "role_without_user_row",
        _("a role of a user whose row this delta did not send (a role alone changes nobody)"),
    )


# Lines kept per reason, enough to find the rows in the file.
IGNORED_LINES_KEPT = 20


@dataclass
class IgnoredRows:
    """The rows of one file ignored for one reason: how many, and the first lines."""

    reason: str
    count: int = 0
    lines: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(IgnoredReason(self.reason).label)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    reactivated: int = 0
    unchanged: int = 0
    ignored: int = 0
    rejected: int = 0  # held back: the row's record stays as the directory holds it
    # Why the ``ignored`` rows were ignored, by reason (every ignored row has one).
    why_ignored: dict[str, IgnoredRows] = field(default_factory=dict)

    def changes(self) -> int:
        return self.created + self.updated + self.deactivated + self.reactivated

    def ignore(self, reason: IgnoredReason, line: int | None = None) -> None:
        """Count one ignored row and say why (``line`` when the row has one)."""
        self.ignored += 1
        rows = self.why_ignored.get(reason.value)
        if rows is None:
            rows = self.why_ignored[reason.value] = IgnoredRows(reason.value)
        rows.count += 1
        if line is not None and len(rows.lines) < IGNORED_LINES_KEPT:
            rows.lines.append(line)


# The outcomes a row can have, in the order reports show them: (Counts field, heading).
OUTCOMES = (
    ("created", pgettext_lazy("sync outcome", "created")),
    ("updated", pgettext_lazy("sync outcome", "updated")),
    ("deactivated", pgettext_lazy("sync outcome", "deactivated")),
    ("reactivated", pgettext_lazy("sync outcome", "reactivated")),
    ("unchanged", pgettext_lazy("sync outcome", "unchanged")),
    ("ignored", pgettext_lazy("sync outcome", "ignored")),
    ("rejected", pgettext_lazy("sync outcome", "held back")),
)


@dataclass(frozen=True)
class HeldBackPerson:
    """A person already in the directory whose row was held back (left as they were)."""

    file: str
    line: int
    person_id: int


@dataclass
class PeopleConcerned:
    """The directory people a run changes, or would change, in ways staff ask about:
    by primary key, for links to their admin pages."""

    deactivated: list[int] = field(default_factory=list)
    reactivated: list[int] = field(default_factory=list)
    renamed: list[int] = field(default_factory=list)
    held_back: list[HeldBackPerson] = field(default_factory=list)


@dataclass
class SyncReport:
    """The outcome of ``sync_oneroster`` / ``sync_hr``.

    ``result`` is one of ``applied``, ``dry_run``, ``refused`` (safety threshold) or
    ``failed`` (errors; nothing applied).
    """

    kind: str
    source: str
    result: str = "failed"
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    message: str = ""
    # Safety threshold figures for people of this source.
    active_before: int = 0
    would_deactivate: int = 0
    # More people would be deactivated than the safety threshold allows (and no force).
    over_threshold: bool = False
    # Data rows per file, and the files holding back more rows than allowed.
    file_rows: dict[str, int] = field(default_factory=dict)
    over_held_back: list[str] = field(default_factory=list)
    # Notes for the report that belong to no row (where the numbers are, a 1.0 package).
    notes: list[str] = field(default_factory=list)
    # Seconds per step: load (the directory), read (the files), compare, write.
    timings: dict[str, float] = field(default_factory=dict)
    people: PeopleConcerned = field(default_factory=PeopleConcerned)
    sync_run_id: int | None = None

    def timed(self, step: str, started: float) -> float:
        """Add the time since ``started`` (perf_counter) to ``step``; returns now."""
        now = time.perf_counter()
        self.timings[step] = self.timings.get(step, 0.0) + now - started
        return now

    def entity(self, name: str) -> Counts:
        if name not in self.counts:
            self.counts[name] = Counts()
        return self.counts[name]

    @property
    def fatal(self) -> bool:
        return any(problem.fatal for problem in self.problems)

    @property
    def ok(self) -> bool:
        return self.result in ("applied", "dry_run")

    @property
    def held_back(self) -> int:
        """Rows held back in every file (they changed nothing)."""
        return sum(counts.rejected for counts in self.counts.values())

    @property
    def held_back_problems(self) -> list[Problem]:
        return [p for p in self.problems if not p.fatal and not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "result": self.result,
            "version": self.version,
            "modes": dict(self.modes),
            "counts": {name: asdict(counts) for name, counts in self.counts.items()},
            "problems": [asdict(problem) for problem in self.problems],
            "message": self.message,
            "active_before": self.active_before,
            "would_deactivate": self.would_deactivate,
            "over_threshold": self.over_threshold,
            "file_rows": dict(self.file_rows),
            "over_held_back": list(self.over_held_back),
            "held_back": self.held_back,
            "notes": list(self.notes),
            "timings": {step: round(seconds, 3) for step, seconds in self.timings.items()},
            "people": asdict(self.people),
        }
