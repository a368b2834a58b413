"""Writing rows the importers validated: straight SQL through Django's cursor.

The ORM's bulk_create and bulk_update build a model instance or a CASE WHEN per value
and compile each through the ORM: for a district's 300,000 enrollments that is most of
an import. These write values that are already clean, with every value a query
parameter (or a COPY field), and identifiers only from model metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from django.db import connection, models

from directory.sync.first_load import indexed_after_loading

# Keeps `pk IN (...)` lists below every database's parameter limit.
IN_BATCH = 900
INSERT_BATCH = 5000
# Rows of one INSERT statement (fewer where the database takes fewer parameters).
ROWS_PER_INSERT = 25
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


class _Layout:
    """The columns of an INSERT (or COPY): those the caller's rows give, in their
    order, then the ones they leave out (which take the field default); and each
    row's values in that order, dates and times in the database's format where the
    driver wants them so."""

    def __init__(self, fields: Sequence[models.Field[Any, Any]], given: Sequence[str]) -> None:
        by_name = {f.attname: f for f in fields}
        left_out = [f for f in fields if f.attname not in given]
        self.fields = [*(by_name[name] for name in given), *left_out]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.names = [f.attname for f in self.fields]
        self.tail = tuple(self.defaults[f.attname] for f in left_out)
        # itemgetter hands back a bare value, not a tuple, for a single name.
        self.pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            itemgetter(*given) if len(given) > 1 else lambda row: tuple(row[n] for n in given)
        )
        # COPY (PostgreSQL) sends dates and times as they are.
        self.conversions = [
            (position, _remembered(_adapter(f)))
            for position, f in enumerate(self.fields)
            if connection.vendor != "postgresql"
            and f.get_internal_type() in ("DateField", "DateTimeField")
        ]

    def of_values(self, row: Sequence[Any]) -> Sequence[Any]:
        """Values given in the order of the given columns."""
        return self._converted((*row, *self.tail) if self.tail else row)

    def _converted(self, values: Sequence[Any]) -> Sequence[Any]:
        if not self.conversions:
            return values
        converted = list(values)
        for position, adapt in self.conversions:
            converted[position] = adapt(converted[position])
        return converted

    def of_mapping(self, row: Mapping[str, Any], width: int) -> Sequence[Any]:
        """Values given by name. Rows of one load are built alike (``width`` keys, as
        the first one): their values are read straight off them in the given order,
        which spares merging each over the defaults. Any other row is read by name."""
        if len(row) == width:
            try:
                return self.of_values(self.pick(row))
            except KeyError:  # as many keys as the first row, not the same ones
                pass
        defaults = self.defaults
        return self._converted(
            tuple(row[name] if name in row else defaults[name] for name in self.names)
        )


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
    databases through ``executemany`` of one prepared many-row INSERT.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    known = {f.attname for f in fields}
    given = [name for name in first if name in known]
    layout = _Layout(fields, given)
    # Rows as wide as the first take the fast path only when the first has no other
    # key: otherwise a row of another shape could pass for one of its shape.
    width = len(first) if len(given) == len(first) else -1
    _load(
        model,
        layout,
        (layout.of_mapping(row, width) for row in chain([first], iterator)),
        count,
    )


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int = 0,
) -> None:
    """``insert_rows`` for rows given as values in the order of ``columns`` (attribute
    names): for the biggest loads, where building a mapping per row is a good part of
    the cost. The fields not named take their default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    layout = _Layout(fields, columns)
    _load(model, layout, map(layout.of_values, rows), count)


def _load(
    model: type[models.Model], layout: _Layout, values: Iterable[Sequence[Any]], count: int
) -> None:
    table = model._meta.db_table
    with indexed_after_loading(table, count):
        if connection.vendor == "postgresql":
            _copy_rows(table, layout.fields, values)
        else:
            _insert_statements(table, layout.fields, values)


def _insert_statements(
    table: str, fields: Sequence[models.Field[Any, Any]], values: Iterable[Sequence[Any]]
) -> None:
    """``executemany`` of one prepared INSERT of ROWS_PER_INSERT rows (the last few rows
    through a one-row INSERT), in batches. The driver binds each group's values to
    the same prepared statement, and the database runs one statement per group
    rather than per row; a statement sized to each batch would be prepared again
    for every batch."""
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params or ROWS_PER_INSERT * len(fields)
    group = max(1, min(ROWS_PER_INSERT, limit // len(fields)))
    row = "({})".format(", ".join(["%s"] * len(fields)))
    # Identifiers come from model metadata; every value is a query parameter.
    start = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(table), ", ".join(quote(f.column) for f in fields)
    )
    grouped, single = start + ", ".join([row] * group), start + row
    iterator = iter(values)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, INSERT_BATCH)):
            whole = len(batch) - len(batch) % group
            if whole:
                cursor.executemany(
                    grouped,
                    [
                        tuple(chain.from_iterable(batch[at : at + group]))
                        for at in range(0, whole, group)
                    ],
                )
            if whole < len(batch):
                cursor.executemany(single, batch[whole:])


def _copy_rows(
    table: str, fields: Sequence[models.Field[Any, Any]], values: Iterable[Sequence[Any]]
) -> None:
    """COPY rows into ``table`` through psycopg's public ``Cursor.copy`` (Django's cursor
    hands it through), in COPY's binary format: each value is dumped for the column's
    own type, as the table's description gives it, so the server parses no text (and
    the driver formats none) for hundreds of thousands of rows."""
    quote = connection.ops.quote_name
    # Identifiers come from model metadata.
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(table)} WHERE false")  # noqa: S608
        types = [column.type_code for column in cursor.description]
        with cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in values:
                write(row)


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
