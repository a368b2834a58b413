"""Row handling both importers share: where a file's problems go, and reading one
field of a row into a checked value while collecting every problem of the row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from directory.sync.reader import Row
from directory.sync.report import Counts, IgnoredReason, Problem
from directory.sync.values import (
    TEXT_MAX_LENGTH,
    check_email,
    check_grades,
    check_text,
    parse_bool,
    parse_date,
)


@dataclass
class FileContext:
    """One CSV file being read: where its problems go and whether they are fatal."""

    filename: str
    mode: str
    counts: Counts
    problems: list[Problem]
    # sourcedId (or employee ID) -> the line it was first seen on / rejected on.
    seen: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    rows: int = 0

    @property
    def bulk(self) -> bool:
        return self.mode == "bulk"

    def fail(self, line: int, column: str | None, reason: str) -> None:
        """A row error: the row is held back, the rest of the file applies."""
        self.problems.append(Problem(self.filename, line, column, reason, fatal=False))

    def warn(self, line: int, column: str | None, reason: str) -> None:
        """Accepted as read, with a note in the report."""
        self.problems.append(
            Problem(self.filename, line, column, reason, fatal=False, warning=True)
        )

    def ignore(self, line: int, reason: IgnoredReason) -> None:
        """The row is fine but not ours to apply; the report says why."""
        self.counts.ignore(reason, line)

    def reject(self, key: str, line: int) -> None:
        """The row is held back: counted, remembered for the rows that refer to it,
        and the row the directory holds under ``key`` stays exactly as it is (a bad
        row is not a missing row, even in a bulk file)."""
        if key:
            self.rejected[key] = line
        self.counts.rejected += 1


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

    def warn(self, column: str | None, reason: str) -> None:
        self.context.warn(self.line, column, reason)

    def text(self, row: Row, column: str, *, required: bool = False) -> str:
        value = row.get(column)
        if value and len(value) <= TEXT_MAX_LENGTH:
            return value  # what check_text lets through, without the call (most cells)
        try:
            return check_text(value, required=required)
        except ValueError as error:
            self.fail(column, str(error))
            return ""

    def email(self, row: Row, column: str) -> str:
        try:
            return check_email(row.get(column))
        except ValueError as error:
            self.fail(column, str(error))
            return ""

    def grades(self, row: Row, column: str) -> str:
        try:
            return check_grades(row.get(column))
        except ValueError as error:
            self.fail(column, str(error))
            return ""

    def date(self, row: Row, column: str, *, required: bool = False) -> date | None:
        value = row.get(column)
        if not value:
            if required:
                self.fail(column, _("A value is required."))
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            self.fail(column, str(error))
            return None

    def boolean(self, row: Row, column: str, *, default: bool, required: bool = False) -> bool:
        value = row.get(column)
        if not value and not required:
            return default
        try:
            return parse_bool(value)
        except ValueError as error:
            self.fail(column, str(error))
            return default
