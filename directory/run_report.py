"""A stored sync run as staff read it in the admin: counts per file and outcome, the
problems as ``file:line field: reason``, why rows were ignored, and links to the
people the run changed or held back.

It reads the JSON the runner stored (``SyncReport.to_json``); reports stored before a
part existed simply lack that part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.models import Person, SyncRun
from directory.sync.report import OUTCOMES, IgnoredReason, Problem

# People listed per kind of change on the page; the rest are counted.
PEOPLE_SHOWN = 100


@dataclass(frozen=True)
class PersonLink:
    label: str
    url: str


@dataclass(frozen=True)
class ProblemLine:
    """``file:line field: reason``, with the person the row names when they exist."""

    text: str
    person: PersonLink | None = None


@dataclass(frozen=True)
class CountRow:
    entity: str
    cells: list[int]


@dataclass(frozen=True)
class IgnoredLine:
    entity: str
    count: int
    reason: str
    lines: str  # "lines 4, 9, …", or "" when the rows have no line (planned, not read)


@dataclass(frozen=True)
class PeopleGroup:
    title: str
    people: list[PersonLink]
    more: int


@dataclass
class RunReport:
    headings: list[str]
    counts: list[CountRow]
    errors: list[ProblemLine] = field(default_factory=list)
    held_back: list[ProblemLine] = field(default_factory=list)
    held_back_rows: int = 0  # one row may have several problems
    warnings: list[ProblemLine] = field(default_factory=list)
    problems_not_stored: int = 0
    ignored: list[IgnoredLine] = field(default_factory=list)
    people: list[PeopleGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_run_report(run: SyncRun) -> RunReport:
    data: dict[str, Any] = run.report
    counts: dict[str, dict[str, Any]] = data.get("counts", {})
    stored_people: dict[str, Any] = data.get("people", {})
    held_people = stored_people.get("held_back", [])
    groups = [
        (_("Deactivated"), list(stored_people.get("deactivated", []))),
        (_("Reactivated"), list(stored_people.get("reactivated", []))),
        (_("Username changed"), list(stored_people.get("renamed", []))),
        (_("Held back (left as they were)"), [held["person_id"] for held in held_people]),
    ]
    links = person_links(pk for _title, pks in groups for pk in pks[:PEOPLE_SHOWN])
    person_at = {
        (held["file"], held["line"]): links.get(held["person_id"]) for held in held_people
    }
    report = RunReport(
        headings=[str(label) for _name, label in OUTCOMES],
        counts=[
            CountRow(entity, [int(c.get(name, 0)) for name, _label in OUTCOMES])
            for entity, c in counts.items()
        ],
        problems_not_stored=int(data.get("problems_not_stored", 0)),
        held_back_rows=int(data.get("held_back", 0)),
        ignored=[
            ignored_line(entity, rows)
            for entity, c in counts.items()
            for rows in c.get("why_ignored", {}).values()
        ],
        notes=list(data.get("notes", [])),
    )
    for stored in data.get("problems", []):
        problem = Problem(**stored)
        line = ProblemLine(str(problem), person_at.get((problem.file, problem.line)))
        if problem.fatal:
            report.errors.append(line)
        elif problem.warning:
            report.warnings.append(line)
        else:
            report.held_back.append(line)
    for title, pks in groups:
        if pks:
            shown = [links[pk] for pk in pks[:PEOPLE_SHOWN] if pk in links]
            report.people.append(PeopleGroup(title, shown, len(pks) - len(shown)))
    return report


def person_links(pks: Iterable[int]) -> dict[int, PersonLink]:
    """The admin page of each person still in the directory, by primary key."""
    people = Person.objects.filter(pk__in=set(pks)).only(
        "pk", "role", "username", "given_name", "family_name",
        "preferred_given_name", "preferred_family_name",
    )  # fmt: skip
    return {
        person.pk: PersonLink(
            f"{person.display_name} ({person.display_username})",
            reverse("admin:directory_person_change", args=[person.pk]),
        )
        for person in people
    }


def ignored_line(entity: str, rows: dict[str, Any]) -> IgnoredLine:
    lines: list[int] = rows.get("lines", [])
    count = int(rows.get("count", 0))
    numbers = ", ".join(str(n) for n in lines) + (", …" if count > len(lines) else "")
    try:
        reason = str(IgnoredReason(rows["reason"]).label)
    except ValueError:
        reason = str(rows["reason"])
    return IgnoredLine(
        entity,
        count,
        reason,
        ngettext("line %(lines)s", "lines %(lines)s", len(lines)) % {"lines": numbers}
        if lines
        else "",
    )


def short_summary(run: SyncRun) -> str:
    """One line for the list of runs: the changes, then what needs a look."""
    data: dict[str, Any] = run.report
    totals = dict.fromkeys((name for name, _label in OUTCOMES), 0)
    for counts in data.get("counts", {}).values():
        for name in totals:
            totals[name] += int(counts.get(name, 0))
    parts = [
        f"{totals[name]} {label}"
        for name, label in OUTCOMES
        if totals[name] and name != "unchanged"
    ]
    problems = data.get("problems", [])
    errors = sum(1 for p in problems if p.get("fatal"))
    if errors:
        parts.append(ngettext("%(count)d error", "%(count)d errors", errors) % {"count": errors})
    return ", ".join(parts) or _("no changes")
