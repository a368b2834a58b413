"""Fixtures for the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from common.models import ThrottleCounter


def _empty_redis() -> None:
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        stale = list(client.scan_iter(f"{settings.CACHE_KEY_PREFIX}:*"))
        if stale:
            client.delete(*stale)


def forget_all_counters() -> None:
    """Empty the shared cache and every attempt counter (common.throttle)."""
    cache.clear()
    ThrottleCounter.objects.all().delete()
    _empty_redis()


@pytest.fixture(autouse=True)
def _no_counters_from_earlier_tests() -> None:
    """One test's attempt counters must not lock out the next. In the database they
    go with each test's transaction; Redis (the PostgreSQL pass of .ci/run) keeps
    them, so it is emptied before each test."""
    _empty_redis()


@pytest.fixture
def forget_counters(db: None) -> Callable[[], None]:
    """Call it to start afresh, as if every lock's window had ended."""
    return forget_all_counters
