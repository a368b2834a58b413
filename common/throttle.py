"""Failure counters kept in the shared cache, so every app process sees them.

A counter is identified by a scope ("login-account", "claim-ip", ...) and a key
(a username, an IP). Keys are hashed before they reach the cache so usernames
and addresses do not sit in Redis in the clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache

from common.net import in_school_network


@dataclass(frozen=True)
class Limit:
    scope: str
    max_failures: int
    window_seconds: int


def for_address(limit: Limit, address: str) -> Limit:
    """A per-address limit as it applies to this client address: multiplied for a
    school's shared address (settings.SCHOOL_NETWORKS), where one address stands for
    a whole school. The count is kept under the same scope either way."""
    if in_school_network(address):
        return replace(
            limit, max_failures=limit.max_failures * settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER
        )
    return limit


def _cache_key(scope: str, key: str) -> str:
    digest = hashlib.sha256(key.casefold().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def failures(limit: Limit, key: str) -> int:
    return int(cache.get(_cache_key(limit.scope, key), 0))


def failures_of(*checks: tuple[Limit, str]) -> list[int]:
    """The counts of several (limit, key) pairs in one cache round trip."""
    keys = [_cache_key(limit.scope, key) for limit, key in checks]
    found = cache.get_many(keys)
    return [int(found.get(cache_key, 0)) for cache_key in keys]


def first_blocked(*checks: tuple[Limit, str]) -> Limit | None:
    """The first of several (limit, key) pairs at its limit, in one cache round trip."""
    counts = failures_of(*checks)
    for count, (limit, _key) in zip(counts, checks, strict=True):
        if count >= limit.max_failures:
            return limit
    return None


def is_blocked(limit: Limit, key: str) -> bool:
    """True once `max_failures` have been recorded within the window."""
    return failures(limit, key) >= limit.max_failures


def record_failure(limit: Limit, key: str) -> int:
    """Count one failure; the window starts at the first failure and is not extended.

    Backends without a native increment (DatabaseCache) rewrite the entry with the
    default timeout on incr(), so the window's end is kept in a second entry and
    restored with touch(). Their increment is not atomic either: two failures at
    the same instant may count as one, which a limit of several failures absorbs."""
    cache_key = _cache_key(limit.scope, key)
    deadline_key = f"{cache_key}:until"
    now = time.time()
    if cache.add(cache_key, 1, timeout=limit.window_seconds):
        cache.set(deadline_key, now + limit.window_seconds, timeout=limit.window_seconds)
        return 1
    try:
        count = int(cache.incr(cache_key))
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=limit.window_seconds)
        cache.set(deadline_key, now + limit.window_seconds, timeout=limit.window_seconds)
        return 1
    deadline = cache.get(deadline_key)
    remaining = float(deadline) - now if deadline is not None else limit.window_seconds
    cache.touch(cache_key, max(1, math.ceil(remaining)))
    return count


def reset(limit: Limit, key: str) -> None:
    cache_key = _cache_key(limit.scope, key)
    cache.delete_many([cache_key, f"{cache_key}:until"])
