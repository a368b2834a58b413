"""Reading CSV exports the way vendors actually write them.

UTF-8 with or without a BOM, any line ending (CRLF, LF, lone CR), RFC 4180 quoting,
columns found by header name (case-insensitive, with known vendor typos as aliases),
unknown and extension columns ignored. Bytes that are not UTF-8 stop the file with an
error naming its line: guessing an encoding would silently corrupt names.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from directory.sync.report import Problem

_BOM = b"\xef\xbb\xbf"
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


class FileProblem(Exception):
    """A file cannot be read on: the run stops, naming the place."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Package:
    """A folder, a .zip (files at its root) or a single CSV file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._names: set[str] = set()
        if path.is_dir():
            self._names = {child.name for child in path.iterdir() if child.is_file()}
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self._names = {name for name in self._zip.namelist() if "/" not in name.rstrip("/")}
        elif path.is_file():
            self._names = {path.name}
        else:
            raise FileProblem(Problem(str(path), None, None, _("No such file or folder.")))

    def has(self, name: str) -> bool:
        return name in self._names

    def names(self) -> set[str]:
        return set(self._names)

    def open(self, name: str) -> AbstractContextManager[IO[bytes]]:
        if self._zip is not None:
            return self._zip.open(name)
        if self.path.is_dir():
            return (self.path / name).open("rb")
        return self.path.open("rb")

    def count_lines(self, name: str) -> int:
        """A cheap upper bound of the data rows, for the progress bar."""
        with self.open(name) as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def decoded_lines(handle: Iterable[bytes], filename: str) -> Iterator[str]:
    """Lines of text, each ending as it did; strict UTF-8, checked line by line so an
    error can name its line."""
    number = 0
    first = True
    for raw in handle:
        if first:
            first = False
            if raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
        pieces = _LONE_CR.split(raw) if b"\r" in raw[:-2] else [raw]
        for piece in pieces:
            if not piece:
                continue
            number += 1
            try:
                yield piece.decode("utf-8")
            except UnicodeDecodeError as error:
                raise FileProblem(
                    Problem(
                        filename,
                        number,
                        None,
                        _(
                            "This line is not UTF-8 text (byte 0x%(byte)02x at position "
                            "%(position)d). Export the file as UTF-8."
                        )
                        % {"byte": piece[error.start], "position": error.start + 1},
                    )
                ) from None


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False  # the column must be present in the header
    aliases: tuple[str, ...] = ()


class Table:
    """One CSV file's header, with column positions resolved by name."""

    def __init__(
        self,
        filename: str,
        header: Sequence[str],
        columns: Sequence[Column],
        header_map: Mapping[str, str] | None = None,
    ) -> None:
        self.filename = filename
        self.width = len(header)
        seen: dict[str, int] = {}
        for position, raw in enumerate(header):
            key = raw.strip().casefold()
            if key and key in seen:
                raise FileProblem(
                    Problem(
                        filename,
                        1,
                        raw.strip(),
                        _("The column %(column)s appears twice in the header.")
                        % {"column": raw.strip()},
                    )
                )
            seen[key] = position
        self.index: dict[str, int] = {}
        missing = []
        for column in columns:
            candidates = [column.name, *column.aliases]
            if header_map and column.name in header_map:
                candidates.insert(0, header_map[column.name])
            for candidate in candidates:
                if candidate.casefold() in seen:
                    self.index[column.name] = seen[candidate.casefold()]
                    break
            else:
                self.index[column.name] = -1
                if column.required:
                    missing.append(candidates[0])
        if missing:
            raise FileProblem(
                Problem(
                    filename,
                    1,
                    ", ".join(missing),
                    _("Required column missing from the header: %(columns)s.")
                    % {"columns": ", ".join(missing)},
                )
            )

    def has(self, column: str) -> bool:
        return self.index.get(column, -1) >= 0

    def padded_index(self) -> dict[str, int]:
        """Column positions where absent columns point at the padding cell."""
        return {name: (pos if pos >= 0 else self.width) for name, pos in self.index.items()}


