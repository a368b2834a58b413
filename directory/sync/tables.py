"""Reading the directory's big tables (people, enrollments) in plain SQL.

The ORM's per-row work costs seconds on a district, and these columns need no
conversion (but dates, which the callers convert once per distinct value)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models

from directory.models import Person
from directory.sync.writes import in_batches

PAGE = 20_000


def select_sql(model: type[models.Model], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return "SELECT {} FROM {}".format(  # noqa: S608 - identifiers only
        ", ".join(quote(c) for c in columns), quote(model._meta.db_table)
    )


def stream(sql: str) -> Iterator[tuple[Any, ...]]:
    """A big table's rows (``id`` the second column), streamed. psycopg's client-side
    cursor holds a whole result in memory, so on PostgreSQL they come in pages by
    primary key (each page one indexed range scan); SQLite's cursor streams as it is."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql)
            while chunk := cursor.fetchmany(5000):
                yield from chunk
            return
        pk = connection.ops.quote_name("id")
        page = f"{sql} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
        last = 0
        while True:
            cursor.execute(page, [last, PAGE])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][1]  # the id column


def rows_where(
    sql: str, column: str, values: Sequence[Any], *, status: str = ""
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` whose ``column`` holds one of the ``values`` (and, if given,
    whose status is ``status``), asked in batches."""
    quote = connection.ops.quote_name
    also = f" AND {quote('status')} = %s" if status else ""
    with connection.cursor() as cursor:
        for batch in in_batches(values):
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"{sql} WHERE {quote(column)} IN ({placeholders}){also}",
                [*batch, *([status] if status else [])],
            )
            yield from cursor.fetchall()


def username_owners() -> dict[str, str]:
    """Every username in the directory, and the sourcedId of the person holding it."""
    return {
        username: sid
        for sid, _pk, username in stream(select_sql(Person, ("sourced_id", "id", "username")))
    }
