"""The authentication backend: who may sign in through Django's authenticate(), and
that a refused sign-in costs the same password hashing whether or not the account
exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django.utils import timezone

from accounts.authentication import AccountBackend
from accounts.hashers import OwaspArgon2PasswordHasher
from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_person
from directory.models import Status

pytestmark = pytest.mark.django_db


class CountingArgon2Hasher(OwaspArgon2PasswordHasher):
    """The portal's Argon2 hasher, counting how often it does the expensive work."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        type(self).calls += 1
        return super().verify(password, encoded)


COUNTING = [f"{__name__}.CountingArgon2Hasher"]


@pytest.fixture
def account() -> Account:
    return make_claimed_account()


def test_it_accepts_the_username_in_any_case_and_with_spaces(account: Account) -> None:
    typed = "  " + account.username.upper() + " "
    assert authenticate(username=typed, password=DEFAULT_PASSWORD) == account


def test_it_treats_the_password_as_case_sensitive(account: Account) -> None:
    wrong_case = DEFAULT_PASSWORD.swapcase()
    assert authenticate(username=account.username, password=wrong_case) is None


def test_it_refuses_a_disabled_account(account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) is None


def test_it_refuses_a_deactivated_person(account: Account) -> None:
    assert account.person is not None
    account.person.status = Status.INACTIVE
    account.person.save()
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) is None


def test_it_refuses_an_unclaimed_account_even_with_a_password(account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(claimed_at=None)
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) is None


def test_it_lets_it_staff_without_a_person_sign_in() -> None:
    Account.objects.create_user("IT-Admin", "a long staff password 1", is_staff=True)
    assert authenticate(username="it-admin", password="a long staff password 1") is not None


def test_get_user_drops_an_account_whose_person_left(account: Account) -> None:
    assert account.person is not None
    account.person.status = Status.INACTIVE
    account.person.save()
    assert AccountBackend().get_user(account.pk) is None


def test_another_backend_can_sign_people_in_beside_it(settings, account: Account) -> None:
    """Single sign-on or a directory server is one more entry in AUTHENTICATION_BACKENDS."""
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.authentication.AccountBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    staff = Account.objects.create_user("helpdesk", "a long staff password 2", is_staff=True)
    assert authenticate(username="helpdesk", password="a long staff password 2") == staff
    assert authenticate(username=account.username, password=DEFAULT_PASSWORD) == account


def test_a_refusal_sends_djangos_login_failed_signal(account: Account) -> None:
    received: list[dict[str, Any]] = []

    def listener(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        received.append(credentials)

    user_login_failed.connect(listener)
    try:
        authenticate(username=account.username, password="not the password")
    finally:
        user_login_failed.disconnect(listener)
    assert len(received) == 1
    assert received[0]["username"] == account.username
    assert received[0]["password"] != "not the password"  # Django masks it


def test_a_sign_in_records_last_login(client, account: Account) -> None:
    before = timezone.now()
    client.post(reverse("accounts:login"), {"username": account.username,
                                           "password": DEFAULT_PASSWORD})
    last_login = Account.objects.get(pk=account.pk).last_login
    assert last_login is not None and before <= last_login <= timezone.now()


@pytest.fixture
def counting_hasher(settings) -> type[CountingArgon2Hasher]:
    settings.PASSWORD_HASHERS = COUNTING
    CountingArgon2Hasher.calls = 0
    return CountingArgon2Hasher


def _hashes(hasher: type[CountingArgon2Hasher], **credentials: Any) -> int:
    hasher.calls = 0
    authenticate(**credentials)
    return hasher.calls


@pytest.mark.real_argon2
def test_an_unknown_username_costs_one_hash(counting_hasher) -> None:
    assert _hashes(counting_hasher, username="s0999999", password="whatever 123") == 1


@pytest.mark.real_argon2
def test_a_wrong_password_costs_one_hash(counting_hasher) -> None:
    person = make_person()
    Account.objects.create_user(
        person.username, "the right password 9", person=person, claimed_at=timezone.now()
    )
    assert _hashes(counting_hasher, username=person.username, password="nope nope") == 1


@pytest.mark.real_argon2
def test_an_account_without_a_usable_password_costs_one_hash(counting_hasher) -> None:
    unclaimed = Account.objects.create(username=make_person().username, claimed_at=None)
    unclaimed.set_unusable_password()
    unclaimed.save()
    assert _hashes(counting_hasher, username=unclaimed.username, password="nope nope") == 1


def test_usernames_are_shown_as_the_district_prints_them_and_sign_in_ignores_case() -> None:
    student = make_claimed_account(make_person(role="student", identifier="123456"))
    teacher = make_claimed_account(make_person(role="teacher", identifier="077777"))
    assert student.display_username == "S0123456"
    assert teacher.display_username == "e077777"
    assert authenticate(None, username="S0123456", password=DEFAULT_PASSWORD) == student
