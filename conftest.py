"""Fixtures for the whole suite."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _no_throttle_counters_from_earlier_tests() -> None:
    """One test's failure counters must not lock out the next. In the database cache
    they go with each test's transaction; Redis (the PostgreSQL pass of .ci/run)
    keeps them, so it is emptied before each test, as the throttle tests already do."""
    if "redis" in str(settings.CACHES["default"]["BACKEND"]).lower():
        from django.core.cache import cache

        cache.clear()