def overlong_reason(found: int, expected: int) -> str:
    return _(
        "This row has %(found)d fields but the header has %(expected)d; "
        "quote fields that contain commas."
    ) % {"found": found, "expected": expected}


class Row:
    """One data row. ``cells`` is padded so that every known column, present or not,
    has a position: reading a field is one dict lookup (this runs millions of times).

    ``overlong`` is the number of fields of a row that has more than the header
    (0 otherwise): its cells are cut to the header's width, and only its key can be
    trusted (an unquoted comma shifts whatever follows it)."""

    __slots__ = ("cells", "index", "line", "overlong")

    def __init__(
        self, line: int, cells: list[str], index: dict[str, int], overlong: int = 0
    ) -> None:
        self.line = line
        self.cells = cells
        self.index = index
        self.overlong = overlong

    def get(self, column: str) -> str:
        return self.cells[self.index[column]].strip()


class CsvFile:
    """An open CSV file: its header is read on opening, rows are streamed."""

    def __init__(
        self,
        package: Package,
        filename: str,
        columns: Sequence[Column],
        header_map: Mapping[str, str] | None = None,
    ) -> None:
        self.filename = filename
        self.skipped = 0  # rows reported as malformed and left out
        self._package = package
        self._handle = package.open(filename).__enter__()
        # The C decoder and csv.reader do the work; newline="" splits lines at CRLF,
        # LF and a lone CR alike, so line numbers count as a text editor does.
        self._text = io.TextIOWrapper(
            self._handle, encoding="utf-8-sig", errors="strict", newline=""
        )
        self._reader = csv.reader(self._text, strict=True)
        try:
            header = self._next()
            if header is None or not any(cell.strip() for cell in header):
                raise FileProblem(
                    Problem(filename, 1, None, _("The file is empty: a header row is required."))
                )
            self.table = Table(filename, header, columns, header_map)
        except BaseException:
            self.close()
            raise

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except UnicodeDecodeError:
            self._name_the_bad_line()
            raise
        except csv.Error as error:
            raise self._malformed(error) from None

    def _malformed(self, error: csv.Error) -> FileProblem:
        return FileProblem(
            Problem(
                self.filename,
                self._reader.line_num,
                None,
                _("Malformed CSV: %(error)s.") % {"error": str(error)},
            )
        )

    def rows(self, problems: list[Problem], *, fatal_rows: bool) -> Iterator[Row]:
        """Data rows. A row with more fields than the header is, with ``fatal_rows``,
        reported (fatal) and skipped; otherwise yielded cut to the header's width with
        ``overlong`` set, for the caller to hold back."""
        table = self.table
        index = table.padded_index()
        width = table.width
        reader = self._reader
        try:
            for cells in reader:
                count = len(cells)
                if count == width and count > 1:
                    # The usual row: the padding cell, and out.
                    cells.append("")
                    yield Row(reader.line_num, cells, index)
                    continue
                if not cells or (count == 1 and not cells[0].strip()):
                    continue
                if count > width:
                    if not fatal_rows:
                        yield Row(reader.line_num, [*cells[:width], ""], index, count)
                        continue
                    problems.append(
                        Problem(
                            self.filename, reader.line_num, None, overlong_reason(count, width)
                        )
                    )
                    self.skipped += 1
                    continue
                cells.extend([""] * (width - count + 1))  # missing cells and the padding
                yield Row(reader.line_num, cells, index)
        except UnicodeDecodeError:
            self._name_the_bad_line()
            raise
        except csv.Error as error:
            raise self._malformed(error) from None

    def _name_the_bad_line(self) -> None:
        """The decoder works on blocks: read the file again line by line to raise the
        problem with its line and byte."""
        with self._package.open(self.filename) as handle:
            for _line in decoded_lines(handle, self.filename):
                pass

    def close(self) -> None:
        self._text.detach()
        self._handle.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
