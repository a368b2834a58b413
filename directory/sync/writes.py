"""Writing rows the importers validated: straight SQL through Django's cursor.

The ORM's bulk_create and bulk_update build a model instance or a CASE WHEN per value
and compile each through the ORM: for a district's 300,000 enrollments that is most of
an import. These write values that are already clean, with every value a query
parameter (or a COPY field), and identifiers only from model metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from django.db import connection, models

from directory.sync.first_load import indexed_after_loading

# Keeps `pk IN (...)` lists below every database's parameter limit.
IN_BATCH = 900
INSERT_BATCH = 5000
# From this many changed rows, PostgreSQL updates from a staged table.
STAGE_AT = 500


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    return lambda value: value


def _remembered(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``adapt`` for a date or time column, converting each distinct value once: a
    district's rows share a few dates, and every new person the run's own time."""
    adapted: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if value not in adapted:
            adapted[value] = adapt(value)
        return adapted[value]

    return remembered


def _row_values(
    fields: Sequence[models.Field[Any, Any]], *, adapted: bool
) -> Callable[[Mapping[str, Any]], list[Any]]:
    """A row's values in the order of ``fields`` (missing ones take the field default),
    with dates and times in the database's format when ``adapted``."""
    defaults = {f.attname: f.get_default() for f in fields}
    names = list(defaults)
    # itemgetter hands back a bare value, not a tuple, for a single name.
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    conversions = [
        (position, _remembered(_adapter(f)))
        for position, f in enumerate(fields)
        if adapted and f.get_internal_type() in ("DateField", "DateTimeField")
    ]

    def values(row: Mapping[str, Any]) -> list[Any]:
        picked = list(pick({**defaults, **row}))
        for position, adapt in conversions:
            picked[position] = adapt(picked[position])
        return picked

    return values


def insert_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], count: int = 0
) -> None:
    """INSERT new rows; keys are attribute names (``*_id`` for foreign keys), missing
    ones take the field default. ``count`` is how many rows there are (a big first
    load is indexed after it, ``first_load``), 0 when unknown.

    bulk_create would do, but it builds a model instance and compiles every value
    through the ORM: for the 300,000 enrollments of a district that is most of the
    import time. Values here are already clean (validated and typed by the importer).
    PostgreSQL takes them through COPY (one stream, no statement per batch); other
    databases through ``executemany`` of one prepared INSERT.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    with indexed_after_loading(model._meta.db_table, count):
        if connection.vendor == "postgresql":
            _copy_rows(model._meta.db_table, fields, rows)
        else:
            _insert_statements(model._meta.db_table, fields, rows)


def _insert_statements(
    table: str, fields: Sequence[models.Field[Any, Any]], rows: Iterable[Mapping[str, Any]]
) -> None:
    """``executemany`` of a one-row INSERT, in batches: the driver binds each row's
    values to one prepared statement (a many-row statement would be rewritten for
    every batch, and its parameters flattened into one list)."""
    quote = connection.ops.quote_name
    values = _row_values(fields, adapted=True)
    # Identifiers come from model metadata; every value is a query parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    iterator = map(values, rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, INSERT_BATCH)):
            cursor.executemany(sql, batch)


def _copy_rows(
    table: str, fields: Sequence[models.Field[Any, Any]], rows: Iterable[Mapping[str, Any]]
) -> None:
    """COPY rows into ``table`` through psycopg's public ``Cursor.copy`` (Django's cursor
    hands it through), which adapts each Python value as a query parameter would."""
    quote = connection.ops.quote_name
    values = _row_values(fields, adapted=False)
    sql = "COPY {} ({}) FROM STDIN".format(  # identifiers come from model metadata
        quote(table), ", ".join(quote(f.column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(values(row))


def update_rows(
    model: type[models.Model],
    changes: Sequence[tuple[int, Mapping[str, Any]]],
    field_names: Sequence[str],
) -> None:
    """UPDATE rows by primary key.

    On PostgreSQL, many changes go set-based: COPY into a temporary table staged with
    the same column types, then one UPDATE ... FROM it. Elsewhere (and for a few rows)
    ``executemany`` of one short statement per row: bulk_update's CASE WHEN statements
    grow with the batch and compile every value through the ORM; taking over 7,000
    employees from HR took seconds that way.
    """
    if not changes:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    if connection.vendor == "postgresql" and len(changes) >= STAGE_AT:
        _staged_update(model, concrete, changes)
        return
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - identifiers only
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in concrete),
        quote(model._meta.pk.column),
    )
    columns = [(f.attname, _adapter(f)) for f in concrete]
    with connection.cursor() as cursor:
        for start in range(0, len(changes), INSERT_BATCH):
            cursor.executemany(
                sql,
                [
                    (*(adapt(attrs[name]) for name, adapt in columns), pk)
                    for pk, attrs in changes[start : start + INSERT_BATCH]
                ],
            )


def _staged_update(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    changes: Sequence[tuple[int, Mapping[str, Any]]],
) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    stage = quote(f"hallpass_stage_{model._meta.db_table}")
    columns = ", ".join(quote(f.column) for f in fields)
    # Identifiers only (model metadata); the values travel through COPY.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} AS SELECT {pk}, {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.copy(f"COPY {stage} ({pk}, {columns}) FROM STDIN") as copy:
            for key, attrs in changes:
                copy.write_row([key, *(attrs[f.attname] for f in fields)])
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {stage} AS s WHERE t.{pk} = s.{pk}"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {stage}")


def in_batches(items: Sequence[Any], size: int = IN_BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
