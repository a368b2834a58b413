"""A first import into empty tables builds the indexes (and on PostgreSQL the foreign
keys) after the rows: they must come back exactly as the migrations made them, and enforce
what they enforced."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from directory.models import Class, Enrollment, Person
from directory.sync import first_load, sync_oneroster
from directory.tests.sync_helpers import FIXTURES

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
V11 = FIXTURES / "oneroster11"
LOADED_TABLES = [
    Person._meta.db_table,
    Person.orgs.through._meta.db_table,
    Class._meta.db_table,
    Enrollment._meta.db_table,
]


@pytest.fixture
def rebuilding_every_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures are small: every load into an empty table takes the rebuild path."""
    monkeypatch.setattr(first_load, "REBUILD_AT", 1)


def schema_of(tables: list[str]) -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table) for table in tables}


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def test_a_first_import_leaves_every_index_and_foreign_key_as_migrations_made_them(
    rebuilding_every_load: None,
):
    before = schema_of(LOADED_TABLES)

    with CaptureQueriesContext(connection) as queries:
        report = sync_oneroster(V11, now=NOW)

    assert report.result == "applied", report.problems
    assert any(sql.startswith("DROP INDEX") for sql in statements(queries))
    assert schema_of(LOADED_TABLES) == before
    assert Enrollment.objects.filter(status="active").count() == 5


def test_a_foreign_key_built_after_the_load_still_refuses_a_dangling_row(
    rebuilding_every_load: None,
):
    sync_oneroster(V11, now=NOW)
    enrollment = Enrollment.objects.first()
    assert enrollment is not None

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            sourced_id="dangling", klass_id=enrollment.klass_id + 10_000,
            person_id=enrollment.person_id, role="student",
        )  # fmt: skip
        connection.check_constraints()


def test_a_table_that_holds_rows_keeps_its_indexes_and_stays_unlocked_during_a_load(
    rebuilding_every_load: None,
):
    sync_oneroster(V11, now=NOW)

    table = Enrollment._meta.db_table
    with CaptureQueriesContext(connection) as queries, first_load.indexed_after_loading(table, 100):
        pass

    # Nor is it locked: the portal keeps reading it while the run goes on.
    assert not any("DROP" in sql or "LOCK" in sql for sql in statements(queries))


def test_a_small_load_keeps_its_indexes():
    with CaptureQueriesContext(connection) as queries:
        report = sync_oneroster(V11, now=NOW)

    assert report.result == "applied", report.problems
    assert not any("DROP INDEX" in sql for sql in statements(queries))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_empty_table_being_read_is_loaded_the_ordinary_way(
    rebuilding_every_load: None, monkeypatch: pytest.MonkeyPatch
):
    """A reader holding the empty table (a backup, say) does not make the run, and every
    reader after it, wait: the run gives up the rebuild instead."""
    monkeypatch.setattr(first_load, "LOCK_WAIT", "50ms")
    table = Enrollment._meta.db_table
    reading, done = threading.Event(), threading.Event()

    def long_reader() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                reading.set()
                done.wait(30)
        finally:
            connections.close_all()

    reader = threading.Thread(target=long_reader)
    reader.start()
    reading.wait(10)
    try:
        with CaptureQueriesContext(connection) as queries:
            report = sync_oneroster(V11, now=NOW)
    finally:
        done.set()
        reader.join(30)

    assert report.result == "applied", report.problems
    assert not any("DROP INDEX" in sql and table in sql for sql in statements(queries))
    assert Enrollment.objects.filter(status="active").count() == 5
