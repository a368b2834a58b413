"""The authentication backend: who may sign in, and that a refused sign-in costs
the same password hashing whether or not the account exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.hashers import OwaspArgon2PasswordHasher
from accounts.models import Account
from accounts.tests.builders import DEFAULT_PASSWORD, make_claimed_account, make_person
from directory.models import Status


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


class BackendTests(TestCase):
    def setUp(self) -> None:
        self.account = make_claimed_account()

    def test_it_accepts_the_username_in_any_case(self) -> None:
        typed = "  " + self.account.username.upper() + " "
        self.assertEqual(authenticate(username=typed, password=DEFAULT_PASSWORD), self.account)

    def test_it_treats_the_password_as_case_sensitive(self) -> None:
        wrong_case = DEFAULT_PASSWORD.swapcase()
        self.assertIsNone(authenticate(username=self.account.username, password=wrong_case))

    def test_it_refuses_a_disabled_account(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(is_active=False)
        self.assertIsNone(authenticate(username=self.account.username, password=DEFAULT_PASSWORD))

    def test_it_refuses_a_deactivated_person(self) -> None:
        person = self.account.person
        assert person is not None
        person.status = Status.INACTIVE
        person.save()
        self.assertIsNone(authenticate(username=self.account.username, password=DEFAULT_PASSWORD))

    def test_it_refuses_an_unclaimed_account_even_with_a_password(self) -> None:
        Account.objects.filter(pk=self.account.pk).update(claimed_at=None)
        self.assertIsNone(authenticate(username=self.account.username, password=DEFAULT_PASSWORD))

    def test_it_lets_it_staff_without_a_person_sign_in(self) -> None:
        Account.objects.create_user("IT-Admin", "a long staff password 1", is_staff=True)
        self.assertIsNotNone(authenticate(username="it-admin", password="a long staff password 1"))

    def test_get_user_drops_an_account_whose_person_left(self) -> None:
        from accounts.authentication import AccountBackend

        person = self.account.person
        assert person is not None
        person.status = Status.INACTIVE
        person.save()
        self.assertIsNone(AccountBackend().get_user(self.account.pk))


class SignInAuthenticationTests(TestCase):
    """The sign-in page's shortcut to its one backend answers as Django's
    authenticate() does, and a system check keeps that backend the only one."""

    def test_it_answers_as_djangos_authenticate_in_every_case(self) -> None:
        from accounts.authentication import authenticate_account

        signed_in = make_claimed_account()
        disabled = make_claimed_account()
        Account.objects.filter(pk=disabled.pk).update(is_active=False)
        unclaimed = make_claimed_account()
        Account.objects.filter(pk=unclaimed.pk).update(claimed_at=None)
        cases = [
            (signed_in.username, DEFAULT_PASSWORD),
            (signed_in.username, DEFAULT_PASSWORD.swapcase()),
            (disabled.username, DEFAULT_PASSWORD),
            (unclaimed.username, DEFAULT_PASSWORD),
            ("s0999999", DEFAULT_PASSWORD),
        ]
        for username, password in cases:
            expected = authenticate(None, username=username, password=password)
            found = authenticate_account(HttpRequest(), username, password)
            self.assertEqual(found, expected, username)
            self.assertEqual(getattr(found, "backend", None), getattr(expected, "backend", None))
        self.assertIsNotNone(authenticate_account(HttpRequest(), signed_in.username,
                                                  DEFAULT_PASSWORD))

    def test_the_system_check_accepts_the_configured_backend(self) -> None:
        from accounts.authentication import check_one_authentication_backend

        self.assertEqual(check_one_authentication_backend(), [])

    @override_settings(AUTHENTICATION_BACKENDS=[
        "accounts.authentication.AccountBackend", "django.contrib.auth.backends.ModelBackend",
    ])
    def test_the_system_check_refuses_another_backend(self) -> None:
        from accounts.authentication import check_one_authentication_backend

        [error] = check_one_authentication_backend()
        self.assertEqual(error.id, "accounts.E001")

    def test_the_system_check_is_registered_when_django_starts(self) -> None:
        # A new Python, where nothing but Django's start-up has imported the module.
        from hallpass.tests.test_settings import load_settings

        result = load_settings({"DJANGO_SETTINGS_MODULE": "hallpass.settings"}, (
            "import django; django.setup()\n"
            "from django.core.checks import registry\n"
            "print('check_one_authentication_backend' in "
            "[c.__name__ for c in registry.registry.get_checks()])"
        ))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["True"])


@pytest.mark.real_argon2
@override_settings(PASSWORD_HASHERS=COUNTING)
class TimingTests(TestCase):
    """Counting hashes stands in for timing: one Argon2 run on every refusal."""

    def setUp(self) -> None:
        person = make_person()
        self.account = Account.objects.create_user(
            person.username, "the right password 9", person=person, claimed_at=timezone.now()
        )
        self.unclaimed = Account.objects.create(
            username=make_person().username, claimed_at=None
        )
        self.unclaimed.set_unusable_password()
        self.unclaimed.save()
        CountingArgon2Hasher.calls = 0

    def _hashes(self, **credentials: Any) -> int:
        CountingArgon2Hasher.calls = 0
        authenticate(**credentials)
        return CountingArgon2Hasher.calls

    def test_an_unknown_username_costs_one_hash(self) -> None:
        self.assertEqual(self._hashes(username="s0999999", password="whatever 123"), 1)

    def test_a_wrong_password_costs_one_hash(self) -> None:
        self.assertEqual(self._hashes(username=self.account.username, password="nope nope"), 1)

    def test_an_account_without_a_usable_password_costs_one_hash(self) -> None:
        self.assertEqual(self._hashes(username=self.unclaimed.username, password="nope nope"), 1)



@pytest.mark.django_db
def test_usernames_are_shown_as_the_district_prints_them_and_sign_in_ignores_case():
    student = make_claimed_account(make_person(role="student", identifier="123456"))
    teacher = make_claimed_account(make_person(role="teacher", identifier="077777"))
    assert student.display_username == "S0123456"
    assert teacher.display_username == "e077777"
    assert authenticate(None, username="S0123456", password=DEFAULT_PASSWORD) == student
