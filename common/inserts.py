"""One-row INSERTs for hot, append-only tables, with the ORM's SQL compiled once.

Model.objects.create() builds and compiles an InsertQuery on every call (~200 us on
SQLite, most of a sign-in's audit row); the statement never changes for a model,
only its values do. insert_row() keeps the SQL the ORM itself compiles, per model
and database, and fills in the values the way the ORM does (each field's pre_save,
then get_db_prep_save), so defaults, auto_now_add and JSON encoding behave alike.
What it leaves out is the save() machinery: pre_save/post_save signals and an
overridden Model.save(). Use it only for models with neither (audit events).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: tuple[Any, ...]
    returns_pk: bool  # INSERT ... RETURNING pk (else the cursor's lastrowid)


@functools.cache
def _compiled_insert(model: type[models.Model], alias: str) -> _CompiledInsert:
    connection = connections[alias]
    meta = model._meta
    fields = tuple(
        f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
    )
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler: Any = query.get_compiler(alias)
    returns_pk = bool(connection.features.can_return_columns_from_insert)
    if returns_pk:
        compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    if len(params) != len(fields):
        raise RuntimeError(f"Unexpected placeholders in the INSERT for {meta.label}")
    return _CompiledInsert(sql=sql, fields=fields, returns_pk=returns_pk)


def insert_row(obj: models.Model) -> None:
    """Insert a new `obj` (no pk yet) as obj.save(force_insert=True) would, without
    signals or a custom save(); sets obj.pk and its database state."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    compiled = _compiled_insert(model, alias)
    connection = connections[alias]
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for field in compiled.fields
    ]
    # As Model.save(): a failed INSERT inside atomic() marks the transaction for
    # rollback, so a caller catching the error cannot go on and commit.
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        if compiled.returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias
