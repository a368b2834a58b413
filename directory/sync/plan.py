"""Comparing what a source says with what the database holds, and applying the difference.

Everything is compared in memory, keyed by sourcedId, with foreign keys expressed as
sourcedIds too: a re-run of the same files therefore produces an empty plan and writes
no row. Applying uses bulk statements only (no per-row queries).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar

from django.db import connection, models

from directory.models import Status
from directory.sync.report import Counts

# One entity's compared values: a NamedTuple per entity (foreign keys as sourcedIds).
R = TypeVar("R")
# Keeps `pk IN (...)` lists below every database's parameter limit.
IN_BATCH = 900
INSERT_BATCH = 5000
# Parameters per INSERT: below SQLite's 32,766 (3.32+) and PostgreSQL's 65,535.
MAX_PARAMS = 30000
# From this many changed rows, PostgreSQL updates from a staged table.
STAGE_AT = 500


@dataclass(slots=True)
class Existing(Generic[R]):
    """A row the directory holds: its key, whether it is active and its values."""

    pk: int
    active: bool
    values: R


@dataclass
class EntityPlan(Generic[R]):
    create: dict[str, R] = field(default_factory=dict)
    update: dict[str, R] = field(default_factory=dict)  # includes reactivations
    reactivate: set[str] = field(default_factory=set)
    deactivate: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.deactivate)


def plan_entity(
    counts: Counts,
    existing: Mapping[str, Existing[R]],
    desired: Mapping[str, R],
    removed: Iterable[str],
    *,
    bulk: bool,
    held: Collection[str] = (),
) -> EntityPlan[R]:
    """Sort rows into create / update / reactivate / deactivate / unchanged.

    ``removed`` are rows the source says are gone (delta ``tobedeleted``, a disabled
    user, a terminated employee). In ``bulk`` mode every active existing row missing
    from ``desired`` is deactivated too, except the ``held`` ones: a row held back for
    an error is not a missing row. ``existing`` must hold only rows the source owns.
    """
    plan: EntityPlan[R] = EntityPlan()
    for sid, values in desired.items():
        current = existing.get(sid)
        if current is None:
            plan.create[sid] = values
            counts.created += 1
        elif not current.active:
            plan.update[sid] = values
            plan.reactivate.add(sid)
            counts.reactivated += 1
        elif current.values != values:
            plan.update[sid] = values
            counts.updated += 1
        else:
            counts.unchanged += 1
    removed_set = set(removed)
    for sid in removed_set:
        current = existing.get(sid)
        if current is None:
            counts.ignored += 1
        elif current.active:
            plan.deactivate.add(sid)
            counts.deactivated += 1
        else:
            counts.unchanged += 1
    if bulk:
        for sid, current in existing.items():
            kept = sid in desired or sid in removed_set or sid in held
            if current.active and not kept:
                plan.deactivate.add(sid)
                counts.deactivated += 1
    return plan


class HasUsername(Protocol):
    @property
    def username(self) -> str: ...


P = TypeVar("P", bound=HasUsername)


def username_changes(
    plan: EntityPlan[P], existing: Mapping[str, Existing[P]]
) -> list[tuple[int, str, str]]:
    """(person pk, old username, new username) for updated rows whose username
    changes; created rows have no account yet."""
    return [
        (existing[sid].pk, existing[sid].values.username, values.username)
        for sid, values in plan.update.items()
        if existing[sid].values.username != values.username
    ]


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    return lambda value: value


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT new rows; keys are attribute names (``*_id`` for foreign keys), missing
    ones take the field default.

    bulk_create would do, but it builds a model instance and compiles every value
    through the ORM: for the 300,000 enrollments of a district that is most of the
    import time. Values here are already clean (validated and typed by the importer).
    PostgreSQL takes them through COPY (one stream, no statement per batch); other
    databases through multi-row INSERTs kept under their parameter limits.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        _copy_rows(model._meta.db_table, fields, rows)
        return
    columns = [(f.attname, f.get_default(), _adapter(f)) for f in fields]
    quote = connection.ops.quote_name
    per_statement = max(1, min(1000, MAX_PARAMS // len(fields)))
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Identifiers come from model metadata; every value is a query parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
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


def apply_entity(
    model: type[models.Model],
    plan: EntityPlan[R],
    existing: Mapping[str, Existing[R]],
    to_fields: Callable[[R], dict[str, Any]],
    update_fields: Sequence[str],
    *,
    now: datetime,
    create_extra: Callable[[str], dict[str, Any]] | None = None,
    tracks_leaving: bool = False,
    pk_map: dict[str, int] | None = None,
) -> dict[str, int]:
    """Write a plan; returns the new rows' primary keys by sourcedId.

    ``to_fields`` turns compared values into model attributes (foreign keys as ``*_id``).
    ``tracks_leaving`` models (Person) also get ``left_at`` set and cleared.
    ``pk_map`` (sourcedId -> pk) gets the new rows before updates are built, so updated
    rows may point at rows created in the same call.
    """
    manager = model._default_manager
    created: dict[str, int] = {}
    if plan.create:

        def rows() -> Iterator[dict[str, Any]]:
            for sid, values in plan.create.items():
                attrs = to_fields(values)
                if create_extra is not None:
                    attrs.update(create_extra(sid))
                attrs["sourced_id"] = sid
                attrs["status"] = Status.ACTIVE
                yield attrs

        insert_rows(model, rows())
        if pk_map is not None:
            wanted = plan.create.keys()
            created = {
                sid: pk
                for sid, pk in manager.values_list("sourced_id", "pk").iterator(chunk_size=5000)
                if sid in wanted
            }
            pk_map.update(created)
    if plan.update:
        changes = []
        for sid, values in plan.update.items():
            attrs = to_fields(values)
            attrs["status"] = Status.ACTIVE
            if tracks_leaving:
                attrs["left_at"] = None
            changes.append((existing[sid].pk, attrs))
        fields = [*update_fields, "status", *(["left_at"] if tracks_leaving else [])]
        update_rows(model, changes, fields)
    if plan.deactivate:
        pks = sorted(existing[sid].pk for sid in plan.deactivate)
        change: dict[str, Any] = {"status": Status.INACTIVE}
        if tracks_leaving:
            change["left_at"] = now
        for batch in in_batches(pks):
            manager.filter(pk__in=batch).update(**change)
    return created


def sync_m2m(
    through: type[models.Model],
    left: str,
    right: str,
    desired: Mapping[int, frozenset[int]],
    existing: Mapping[int, set[int]],
    through_pks: Mapping[tuple[int, int], int],
) -> None:
    """Make the through table hold ``desired`` for the given left-hand rows only."""
    add: list[dict[str, Any]] = []
    remove: list[int] = []
    for left_pk, wanted in desired.items():
        have = existing.get(left_pk, set())
        for right_pk in wanted - have:
            add.append({f"{left}_id": left_pk, f"{right}_id": right_pk})
        remove.extend(through_pks[(left_pk, right_pk)] for right_pk in have - wanted)
    if add:
        insert_rows(through, add)
    for batch in in_batches(sorted(remove)):
        through._default_manager.filter(pk__in=batch).delete()
