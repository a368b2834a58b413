"""New rows written by the syncs' straight SQL: every row, in order, with its values,
however many rows one statement takes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.models import AcademicSession, Status
from directory.sync import writes
from directory.sync.writes import insert_rows, insert_values

pytestmark = pytest.mark.django_db
# More rows than one INSERT holds, and some left over.
COUNT = 2 * writes.ROWS_PER_INSERT + 7


def expected(prefix: str) -> list[tuple[object, ...]]:
    return [
        (f"{prefix}-{n:03d}", f"Term {n}", date(2025, 1, 1) + timedelta(days=n), 2025, "active")
        for n in range(COUNT)
    ]


def written(prefix: str) -> list[tuple[object, ...]]:
    return list(
        AcademicSession.objects.filter(sourced_id__startswith=prefix)
        .order_by("pk")
        .values_list("sourced_id", "title", "start_date", "school_year", "status")
    )


def test_rows_given_by_name_are_written_in_order_with_defaults():
    rows = [
        {
            "sourced_id": f"a-{n:03d}",
            "title": f"Term {n}",
            "session_type": "term",
            "start_date": date(2025, 1, 1) + timedelta(days=n),
            "end_date": date(2025, 6, 30),
            "school_year": 2025,
        }
        for n in range(COUNT)
    ]
    rows[3] = {"parent_id": None, **rows[3]}  # another shape: read by name

    insert_rows(AcademicSession, rows, len(rows))

    assert written("a") == expected("a")


def test_rows_given_as_values_are_written_in_order():
    columns = ("sourced_id", "title", "session_type", "start_date", "end_date", "school_year")
    rows = [
        (
            f"v-{n:03d}",
            f"Term {n}",
            "term",
            date(2025, 1, 1) + timedelta(days=n),
            date(2025, 6, 30),
            2025,
        )
        for n in range(COUNT)
    ]

    insert_values(AcademicSession, columns, rows, len(rows))

    assert written("v") == expected("v")
    assert AcademicSession.objects.filter(status=Status.ACTIVE).count() == COUNT


def test_a_row_as_wide_as_a_first_row_with_other_keys_keeps_its_values():
    base = {
        "title": "T", "session_type": "term", "start_date": date(2025, 1, 1),
        "end_date": date(2025, 6, 30), "school_year": 2025,
    }  # fmt: skip
    parent = AcademicSession.objects.create(sourced_id="parent", **base)
    rows = [
        {"sourced_id": "a", **base, "note": "not a field"},
        {"sourced_id": "b", **base, "parent_id": parent.pk},
    ]

    insert_rows(AcademicSession, rows, len(rows))

    assert AcademicSession.objects.get(sourced_id="b").parent_id == parent.pk
