"""Writing rows the importers validated: straight SQL through Django's cursor.

The ORM's bulk_create and bulk_update build a model instance or a CASE WHEN per value
and compile each through the ORM: for a district's 300,000 enrollments that is most of
an import. These write values that are already clean, with every value a query
parameter (or a COPY field), and identifiers only from model metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

from directory.sync.first_load import indexed_after_loading

# Keeps `pk IN (...)` lists below every database's parameter limit.
IN_BATCH = 900
INSERT_BATCH = 5000
# Parameters per INSERT: below SQLite's 32,766 (3.32+) and PostgreSQL's 65,535.
MAX_PARAMS = 30000
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
    databases through multi-row INSERTs kept under their parameter limits.
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
    columns = [(f.attname, f.get_default(), _adapter(f)) for f in fields]
    quote = connection.ops.quote_name
    per_statement = max(1, min(1000, MAX_PARAMS // len(fields)))
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Identifiers come from model metadata; every value is a query parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(table), ", ".join(quote(f.column) for f in fields)
    )
    full_sql = head + ", ".join([one_row] * per_statement)
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, per_statement)):
            params = [
                adapt(row.get(name, default)) for row in batch for name, default, adapt in columns
            ]
            sql = (
                full_sql
                if len(batch) == per_statement
                else head + ", ".join([one_row] * len(batch))
            )
            cursor.execute(sql, params)


def _copy_rows(
    table: str, fields: Sequence[models.Field[Any, Any]], rows: Iterable[Mapping[str, Any]]
) -> None:
    """COPY rows into ``table`` through psycopg's public ``Cursor.copy`` (Django's cursor
    hands it through), which adapts each Python value as a query parameter would."""
    quote = connection.ops.quote_name
    names = [(f.attname, f.get_default()) for f in fields]
    sql = "COPY {} ({}) FROM STDIN".format(  # identifiers come from model metadata
        quote(table), ", ".join(quote(f.column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(name, default) for name, default in names])


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
