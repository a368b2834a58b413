"""The Redis cache backend that reuses its client (needs a Redis server: REDIS_URL,
or a local one on the default port; skipped when none answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from common.cache import ReusingRedisCache

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis server answers")


@pytest.fixture
def backend() -> Iterator[ReusingRedisCache]:
    prefix = f"test-cache-{uuid.uuid4().hex}"
    cache = ReusingRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield cache
    leftovers = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:*"))
    if leftovers:
        redis.Redis.from_url(REDIS_URL).delete(*leftovers)


def test_every_operation_uses_the_same_client_object(backend: ReusingRedisCache) -> None:
    built: list[redis.Redis] = []
    client: Any = backend._cache  # type: ignore[attr-defined]

    def counting_client(*args: object, **kwargs: object) -> redis.Redis:
        made = redis.Redis(*args, **kwargs)  # type: ignore[arg-type]
        built.append(made)
        return made

    client._client = counting_client
    backend.set("a", 1, 60)
    backend.get_many(["a", "b"])
    backend.incr("a")
    backend.add("b", 2, 60)
    backend.touch("a", 30)
    backend.delete_many(["a", "b"])
    assert len(built) == 1
    assert client.get_client() is client.get_client(write=True) is built[0]


def test_it_behaves_like_djangos_redis_cache(backend: ReusingRedisCache) -> None:
    assert backend.add("counter", 1, 60) is True
    assert backend.add("counter", 5, 60) is False
    assert backend.incr("counter") == 2
    backend.set("name", {"who": "ana"}, 60)
    assert backend.get_many(["counter", "name", "missing"]) == {
        "counter": 2, "name": {"who": "ana"},
    }
    assert backend.touch("counter", 1) is True
    backend.delete_many(["counter", "name"])
    assert backend.get("counter") is None
