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

A window starts at a key's first reserved attempt (given back or not) and is not
extended by later ones.
Keys are hashed, so usernames and addresses are not stored in the clear.
"""

from __future__ import annotations

import functools
import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import redis
from django.conf import settings
from django.db import connections, router, transaction

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
    """The outcome of reserve(): either every counter took the attempt (`counts` holds
    each one's count including it, `windows` names the window each was counted in),
    or none did and `blocked` is the first counter, in the order given, at its limit."""

    counters: tuple[Counter, ...]
    counts: tuple[int, ...] = ()
    windows: tuple[str, ...] = ()
    blocked: Counter | None = None

    @property
    def granted(self) -> bool:
        return self.blocked is None

    @property
    def limit_reached(self) -> bool:
        """True when this attempt used up the last one a counter allowed."""
        return self.granted and any(
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
    def release(self, reservation: Reservation) -> None: ...
    def count(self, counter: Counter) -> int: ...
    def reset(self, counter: Counter) -> None: ...


def _first_full(store: CounterStore, counters: Sequence[Counter], found: Counter) -> Counter:
    """The counter a refusal is reported under: the first full one in the order the
    caller gave, whatever order the store checked them in."""
    return next((c for c in counters if store.count(c) >= c.limit.max_attempts), found)


class DatabaseCounters:
    """Counters in the common_throttlecounter table, for a single server (SQLite) or
    a database shared by several without Redis. A counter's window is named by the
    time it ends."""

    def __init__(self) -> None:
        self.alias = router.db_for_write(ThrottleCounter)
        self.table = connections[self.alias].ops.quote_name(ThrottleCounter._meta.db_table)

    def reserve(self, counters: Sequence[Counter]) -> Reservation:
        now = time.time()
        # Durable: the rows stay locked only for this short transaction, never
        # through a caller's (the password hash comes after it).
        with transaction.atomic(using=self.alias, durable=True):
            taken = self._take(counters, now)
            if len(taken) < len(counters):
                # One counter was full: none keeps the attempt.
                transaction.set_rollback(True, using=self.alias)
        if len(taken) < len(counters):
            found = next(c for c in counters if c.store_key not in taken)
            return Reservation(tuple(counters), blocked=_first_full(self, counters, found))
        if any(taken[c.store_key][1] == now + c.limit.window_seconds for c in counters):
            # A window began with this attempt (its end is the one proposed): a
            # cheap moment to tidy up, once per window rather than per attempt.
            self._forget_expired(now)
        return Reservation(
            tuple(counters),
            counts=tuple(taken[c.store_key][0] for c in counters),
            windows=tuple(repr(taken[c.store_key][1]) for c in counters),
        )

    def _take(self, counters: Sequence[Counter], now: float) -> dict[str, tuple[int, float]]:
        """Count one attempt in each counter not at its limit, in one statement:
        each counted key's new count and window end (a full key is left out).

        An expired window starts afresh at 1. Each row is locked by the statement
        itself, in key order (so that two requests taking the same counters cannot
        each hold one row and wait for the other's, a deadlock on PostgreSQL), and
        the limit is checked against its latest count."""
        table = self.table
        ordered = sorted(counters, key=lambda c: c.store_key)
        rows = ", ".join(["(%s, 1, %s)"] * len(ordered))
        limits = " ".join(["WHEN %s THEN %s"] * len(ordered))
        # Only the quoted table name and placeholders are interpolated; every value
        # is a parameter.
        sql = (
            f"INSERT INTO {table} (key, count, expires) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"expires = CASE WHEN {table}.expires <= %s THEN excluded.expires "
            f"ELSE {table}.expires END "
            f"WHERE {table}.expires <= %s OR {table}.count < CASE {table}.key {limits} END "
            f"RETURNING key, count, expires"
        )
        params: list[str | float | int] = []
        for counter in ordered:
            params += [counter.store_key, now + counter.limit.window_seconds]
        params += [now, now, now]
        for counter in ordered:
            params += [counter.store_key, counter.limit.max_attempts]
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return {str(key): (int(count), float(expires)) for key, count, expires in cursor}

    def release(self, reservation: Reservation) -> None:
        """Give back one attempt per counter, in the window it was counted in only:
        once that window has ended, a new one owes nothing to this reservation.

        Inside a caller's transaction (a sign-in's), no savepoint of its own."""
        pairs = sorted(
            zip(reservation.counters, reservation.windows, strict=True),
            key=lambda pair: pair[0].store_key,
        )
        # Only the quoted table name is interpolated; every value is a parameter.
        sql = (
            f"UPDATE {self.table} SET count = count - 1 "  # noqa: S608
            "WHERE key = %s AND expires = %s AND count > 0"
        )
        with transaction.atomic(using=self.alias, savepoint=False), connections[
            self.alias
        ].cursor() as cursor:
            for counter, window in pairs:  # in the order reserve() locks them
                cursor.execute(sql, [counter.store_key, float(window)])

    def count(self, counter: Counter) -> int:
        found = (
            ThrottleCounter.objects.using(self.alias)
            .filter(key=counter.store_key, expires__gt=time.time())
            .values_list("count", flat=True)
            .first()
        )
        return int(found or 0)

    def reset(self, counter: Counter) -> None:
        ThrottleCounter.objects.using(self.alias).filter(key=counter.store_key).delete()

    def _forget_expired(self, now: float) -> None:
        """Delete ended windows. Rows another request holds are skipped (it may be
        taking them afresh), so this never waits on a reservation, nor one on it."""
        counters = ThrottleCounter.objects.using(self.alias)
        with transaction.atomic(using=self.alias):
            ended = list(
                counters.select_for_update(skip_locked=True)
                .filter(expires__lte=now)
                .values_list("key", flat=True)[:1000]
            )
            if ended:
                counters.filter(key__in=ended, expires__lte=now).delete()


# A counter is a hash: n, the attempts counted; w, a name for its window. Takes
# every counter or none. KEYS are the counters; ARGV[1] names a new window, then
# for each counter its limit and its window in milliseconds. Returns
# {1, count, window, count, window...} or {0, index of the first counter at its limit}.
_RESERVE_SCRIPT = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('HGET', key, 'n') or '0')
  if count >= tonumber(ARGV[2 * i]) then return {0, i} end
end
local result = {1}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'n', 0, 'w', ARGV[1])
    redis.call('PEXPIRE', key, ARGV[2 * i + 1])
  end
  result[2 * i] = redis.call('HINCRBY', key, 'n', 1)
  result[2 * i + 1] = redis.call('HGET', key, 'w')
end
return result
"""

# Gives one attempt back per counter, never below zero, and only in the window it
# was counted in (ARGV holds each counter's window name).
_RELEASE_SCRIPT = """
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, 'w') == ARGV[i]
      and tonumber(redis.call('HGET', key, 'n') or '0') > 0 then
    redis.call('HINCRBY', key, 'n', -1)
  end
end
return 0
"""


class RedisCounters:
    """Counters in one Redis server (or primary), shared by every server of a large
    district. The script takes several keys at once, so Redis Cluster is not
    supported."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.reserve_script = self.client.register_script(_RESERVE_SCRIPT)
        self.release_script = self.client.register_script(_RELEASE_SCRIPT)

    def _key(self, counter: Counter) -> str:
        return f"{self.prefix}:{counter.store_key}"

    def reserve(self, counters: Sequence[Counter]) -> Reservation:
        args: list[str | int] = [uuid.uuid4().hex]
        for counter in counters:
            args += [counter.limit.max_attempts, counter.limit.window_seconds * 1000]
        result = self.reserve_script(keys=[self._key(c) for c in counters], args=args)
        if int(result[0]) == 0:
            return Reservation(tuple(counters), blocked=counters[int(result[1]) - 1])
        return Reservation(
            tuple(counters),
            counts=tuple(int(count) for count in result[1::2]),
            windows=tuple(window.decode() for window in result[2::2]),
        )

    def release(self, reservation: Reservation) -> None:
        self.release_script(
            keys=[self._key(c) for c in reservation.counters], args=list(reservation.windows)
        )

    def count(self, counter: Counter) -> int:
        return int(self.client.hget(self._key(counter), "n") or 0)

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
        store().release(reservation)


def count(counter: Counter) -> int:
    """Attempts counted in the counter's current window."""
    return store().count(counter)


def is_blocked(counter: Counter) -> bool:
    """True while the counter's window holds its limit's attempts."""
    return count(counter) >= counter.limit.max_attempts


def reset(counter: Counter) -> None:
    """Forget the counter's attempts (a proven identity lifts its own lock)."""
    store().reset(counter)
