"""Claim figures, counted by the database: one grouped query for the people (by
school, role and grade, summed here into each table), one for the classes'
enrollments (by class) and one naming the classes, never a query per school, grade,
class or person. Whether a person claimed is read from their own row
(Person.account_claimed, the accounts app's copy of the account's claim), so the
people are counted without joining their accounts; covering indexes on the people
and the class rosters answer these counts without visiting the tables.

Every person is in exactly one claim state, decided in this order:
deactivated (left the district), claimed, waiting (inside the wait after first
appearing, not yet claimable), unclaimed (could claim and has not). The claim rate
is claimed over everyone still active: everyone enrolled must claim by the
deadline.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from directory.models import Class, Enrollment, Org, Person, Status


class ClaimState(enum.Enum):
    CLAIMED = "claimed"
    UNCLAIMED = "unclaimed"
    WAITING = "waiting"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    ClaimState.CLAIMED: _("Claimed"),
    ClaimState.UNCLAIMED: _("Not claimed"),
    ClaimState.WAITING: _("Not yet claimable"),
    ClaimState.DEACTIVATED: _("Deactivated"),
}


def state_filter(state: ClaimState, now: datetime, prefix: str = "") -> Q:
    """The condition for people (reached through `prefix`, e.g. "person__") in `state`."""
    active = Q(**{f"{prefix}status": Status.ACTIVE})
    # The person's copy of their account's claim (Person.account_claimed): no join.
    claimed = Q(**{f"{prefix}account_claimed": True})
    not_claimed = Q(**{f"{prefix}account_claimed": False})
    if state is ClaimState.DEACTIVATED:
        return ~active
    if state is ClaimState.CLAIMED:
        return active & claimed
    if state is ClaimState.WAITING:
        return active & not_claimed & Q(**{f"{prefix}claimable_at__gt": now})
    return active & not_claimed & Q(**{f"{prefix}claimable_at__lte": now})


@dataclass(frozen=True)
class ClaimCounts:
    claimed: int = 0
    unclaimed: int = 0
    waiting: int = 0
    deactivated: int = 0

    @property
    def active(self) -> int:
        return self.claimed + self.unclaimed + self.waiting

    @property
    def rate(self) -> float:
        """Claimed as a share (0 to 1) of everyone active."""
        return self.claimed / self.active if self.active else 0.0

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}"

    def __add__(self, other: ClaimCounts) -> ClaimCounts:
        return ClaimCounts(
            self.claimed + other.claimed, self.unclaimed + other.unclaimed,
            self.waiting + other.waiting, self.deactivated + other.deactivated,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ClaimCounts:
        return cls(**{state.value: int(row[state.value] or 0) for state in ClaimState})


@dataclass(frozen=True)
class ClaimRow:
    """One line of a claim-rate table: what it counts (a school, role, grade or
    class), its key for links, and the counts."""

    key: str
    label: str
    counts: ClaimCounts


def _aggregates(now: datetime, prefix: str = "") -> dict[str, Count]:
    # Rows counted by the person's key, which the indexes behind these counts hold
    # (for a class, each enrollment counts by its person's key, never empty).
    return {
        state.value: Count(f"{prefix}pk", filter=state_filter(state, now, prefix))
        for state in ClaimState
    }


def population(school_ids: Collection[int] | None) -> QuerySet[Person]:
    """Everyone (None) or the people whose primary school is one of `school_ids`."""
    people = Person.objects.all()
    return people if school_ids is None else people.filter(primary_org_id__in=school_ids)


@dataclass(frozen=True)
class Cell:
    """The counts of the people of one school, role and grade: the finest grouping
    the pages show, from which every table sums its rows."""

    school_id: int | None
    role: str
    grade: str
    counts: ClaimCounts


def cells(people: QuerySet[Person], now: datetime) -> list[Cell]:
    """One grouped query over the people: a district holds a few hundred cells."""
    rows = (
        people.order_by()
        .values("primary_org_id", "role", "grades")
        .annotate(**_aggregates(now))
    )
    return [
        Cell(row["primary_org_id"], row["role"], row["grades"], ClaimCounts.from_row(row))
        for row in rows
    ]


def _sum(counts: Iterable[ClaimCounts]) -> ClaimCounts:
    total = ClaimCounts()
    for each in counts:
        total = total + each
    return total


def totals(grid: Sequence[Cell]) -> ClaimCounts:
    return _sum(cell.counts for cell in grid)


def by_school(grid: Sequence[Cell], schools: Iterable[Org]) -> list[ClaimRow]:
    """One row per school (those without people too), in the order given."""
    return [
        ClaimRow(
            str(school.pk), school.name,
            _sum(cell.counts for cell in grid if cell.school_id == school.pk),
        )
        for school in schools
    ]


def by_role(grid: Sequence[Cell]) -> list[ClaimRow]:
    present = {cell.role for cell in grid}
    return [
        ClaimRow(
            str(role.value), str(role.label),
            _sum(cell.counts for cell in grid if cell.role == role.value),
        )
        for role in Person.Role
        if role.value in present
    ]


_GRADE_ORDER = {"IT": -3, "PR": -2, "PK": -1, "TK": -1, "KG": 0}


def grade_sort_key(grade: str) -> tuple[int, str]:
    """Pre-kindergarten, kindergarten, then 1 to 12 in number order, then the rest."""
    if grade in _GRADE_ORDER:
        return _GRADE_ORDER[grade], grade
    if re.fullmatch(r"\d+", grade):
        return int(grade), grade
    return 100, grade


def by_grade(grid: Sequence[Cell]) -> list[ClaimRow]:
    """Students by the grades the SIS gives them (one grade each, as a rule)."""
    students = [cell for cell in grid if cell.role == Person.Role.STUDENT]
    grades = sorted({cell.grade for cell in students}, key=grade_sort_key)
    return [
        ClaimRow(
            grade, grade or str(_("No grade")),
            _sum(cell.counts for cell in students if cell.grade == grade),
        )
        for grade in grades
    ]


def by_class(school: Org, now: datetime) -> list[ClaimRow]:
    """The school's active classes with their actively enrolled students.

    The counts are grouped by class alone and named from the classes' own query
    (in the database's title order): grouping the enrollments by title too would
    sort every enrollment by its text."""
    active_classes = Class.objects.filter(school=school, status=Status.ACTIVE)
    classes = list(active_classes.order_by("title", "pk").values_list("pk", "title"))
    enrollments = Enrollment.objects.filter(
        klass__in=active_classes.values("pk"),
        role=Enrollment.Role.STUDENT,
        status=Status.ACTIVE,
    )
    counted = {
        row["klass_id"]: ClaimCounts.from_row(row)
        for row in enrollments.order_by()
        .values("klass_id")
        .annotate(**_aggregates(now, prefix="person__"))
    }
    return [
        ClaimRow(str(pk), title, counted[pk]) for pk, title in classes if pk in counted
    ]


@dataclass(frozen=True)
class Deadline:
    day: date
    days_left: int

    @property
    def passed(self) -> bool:
        return self.days_left < 0


def deadline(today: date) -> Deadline | None:
    """HALLPASS_CLAIM_DEADLINE and the days left before it, if one is set."""
    day = settings.DISTRICT.get("claim_deadline")
    if not isinstance(day, date):
        return None
    return Deadline(day, (day - today).days)
