"""A first import into an empty table: load the rows, then index them.

A database keeps every index of a table up to date row by row, and PostgreSQL checks
each row's deferred foreign keys one at a time at commit. Into an empty table (a
district's first import: hundreds of thousands of enrollments) it is much cheaper to
drop the secondary indexes (on PostgreSQL the foreign keys too), load the rows, and
build them again: an index is then one sort, and a foreign key one join over the whole
table. The definitions are read back from the database's own catalog, so what is
rebuilt is exactly what was there; it all happens inside the run's transaction, so a
failed run leaves them as they were. SQLite keeps its foreign keys (they are part of
the table) and the indexes of its UNIQUE columns (which have no definition to rebuild).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import OperationalError, connection, transaction

# Below this many new rows, indexing them one by one costs less than rebuilding.
REBUILD_AT = 20_000
# How long the run waits for the empty table's lock (a backup or a long page may be
# reading it) before it loads the rows the ordinary way instead: a lock request that
# waits also makes every later reader of the table wait behind it.
LOCK_WAIT = "2s"


class Cursor(Protocol):
    """What is used here of Django's database cursor."""

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...

# Foreign keys of the table, and its unique constraints that no other table's foreign
# key depends on (those must stay); the primary key stays.
_CONSTRAINTS = """
SELECT c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid = %s::regclass
  AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
       SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
ORDER BY c.contype DESC, c.conname
"""
# Indexes that no constraint owns (the constraints' own go with them).
_SQLITE_INDEXES = """
SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""


@dataclass(frozen=True)
class Definitions:
    """What is dropped for the load, as PostgreSQL describes it, to add back after."""

    constraints: list[tuple[str, str]]  # (name, definition)
    indexes: list[tuple[str, str]]  # (qualified name, CREATE INDEX statement)


@contextmanager
def indexed_after_loading(table: str, new_rows: int) -> Iterator[None]:
    """Around the load of ``new_rows`` into ``table``: when the table is empty and the
    rows many, its secondary indexes (and on PostgreSQL its foreign keys) are built
    after the rows instead of along with them. Otherwise nothing changes."""
    if (
        connection.vendor not in ("postgresql", "sqlite")
        or new_rows < REBUILD_AT
        # A failed load must roll the dropped definitions back with it.
        or not connection.in_atomic_block
    ):
        yield
        return
    quoted = connection.ops.quote_name(table)
    definitions = None
    with connection.cursor() as cursor:
        if _empty(cursor, quoted):
            if connection.vendor == "sqlite":
                definitions = _drop_sqlite_indexes(cursor, table)
            else:
                # Readers wait for the table until the run commits: taken only for a
                # table that was empty, and asked again once held, so that it still is.
                if _locked(cursor, quoted) and _empty(cursor, quoted):
                    definitions = _drop(cursor, quoted)
    yield
    if definitions is not None:
        with connection.cursor() as cursor:
            _restore(cursor, quoted, definitions)


def _locked(cursor: Cursor, quoted: str) -> bool:
    """Whether the table's exclusive lock was granted within LOCK_WAIT (a savepoint
    keeps the run going when it was not)."""
    try:
        with transaction.atomic():
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            cursor.execute(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError:
        return False
    return True


def _empty(cursor: Cursor, quoted: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted})")  # noqa: S608
    row = cursor.fetchone()
    return row is not None and not row[0]


def _settle_pending_checks(cursor: Cursor) -> None:
    """Run the foreign-key checks the transaction deferred so far (PostgreSQL alters no
    table with checks pending, and a foreign key alters the table it points at too),
    then defer again as Django's foreign keys are (DEFERRABLE INITIALLY DEFERRED)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _drop(cursor: Cursor, quoted: str) -> Definitions:
    _settle_pending_checks(cursor)
    cursor.execute(_CONSTRAINTS, [quoted])
    constraints = [(str(name), str(definition)) for name, definition in cursor.fetchall()]
    cursor.execute(_INDEXES, [quoted])
    indexes = [(str(name), str(statement)) for name, statement in cursor.fetchall()]
    quote = connection.ops.quote_name
    for name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {quote(name)}")
    for name, _statement in indexes:
        cursor.execute(f"DROP INDEX {name}")  # the catalog's own quoting
    return Definitions(constraints, indexes)


def _drop_sqlite_indexes(cursor: Cursor, table: str) -> Definitions:
    cursor.execute(_SQLITE_INDEXES, [table])
    indexes = [(str(name), str(statement)) for name, statement in cursor.fetchall()]
    for name, _statement in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return Definitions([], indexes)


def _restore(cursor: Cursor, quoted: str, definitions: Definitions) -> None:
    quote = connection.ops.quote_name
    if definitions.constraints:
        _settle_pending_checks(cursor)
    for _name, statement in definitions.indexes:
        cursor.execute(statement)
    # Unique constraints before foreign keys (the query's order), as they were made.
    for name, definition in definitions.constraints:
        cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {quote(name)} {definition}")
