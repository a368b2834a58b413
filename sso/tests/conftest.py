"""Fixtures for single sign-on tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import Account
from accounts.tests.builders import make_claimed_account
from common.tests.seed import restore_seed_data
from directory.models import Org, Person
from sso.tests.builders import make_school


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    """A live Hallpass over HTTP, seeded rows restored, throttles cleared (a
    database flush does not empty the cache)."""
    restore_seed_data()
    call_command("createcachetable", verbosity=0)
    cache.clear()
    return str(live_server.url)


@pytest.fixture
def school(db: None) -> Org:
    return make_school("Lincoln High School", identifier="0042")


@pytest.fixture
def student(school: Org) -> Account:
    account = make_claimed_account(
        given_name="Ana", family_name="Reyes", role=Person.Role.STUDENT, grades="09"
    )
    assert account.person is not None
    account.person.orgs.add(school)
    return account
