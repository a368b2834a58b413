"""Fixtures for the whole suite."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from common.tests.client import FormClient


@pytest.fixture(autouse=True)
def _no_throttle_counters_from_earlier_tests() -> None:
    """One test's failure counters must not lock out the next. In the database cache
    they go with each test's transaction; Redis (the PostgreSQL pass of .ci/run)
    keeps them, so it is emptied before each test, as the throttle tests already do."""
    if "redis" in str(settings.CACHES["default"]["BACKEND"]).lower():
        from django.core.cache import cache

        cache.clear()


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
