"""Failure counters in the shared cache."""

from __future__ import annotations

import ipaddress
import time

from django.core.cache import cache
from django.test import TestCase, override_settings

from common import throttle

LIMIT = throttle.Limit("test-scope", max_failures=3, window_seconds=60)


class ThrottleTests(TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_it_counts_failures_per_key(self) -> None:
        self.assertEqual(throttle.record_failure(LIMIT, "s0123456"), 1)
        self.assertEqual(throttle.record_failure(LIMIT, "s0123456"), 2)
        self.assertEqual(throttle.failures(LIMIT, "s0123456"), 2)
        self.assertEqual(throttle.failures(LIMIT, "s0654321"), 0)

    def test_it_blocks_at_the_limit(self) -> None:
        for _ in range(2):
            throttle.record_failure(LIMIT, "k")
        self.assertFalse(throttle.is_blocked(LIMIT, "k"))
        throttle.record_failure(LIMIT, "k")
        self.assertTrue(throttle.is_blocked(LIMIT, "k"))

    def test_a_lock_outlasts_a_flood_of_other_counters(self) -> None:
        """Django's database cache keeps 300 entries unless told otherwise, then
        deletes a third of them by key order: a morning of failed sign-ins, or
        someone posting junk usernames, would unlock locked accounts."""
        for _ in range(3):
            throttle.record_failure(LIMIT, "s0123456")
        for n in range(400):
            throttle.record_failure(LIMIT, f"junk{n}")
        self.assertTrue(throttle.is_blocked(LIMIT, "s0123456"))

    def test_keys_ignore_case(self) -> None:
        throttle.record_failure(LIMIT, "S0123456")
        self.assertEqual(throttle.failures(LIMIT, "s0123456"), 1)

    def test_scopes_are_separate(self) -> None:
        other = throttle.Limit("other-scope", 3, 60)
        throttle.record_failure(LIMIT, "k")
        self.assertEqual(throttle.failures(other, "k"), 0)

    def test_reset_clears_the_count(self) -> None:
        for _ in range(3):
            throttle.record_failure(LIMIT, "k")
        throttle.reset(LIMIT, "k")
        self.assertFalse(throttle.is_blocked(LIMIT, "k"))
        self.assertEqual(throttle.record_failure(LIMIT, "k"), 1)

    def test_the_key_is_not_stored_in_the_clear(self) -> None:
        cache_key = throttle._cache_key("login-account", "s0123456")
        self.assertNotIn("s0123456", cache_key)

    def test_the_window_starts_at_the_first_failure_and_is_not_extended(self) -> None:
        # The database cache stores expiry times in whole seconds, so a window of
        # N seconds ends between N-1 and N seconds after the first failure.
        short = throttle.Limit("short", max_failures=2, window_seconds=4)
        started = time.monotonic()
        throttle.record_failure(short, "k")
        time.sleep(1.0)
        self.assertEqual(throttle.record_failure(short, "k"), 2)
        self.assertTrue(throttle.is_blocked(short, "k"))
        time.sleep(max(0.0, 4.2 - (time.monotonic() - started)))
        self.assertFalse(throttle.is_blocked(short, "k"))
        self.assertEqual(throttle.failures(short, "k"), 0)


@override_settings(
    SCHOOL_NETWORKS=(ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("2001:db8::/48")),
    SCHOOL_NETWORK_LIMIT_MULTIPLIER=20,
)
class SchoolNetworkTests(TestCase):
    def test_a_school_address_gets_the_limit_times_the_multiplier(self) -> None:
        for address in ("10.20.3.4", "2001:db8::7", "::ffff:10.20.3.4"):
            self.assertEqual(throttle.for_address(LIMIT, address).max_failures, 60, address)

    def test_any_other_address_keeps_the_limit(self) -> None:
        for address in ("10.21.0.1", "203.0.113.9", "2001:db9::1", "unknown", ""):
            self.assertEqual(throttle.for_address(LIMIT, address), LIMIT, address)

    def test_the_count_is_kept_under_the_same_scope(self) -> None:
        school = throttle.for_address(LIMIT, "10.20.3.4")
        throttle.record_failure(school, "10.20.3.4")
        self.assertEqual(throttle.failures(LIMIT, "10.20.3.4"), 1)
