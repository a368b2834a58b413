"""The database cache that builds the SQL of its reads once: it must read exactly
what Django's DatabaseCache reads from the same table, expired entries included.
Runs on whichever database the suite runs on, with a cache table of its own."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache.backends.db import DatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.cache import PreparedDatabaseCache

TABLE = "hallpass_test_prepared_cache"


class PreparedDatabaseCacheTests(TestCase):
    def setUp(self) -> None:
        # Inside the test's transaction: the table goes when the test ends.
        command = CreateCacheTable()
        command.verbosity = 0
        command.create_table("default", TABLE, dry_run=False)
        self.django_cache = DatabaseCache(TABLE, {"KEY_PREFIX": "t"})
        self.prepared = PreparedDatabaseCache(TABLE, {"KEY_PREFIX": "t"})

    def expire(self, key: str) -> None:
        stored_key = self.django_cache.make_key(key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(TABLE)} SET expires = %s "  # noqa: S608
                "WHERE cache_key = %s",
                [connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(1)),
                 stored_key],
            )

    def test_it_reads_what_djangos_database_cache_wrote(self) -> None:
        self.django_cache.set("count", 3, 60)
        self.django_cache.set("who", {"name": "Ngọc Ánh", "grades": [9, 10]}, 60)
        self.django_cache.set("count", 4, 60, version=2)

        assert self.prepared.get_many(["count", "who", "missing"]) == {
            "count": 3, "who": {"name": "Ngọc Ánh", "grades": [9, 10]},
        }
        assert self.prepared.get("count", version=2) == 4
        assert self.prepared.get("missing", "default") == "default"
        assert self.prepared.get_many([]) == {}

    def test_djangos_database_cache_reads_what_it_wrote(self) -> None:
        self.prepared.set("count", 1, 60)
        assert self.prepared.incr("count") == 2
        assert self.django_cache.get("count") == 2

    def test_reads_of_different_sizes_each_get_their_own_statement(self) -> None:
        for key, value in {"a": 1, "b": 2, "c": 3}.items():
            self.prepared.set(key, value, 60)
        for _ in range(2):
            assert self.prepared.get_many(["a"]) == {"a": 1}
            assert self.prepared.get_many(["a", "b", "c"]) == {"a": 1, "b": 2, "c": 3}
            assert self.prepared.get_many(["c", "b"]) == {"c": 3, "b": 2}

    def test_it_does_not_return_expired_entries_and_deletes_them_as_django_does(self) -> None:
        self.prepared.set("old", "stale", 60)
        self.prepared.set("new", "fresh", 60)
        self.expire("old")

        assert self.prepared.get_many(["old", "new"]) == {"new": "fresh"}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608
            assert [row[0] for row in cursor.fetchall()] == [self.django_cache.make_key("new")]
        assert self.django_cache.get("old") is None

    def test_a_read_is_one_select_whose_statement_is_built_once(self) -> None:
        self.prepared.set("a", 1, 60)
        self.prepared.get_many(["a", "b"])
        statement = PreparedDatabaseCache._statements[(TABLE, "default", 2)]
        # Another instance, as Django makes one for each thread, reuses it.
        other_thread_cache = PreparedDatabaseCache(TABLE, {"KEY_PREFIX": "t"})
        with CaptureQueriesContext(connection) as read:
            assert other_thread_cache.get_many(["a", "b"]) == {"a": 1}
        assert len(read.captured_queries) == 1
        assert PreparedDatabaseCache._statements[(TABLE, "default", 2)] is statement

    def test_a_read_of_many_keys_is_not_kept(self) -> None:
        keys = [f"k{n}" for n in range(PreparedDatabaseCache.MOST_KEYS_PREPARED + 1)]
        self.prepared.set(keys[-1], "last", 60)
        assert self.prepared.get_many(keys) == {keys[-1]: "last"}
        assert (TABLE, "default", len(keys)) not in PreparedDatabaseCache._statements
