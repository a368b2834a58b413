"""Attempt counters: reserved atomically, in the database or in Redis."""

from __future__ import annotations

import ipaddress
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection

from common import throttle
from common.models import ThrottleCounter

LIMIT = throttle.Limit("test-scope", max_attempts=3, window_seconds=60)
OTHER = throttle.Limit("other-scope", max_attempts=2, window_seconds=60)

STORES = ["database", *(["redis"] if settings.REDIS_URL else [])]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, db: None) -> Iterator[throttle.CounterStore]:
    """Each store the portal can run with; Redis in the PostgreSQL + Redis pass."""
    if request.param == "database":
        yield throttle.DatabaseCounters()
        return
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    yield throttle.RedisCounters(settings.REDIS_URL, prefix)
    client = redis.Redis.from_url(settings.REDIS_URL)
    leftovers = list(client.scan_iter(f"{prefix}:*"))
    if leftovers:
        client.delete(*leftovers)


def counter(key: str = "s0123456", limit: throttle.Limit = LIMIT) -> throttle.Counter:
    return throttle.Counter(limit, key)


def test_each_reservation_counts_one_attempt_per_key(store: throttle.CounterStore) -> None:
    assert store.reserve([counter()]).counts == (1,)
    assert store.reserve([counter()]).counts == (2,)
    assert store.count(counter()) == 2
    assert store.count(counter("s0654321")) == 0


def test_the_attempt_past_the_limit_is_refused_and_not_counted(
    store: throttle.CounterStore,
) -> None:
    granted = [store.reserve([counter()]) for _ in range(3)]
    assert all(r.granted for r in granted)
    assert granted[-1].limit_reached
    refused = store.reserve([counter()])
    assert not refused.granted
    assert refused.blocked == counter()
    assert store.count(counter()) == 3


@pytest.mark.parametrize("full_scope", ["a-full", "z-full"])
def test_a_reservation_takes_every_counter_or_none(
    store: throttle.CounterStore, full_scope: str
) -> None:
    """Whichever order the store takes them in, a refusal charges no counter."""
    full = counter("10.0.0.1", throttle.Limit(full_scope, 2, 60))
    store.reserve([full])
    store.reserve([full])
    room = counter("s0123456", throttle.Limit("m-room", 5, 60))
    refused = store.reserve([room, full])
    assert refused.blocked == full
    assert not refused.limit_reached
    assert store.count(room) == 0
    assert store.count(full) == 2


def test_a_refusal_names_the_first_full_counter_in_the_order_given(
    store: throttle.CounterStore,
) -> None:
    first = counter("10.0.0.1", throttle.Limit("z-address", 1, 60))
    second = counter("s0123456", throttle.Limit("a-account", 1, 60))
    store.reserve([first, second])
    assert store.reserve([first, second]).blocked == first


def test_release_gives_back_one_attempt_and_never_goes_below_zero(
    store: throttle.CounterStore,
) -> None:
    store.reserve([counter()])
    taken = store.reserve([counter()])
    store.release(taken)
    assert store.count(counter()) == 1
    store.release(taken)
    store.release(taken)
    assert store.count(counter()) == 0
    assert store.reserve([counter()]).counts == (1,)


def test_a_release_after_its_window_ended_gives_nothing_to_the_next(db: None) -> None:
    store = throttle.DatabaseCounters()
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        late = store.reserve([counter()])
        clock.shift(61)  # a new window, filled up
        for _ in range(3):
            store.reserve([counter()])
        store.release(late)
        assert store.count(counter()) == 3
        assert not store.reserve([counter()]).granted


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_redis_release_after_its_window_ended_gives_nothing_to_the_next() -> None:
    store = throttle.RedisCounters(settings.REDIS_URL, f"test-throttle-{uuid.uuid4().hex}")
    short = throttle.Limit("short", max_attempts=1, window_seconds=1)
    late = store.reserve([counter(limit=short)])
    time.sleep(1.1)  # Redis's own expiry is what is tested
    store.reserve([counter(limit=short)])
    store.release(late)
    assert store.count(counter(limit=short)) == 1


def test_reset_forgets_the_attempts(store: throttle.CounterStore) -> None:
    for _ in range(3):
        store.reserve([counter()])
    store.reset(counter())
    assert store.count(counter()) == 0
    assert store.reserve([counter()]).granted


def test_keys_ignore_case_and_scopes_are_separate(store: throttle.CounterStore) -> None:
    store.reserve([counter("S0123456")])
    assert store.count(counter("s0123456")) == 1
    assert store.count(counter("s0123456", OTHER)) == 0


