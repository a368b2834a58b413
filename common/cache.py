"""Cache backends: Django's, minus per-operation set-up that costs a sign-in.

ReusingRedisCache keeps one Redis client object per connection pool;
PreparedDatabaseCache builds the SQL of its reads once.


Django's RedisCacheClient.get_client() builds a new redis.Redis object around the
(shared) connection pool for every cache operation; building one costs about as
much as a GET round trip to a local Redis (~60 us measured here), and a sign-in
does several cache operations. A redis.Redis client is safe to share between
threads (each command borrows a connection from the pool), and the pool itself
notices a fork and opens new connections in the child, so one client per pool
for the life of the process is enough.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, models, router
from django.utils.timezone import now


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers (the same ones its get_client() calls); the
        # stubs leave them out.
        django_client: Any = self
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = django_client._client(connection_pool=pool)
            self._clients[index] = client
        return client


class ReusingRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache with ReusingRedisCacheClient."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class PreparedDatabaseCache(DatabaseCache):
    """django.core.cache.backends.db.DatabaseCache whose reads (get, get_many) build
    their SQL and value converters once per database and number of keys.

    Django's get_many quotes every name, formats the statement and constructs a
    DateTimeField to find the `expires` converters on every call; on SQLite that
    set-up costs more than running the SELECT, and every sign-in reads its two
    throttle counters through it (about 0.1 ms a sign-in, measured with
    benchmarks/login_benchmark.py). What a read returns, and its deleting of the
    expired entries it meets, are Django's."""

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self._prepared_reads: dict[tuple[str, int], tuple[str, Any, list[Any]]] = {}

    def _prepared_read(self, alias: str, count: int) -> tuple[str, Any, list[Any]]:
        prepared = self._prepared_reads.get((alias, count))
        if prepared is None:
            django_cache: Any = self  # the stubs leave out the table's name
            connection = connections[alias]
            quote_name = connection.ops.quote_name
            # Only quoted names are interpolated; the keys are parameters.
            sql = "SELECT {}, {}, {} FROM {} WHERE {} IN ({})".format(  # noqa: S608
                quote_name("cache_key"),
                quote_name("value"),
                quote_name("expires"),
                quote_name(django_cache._table),
                quote_name("cache_key"),
                ", ".join(["%s"] * count),
            )
            # The converters read only settings through their connection's
            # operations, so one database's serve every thread's connection.
            expression = models.Expression(output_field=models.DateTimeField())
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            prepared = (sql, expression, converters)
            self._prepared_reads[(alias, count)] = prepared
        return prepared

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        alias = router.db_for_read(self.cache_model_class)
        connection = connections[alias]
        sql, expression, converters = self._prepared_read(alias, len(key_map))
        with connection.cursor() as cursor:
            cursor.execute(sql, list(key_map))
            rows = cursor.fetchall()
        result: dict[Any, Any] = {}
        expired_keys = []
        for key, value, expires in rows:
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < now():
                expired_keys.append(key)
            else:
                value = connection.ops.process_clob(value)
                result[key_map.get(key)] = pickle.loads(base64.b64decode(value.encode()))  # noqa: S301
        if expired_keys:
            django_cache: Any = self  # Django's own helper, which the stubs leave out
            django_cache._base_delete_many(expired_keys)
        return result
