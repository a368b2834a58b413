"""The password policy, rule by rule, through the shared NewPasswordForm."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from accounts.forms_common import NewPasswordForm
from accounts.models import Account
from accounts.passwords import do_set_password
from accounts.tests.builders import make_claimed_account, make_person

pytestmark = pytest.mark.django_db


def _errors(user: Account, password: str, again: str | None = None) -> Any:
    form = NewPasswordForm(
        user, {"password1": password, "password2": password if again is None else again}
    )
    assert not form.is_valid()
    return form.errors


def _unsaved(**kwargs: Any) -> Account:
    person = make_person(**kwargs)
    return Account(username=person.username, person=person)


def test_a_good_password_is_accepted():
    form = NewPasswordForm(
        _unsaved(), {"password1": "Blue-Kite-Morning-3", "password2": "Blue-Kite-Morning-3"}
    )
    assert form.is_valid()
    assert form.password == "Blue-Kite-Morning-3"


def test_it_must_be_at_least_eight_characters():
    errors = _errors(_unsaved(), "Ab3$xyz")
    assert errors["password1"] == [
        "This password is too short. It must contain at least 8 characters."
    ]


def test_the_minimum_length_comes_from_settings(settings):
    settings.PASSWORD_POLICIES = {
        **settings.PASSWORD_POLICIES,
        "student": [
            {
                "NAME": "accounts.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 12},
            }
        ],
    }
    errors = _errors(_unsaved(), "Ab3$xyzAb3$")
    assert "at least 12 characters" in errors["password1"][0]


def test_it_must_not_be_a_common_password():
    assert _errors(_unsaved(), "iloveyou1")["password1"] == ["This password is too common."]


@pytest.mark.parametrize(
    "password",
    ["Quixote-and-friends", "xx-QUIXOTE-99", "9s0999111-z", "Dulcinéa-2025", "dulcinea-2025"],
)
def test_it_must_not_contain_the_username_or_the_names(password):
    user = _unsaved(given_name="Dulcinea", family_name="Quixote", identifier="999111")
    assert _errors(user, password)["password1"] == [
        "Your password cannot contain your username or your name."
    ]


def test_the_passwords_must_match():
    errors = _errors(_unsaved(), "Blue-Kite-Morning-3", again="Blue-Kite-Morning-4")
    assert errors["password2"] == ["The passwords do not match."]


def test_it_must_not_be_the_current_or_a_recent_password():
    account = make_claimed_account(password="First-Secret-Pass-1")
    do_set_password(account, "Second-Secret-Pass-2")
    for reused in ("First-Secret-Pass-1", "Second-Secret-Pass-2"):
        assert _errors(account, reused)["password1"] == [
            "Passwords cannot be reused. Choose one you have not used before."
        ]


def test_passwords_are_case_sensitive_so_a_different_case_is_a_different_password():
    account = make_claimed_account(password="First-Secret-Pass-1")
    form = NewPasswordForm(
        account, {"password1": "FIRST-SECRET-PASS-1", "password2": "FIRST-SECRET-PASS-1"}
    )
    assert form.is_valid()
    assert not account.check_password("FIRST-SECRET-PASS-1")


def test_every_rule_can_fail_at_once_with_its_own_message():
    errors = _errors(_unsaved(given_name="Bob"), "bob")
    assert errors["password1"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "Your password cannot contain your username or your name.",
    ]


def test_messages_are_translated():
    with translation.override("es"):
        errors = _errors(_unsaved(), "Ab3$xyz")
    assert "demasiado corta" in errors["password1"][0]