def test_what_is_counted_is_not_stored_in_the_clear(db: None) -> None:
    throttle.DatabaseCounters().reserve([counter("s0123456")])
    assert ThrottleCounter.objects.count() == 1
    assert "s0123456" not in ThrottleCounter.objects.get().key


@pytest.mark.django_db(transaction=True)
def test_a_reservation_inside_another_transaction_is_refused() -> None:
    """Its rows would stay locked through the caller's work, the hash included."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        throttle.DatabaseCounters().reserve([counter()])


def test_the_window_starts_at_the_first_attempt_and_is_not_extended(db: None) -> None:
    store = throttle.DatabaseCounters()
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        store.reserve([counter()])
        clock.shift(50)
        store.reserve([counter()])
        store.reserve([counter()])
        assert not store.reserve([counter()]).granted
        clock.shift(11)  # 61 s after the first attempt
        assert store.count(counter()) == 0
        assert store.reserve([counter()]).counts == (1,)


def test_expired_counters_are_deleted_when_a_new_window_begins(db: None) -> None:
    store = throttle.DatabaseCounters()
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        for n in range(5):
            store.reserve([counter(f"junk{n}")])
        clock.shift(120)
        store.reserve([counter("fresh")])
    assert ThrottleCounter.objects.count() == 1


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_redis_counters_expire_with_their_window() -> None:
    store = throttle.RedisCounters(settings.REDIS_URL, f"test-throttle-{uuid.uuid4().hex}")
    short = throttle.Limit("short", max_attempts=1, window_seconds=1)
    store.reserve([counter(limit=short)])
    assert not store.reserve([counter(limit=short)]).granted
    time.sleep(1.1)  # Redis's own expiry is what is tested
    assert store.reserve([counter(limit=short)]).granted


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's test database is one in-memory connection"
)
@pytest.mark.parametrize("store_name", STORES)
def test_concurrent_reservations_and_releases_never_pass_the_limits(store_name: str) -> None:
    """Many threads taking two counters at once, in either order, a quarter of them giving
    their attempt back: no deadlock, never more kept than the limit, and the counts
    are exactly the attempts kept. (Through real servers on both databases:
    accounts/tests/test_bursts.py.)"""
    store: throttle.CounterStore = (
        throttle.DatabaseCounters() if store_name == "database"
        else throttle.RedisCounters(settings.REDIS_URL, f"test-throttle-{uuid.uuid4().hex}")
    )
    scope = uuid.uuid4().hex
    address = throttle.Counter(throttle.Limit(f"a-{scope}", 12, 60), "10.0.0.1")
    account = throttle.Counter(throttle.Limit(f"z-{scope}", 7, 60), "s0123456")
    start = threading.Barrier(40)
    kept: list[bool] = []

    def attempt(n: int) -> None:
        start.wait()
        try:
            pair = [address, account] if n % 2 else [account, address]
            reservation = store.reserve(pair)
            if reservation.granted and n % 4 == 0:
                store.release(reservation)  # a success gives its attempt back
            elif reservation.granted:
                kept.append(True)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Attempts held for a moment by those that give them back can turn others away,
    # so fewer than the limit may be kept; never more, and the counts are exact.
    assert 1 <= len(kept) <= 7
    assert store.count(account) == len(kept)
    assert store.count(address) == len(kept)


SCHOOL_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("2001:db8::/48"))


@pytest.mark.parametrize("address", ["10.20.3.4", "2001:db8::7", "::ffff:10.20.3.4"])
def test_a_school_address_gets_the_limit_times_the_multiplier(settings, address: str) -> None:
    settings.SCHOOL_NETWORKS = SCHOOL_NETWORKS
    settings.SCHOOL_NETWORK_LIMIT_MULTIPLIER = 20
    assert throttle.for_address(LIMIT, address).max_attempts == 60


@pytest.mark.parametrize("address", ["10.21.0.1", "203.0.113.9", "2001:db9::1", "unknown", ""])
def test_any_other_address_keeps_the_limit(settings, address: str) -> None:
    settings.SCHOOL_NETWORKS = SCHOOL_NETWORKS
    assert throttle.for_address(LIMIT, address) == LIMIT


def test_a_school_address_is_counted_under_the_same_scope(settings, db: None) -> None:
    settings.SCHOOL_NETWORKS = SCHOOL_NETWORKS
    school = throttle.for_address(LIMIT, "10.20.3.4")
    throttle.reserve(throttle.Counter(school, "10.20.3.4"))
    assert throttle.count(throttle.Counter(LIMIT, "10.20.3.4")) == 1
