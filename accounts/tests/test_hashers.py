"""The password hasher: Argon2id at the cost in settings, read when it hashes, so
that raising the cost re-hashes each password at its owner's next sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.urls import reverse

from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account
from common.tests.client import FormClient

pytestmark = pytest.mark.django_db


def cost_of(encoded: str) -> str:
    """The "m=…,t=…,p=…" part of an Argon2 hash."""
    return encoded.split("$")[3]


@pytest.mark.real_argon2
def test_passwords_are_hashed_at_owasps_cost_unless_configured_otherwise(
    configured_argon2_cost,
):
    """The suite hashes cheaply elsewhere; here the configured cost is back, and it is
    OWASP's (m=19 MiB, t=2, p=1) unless the environment set another."""
    expected = (
        f"m={configured_argon2_cost['ARGON2_MEMORY_COST_KIB']},"
        f"t={configured_argon2_cost['ARGON2_TIME_COST']},"
        f"p={configured_argon2_cost['ARGON2_PARALLELISM']}"
    )
    encoded = make_password(DEFAULT_PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    assert cost_of(encoded) == expected


def test_a_changed_cost_applies_to_the_next_hash_without_a_restart(settings):
    settings.ARGON2_TIME_COST = 3
    settings.ARGON2_MEMORY_COST_KIB = 16
    encoded = make_password(DEFAULT_PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    assert cost_of(encoded) == "m=16,t=3,p=1"


def test_raising_the_cost_rehashes_a_password_at_its_next_sign_in(settings):
    account = make_claimed_account()
    old = Account.objects.get(pk=account.pk).password
    assert not get_hasher().must_update(old)

    settings.ARGON2_TIME_COST = 2
    settings.ARGON2_MEMORY_COST_KIB = 32
    assert get_hasher().must_update(old)
    response = FormClient().post(
        reverse("accounts:login"),
        {"username": account.username, "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    new = Account.objects.get(pk=account.pk).password
    assert cost_of(new) == "m=32,t=2,p=1"
    assert Account.objects.get(pk=account.pk).check_password(DEFAULT_PASSWORD)
