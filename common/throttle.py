"""Attempt counters shared by every app process, reserved before the work they limit.

A limited action (a sign-in, a claim, a recovery request) first *reserves* its
attempt: one atomic step that counts it in every counter that applies, or in none
when one of them is already at its limit. Only a reserved attempt goes on to the
slow work (the password hash, the claim match, sending mail). Requests that arrive
together therefore cannot all read the same old count and all go through: the
counter store decides, one attempt at a time.

An attempt that turns out not to be one the policy counts (a sign-in with the right
password is not a failure) gives back exactly what it reserved, and no more.

The counters live in Redis when it is configured (one Lua script: atomic on the
server), and otherwise in the database (one conditional INSERT ... ON CONFLICT DO
UPDATE ... RETURNING per counter, inside one transaction). Django's cache `incr` is
not used: on the database cache it is a read followed by a write, so concurrent
increments overwrite each other.

A window starts at a key's first counted attempt and is not extended by later ones.
Keys are hashed, so usernames and addresses are not stored in the clear.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from common.models import ThrottleCounter
from common.net import in_school_network


@dataclass(frozen=True)
class Limit:
    scope: str
    max_attempts: int
    window_seconds: int


@dataclass(frozen=True)
class Counter:
    """A limit applied to one key: an account, an address, a student ID."""

    limit: Limit
    key: str

    @property
    def store_key(self) -> str:
        digest = hashlib.sha256(self.key.casefold().encode()).hexdigest()[:32]
        return f"throttle:{self.limit.scope}:{digest}"


@dataclass(frozen=True)
class Reservation:
    """The outcome of reserve(): either every counter took the attempt (`counts`
    holds each one's count including it), or none did and `blocked` is the first
    counter found at its limit."""

    counters: tuple[Counter, ...]
    counts: tuple[int, ...] = ()
    blocked: Counter | None = None

    @property
    def granted(self) -> bool:
        return self.blocked is None

    @property
    def limit_reached(self) -> bool:
        """True when this attempt used up the last one a counter allowed."""
        return any(
            count >= counter.limit.max_attempts
            for counter, count in zip(self.counters, self.counts, strict=True)
        )


def for_address(limit: Limit, address: str) -> Limit:
    """A per-address limit as it applies to this client address: multiplied for a
    school's shared address (settings.SCHOOL_NETWORKS), where one address stands for
    a whole school. The count is kept under the same scope either way."""
    if in_school_network(address):
        return replace(
            limit, max_attempts=limit.max_attempts * settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER
        )
    return limit


class CounterStore(Protocol):
    def reserve(self, counters: Sequence[Counter]) -> Reservation: ...
    def release(self, counters: Sequence[Counter]) -> None: ...
    def count(self, counter: Counter) -> int: ...
    def reset(self, counter: Counter) -> None: ...


class DatabaseCounters:
    """Counters in the common_throttlecounter table, for a single server (SQLite) or
    a database shared by several without Redis."""

    def __init__(self) -> None:
        self.table = connection.ops.quote_name(ThrottleCounter._meta.db_table)

    def reserve(self, counters: Sequence[Counter]) -> Reservation:
        now = time.time()
        counts: dict[str, int] = {}
        with transaction.atomic():
            # A fixed order, so that two requests taking the same counters cannot
            # each hold one row and wait for the other's (a deadlock on PostgreSQL).
            for counter in sorted(counters, key=lambda c: c.store_key):
                count = self._take(counter, now)
                if count is None:
                    transaction.set_rollback(True)
                    return Reservation(tuple(counters), blocked=counter)
                counts[counter.store_key] = count
        if any(count == 1 for count in counts.values()):
            self._forget_expired(now)  # a new window began: a cheap moment to tidy up
        return Reservation(tuple(counters), tuple(counts[c.store_key] for c in counters))

    def _take(self, counter: Counter, now: float) -> int | None:
        """Count one attempt unless the key is at its limit; the new count, or None.

        An expired window starts afresh at 1. The row is locked by the statement
        itself, so concurrent attempts are counted one after the other and the
        limit is checked against the latest count."""
        table = self.table
        # Only the quoted table name is interpolated; every value is a parameter.
        sql = (
            f"INSERT INTO {table} (key, count, expires) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"expires = CASE WHEN {table}.expires <= %s THEN excluded.expires "
            f"ELSE {table}.expires END "
            f"WHERE {table}.expires <= %s OR {table}.count < %s "
            f"RETURNING count"
        )
        expires = now + counter.limit.window_seconds
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [counter.store_key, expires, now, now, now, counter.limit.max_attempts],
            )
            row = cursor.fetchone()
        return None if row is None else int(row[0])

    def release(self, counters: Sequence[Counter]) -> None:
        ThrottleCounter.objects.filter(
            key__in=[c.store_key for c in counters], expires__gt=time.time(), count__gt=0
        ).update(count=F("count") - 1)

    def count(self, counter: Counter) -> int:
        found = (
            ThrottleCounter.objects.filter(key=counter.store_key, expires__gt=time.time())
            .values_list("count", flat=True)
            .first()
        )
        return int(found or 0)

    def reset(self, counter: Counter) -> None:
        ThrottleCounter.objects.filter(key=counter.store_key).delete()

    def _forget_expired(self, now: float) -> None:
        ThrottleCounter.objects.filter(expires__lte=now).delete()


# Takes every counter or none. KEYS are the counters; ARGV holds, for each, its
# limit and its window in milliseconds. Returns {1, count...} or {0, index of the
# first counter at its limit}.
_RESERVE_SCRIPT = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then return {0, i} end
end
local result = {1}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
  result[i + 1] = count
end
return result
"""

# Gives one attempt back, never below zero, keeping the window's expiry.
_RELEASE_SCRIPT = """
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count > 0 then redis.call('DECR', key) end
end
return 0
"""


class RedisCounters:
    """Counters in Redis, shared by every server of a large district."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self._reserve = self.client.register_script(_RESERVE_SCRIPT)
        self._release = self.client.register_script(_RELEASE_SCRIPT)

    def _key(self, counter: Counter) -> str:
        return f"{self.prefix}:{counter.store_key}"

    def reserve(self, counters: Sequence[Counter]) -> Reservation:
        args: list[int] = []
        for counter in counters:
            args += [counter.limit.max_attempts, counter.limit.window_seconds * 1000]
        result = self._reserve(keys=[self._key(c) for c in counters], args=args)
        if int(result[0]) == 0:
            return Reservation(tuple(counters), blocked=counters[int(result[1]) - 1])
        return Reservation(tuple(counters), tuple(int(count) for count in result[1:]))

    def release(self, counters: Sequence[Counter]) -> None:
        self._release(keys=[self._key(c) for c in counters])

    def count(self, counter: Counter) -> int:
        return int(self.client.get(self._key(counter)) or 0)

    def reset(self, counter: Counter) -> None:
        self.client.delete(self._key(counter))


@functools.cache
def _redis_counters(url: str, prefix: str) -> RedisCounters:
    # One client (and connection pool) per process; redis-py's pool notices a fork.
    return RedisCounters(url, prefix)


def store() -> CounterStore:
    """The configured store: Redis when settings.REDIS_URL names one, else the database."""
    if settings.REDIS_URL:
        return _redis_counters(settings.REDIS_URL, settings.THROTTLE_KEY_PREFIX)
    return DatabaseCounters()


def reserve(*counters: Counter) -> Reservation:
    """Count one attempt in every counter, or in none when one is at its limit."""
    return store().reserve(counters)


def release(reservation: Reservation) -> None:
    """Give back what a granted reservation took (an attempt the policy does not count)."""
    if reservation.granted:
        store().release(reservation.counters)


def count(counter: Counter) -> int:
    """Attempts counted in the counter's current window."""
    return store().count(counter)


def is_blocked(counter: Counter) -> bool:
    return count(counter) >= counter.limit.max_attempts


def reset(counter: Counter) -> None:
    """Forget the counter's attempts (a proven identity lifts its own lock)."""
    store().reset(counter)
