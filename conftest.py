"""Fixtures for the whole suite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from common.models import ThrottleCounter
from common.tests.client import FormClient

# Argon2's minimum: one pass over 8 KiB. Hashing at the configured cost (19 MiB, two
# passes) is most of the suite's time, and no test but those marked real_argon2 is
# about the cost; every hash is still a real Argon2id hash.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8, "ARGON2_PARALLELISM": 1}


@pytest.fixture(scope="session", autouse=True)
def configured_argon2_cost() -> Iterator[dict[str, int]]:
    """The cost settings.py configured, before the suite swaps in a cheap one."""
    configured = {name: int(getattr(settings, name)) for name in CHEAP_ARGON2}
    with override_settings(**CHEAP_ARGON2):
        yield configured


@pytest.fixture(autouse=True)
def _real_argon2_cost_where_marked(
    request: pytest.FixtureRequest, configured_argon2_cost: dict[str, int]
) -> Iterator[None]:
    """Tests marked real_argon2 (the hasher's own, the timing ones) hash at the
    configured cost: what they prove depends on it."""
    if request.node.get_closest_marker("real_argon2") is None:
        yield
        return
    with override_settings(**configured_argon2_cost):
        yield


def _empty_redis() -> None:
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        stale = list(client.scan_iter(f"{settings.CACHE_KEY_PREFIX}:*"))
        if stale:
            client.delete(*stale)


def forget_all_counters() -> None:
    """Empty the shared cache and every attempt counter (common.throttle)."""
    if settings.REDIS_URL:
        _empty_redis()  # this suite's keys only: clear() would empty the whole database
    else:
        cache.clear()
    ThrottleCounter.objects.all().delete()


@pytest.fixture(autouse=True)
def _no_counters_from_earlier_tests() -> None:
    """One test's attempt counters must not lock out the next. In the database they
    go with each test's transaction; Redis (the PostgreSQL pass of .ci/run) keeps
    them, so it is emptied before each test."""
    _empty_redis()


@pytest.fixture(autouse=True)
def _no_language_from_earlier_tests() -> Iterator[None]:
    """A request served by the test client leaves its language active in the
    thread (LocaleMiddleware activates it and nothing deactivates it): a test whose
    last page was in Vietnamese must not make the next test's messages Vietnamese."""
    yield
    translation.deactivate()


@pytest.fixture
def forget_counters(db: None) -> Callable[[], None]:
    """Call it to start afresh, as if every lock's window had ended."""
    return forget_all_counters


@pytest.fixture
def client() -> FormClient:
    """pytest-django's client, posting forms urlencoded as browsers do: the portal
    refuses multipart bodies to views that take no file (common.uploads)."""
    return FormClient()


@pytest.fixture
def admin_client(admin_user: Any) -> FormClient:
    """pytest-django's admin_client, posting as the admin's forms do."""
    client = FormClient()
    client.force_login(admin_user)
    return client
