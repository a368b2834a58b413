"""Redis cache backend that keeps one client object per connection pool.

Django's RedisCacheClient.get_client() builds a new redis.Redis object around the
(shared) connection pool for every cache operation; building one costs about as
much as a GET round trip to a local Redis (~60 us measured here), and a sign-in
does several cache operations. A redis.Redis client is safe to share between
threads (each command borrows a connection from the pool), and the pool itself
notices a fork and opens new connections in the child, so one client per pool
for the life of the process is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
