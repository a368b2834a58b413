"""Password rules per role, through the claim wizard and the change-password page, in
every language: the rules are listed before the person types, and each is enforced
with its own message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import Account
from accounts.password_validation import (
    CharacterClassesValidator,
    MinimumLengthValidator,
    character_classes_in,
)
from accounts.role_policies import password_rules_for, policy_role
from accounts.tests.builders import make_claimed_account, make_person
from accounts.tests.claim_helpers import PASSWORD_URL, identify, wizard_token
from common.tests.client import FormClient
from directory.models import Person
from hallpass.settings import password_validators

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "vi"]
# The other district's guide: staff 12 with three classes; here every role differs.
RULES = {
    "student": {"min_length": 8, "character_classes": 0, "history_count": 5},
    "teacher": {"min_length": 10, "character_classes": 0, "history_count": 5},
    "staff": {"min_length": 12, "character_classes": 3, "history_count": 5},
    "administrator": {"min_length": 14, "character_classes": 3, "history_count": 5},
    "it": {"min_length": 15, "character_classes": 3, "history_count": 5},
}
ROLES = ["student", "teacher", "staff", "administrator"]


@pytest.fixture(autouse=True)
def policies_per_role(settings: Any) -> None:
    settings.PASSWORD_POLICIES = {
        role: password_validators(**rules) for role, rules in RULES.items()
    }


def _too_short(role: str) -> str:
    return "Ab1-" + "x" * (RULES[role]["min_length"] - 5)


def _good(role: str) -> str:
    return "Plum-Harbor-Lantern-" + "9" * RULES[role]["min_length"]


def _in(language: str, text: Callable[[], str]) -> str:
    """A rule's text in `language`, as a page escapes it."""
    with translation.override(language):
        return escape(text())


def _client_in(language: str) -> FormClient:
    client = FormClient()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_claim_shows_and_enforces_the_rules_of_the_persons_role(role: str, language: str):
    client = _client_in(language)
    person = make_person(role=role)
    identify(client, person)
    page = client.get(PASSWORD_URL).content.decode()
    length = MinimumLengthValidator(RULES[role]["min_length"])
    assert _in(language, length.get_help_text) in page
    classes = CharacterClassesValidator(3)
    assert (_in(language, classes.get_help_text) in page) == bool(
        RULES[role]["character_classes"]
    )

    short = _too_short(role)
    refused = client.submit(
        PASSWORD_URL, {"password1": short, "password2": short, "wizard": wizard_token(client)}
    )
    assert _in(language, length.get_error_message) in refused.content.decode()

    good = _good(role)
    chosen = client.submit(
        PASSWORD_URL, {"password1": good, "password2": good, "wizard": wizard_token(client)}
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("accounts:claim-challenges")


def test_the_rule_texts_are_translated():
    length, classes = MinimumLengthValidator(12), CharacterClassesValidator(3)
    for text in (length.get_help_text, length.get_error_message, classes.get_help_text):
        english = _in("en", text)
        assert _in("es", text) != english
        assert _in("vi", text) != english


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_change_password_shows_and_enforces_the_rules_of_the_persons_role(
    role: str, language: str, django_capture_on_commit_callbacks: Any
):
    account = make_claimed_account(role=role)
    account.language = language
    account.save(update_fields=["language"])
    client = FormClient()
    client.force_login(account)
    url = reverse("accounts:change-password")
    page = client.get(url).content.decode()
    length = MinimumLengthValidator(RULES[role]["min_length"])
    assert _in(language, length.get_help_text) in page

    def change(new: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.submit(
                url,
                {"current_password": "correct-Horse-battery-42", "password1": new,
                 "password2": new},
            )

    assert _in(language, length.get_error_message) in change(_too_short(role)).content.decode()
    if RULES[role]["character_classes"]:
        one_class = "q" * 20
        with translation.override(language), pytest.raises(ValidationError) as raised:
            CharacterClassesValidator(3).validate(one_class)
        assert escape(raised.value.messages[0]) in change(one_class).content.decode()
    assert change(_good(role)).status_code == 302


def test_it_staff_accounts_have_the_strictest_rules():
    it_account = Account.objects.create_superuser("tech-admin", "x" * 20)
    staff = make_claimed_account(role=Person.Role.STAFF)
    staff.is_staff = True
    assert policy_role(it_account) == policy_role(staff) == "it"
    assert MinimumLengthValidator(15).get_help_text() in password_rules_for(it_account)


def test_a_stricter_policy_never_stops_a_sign_in_with_the_old_password(client: FormClient):
    account = make_claimed_account(role=Person.Role.STAFF, password="short-pw")
    response = client.submit(
        reverse("accounts:login"), {"username": account.username, "password": "short-pw"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(django_settings.LOGIN_REDIRECT_URL)


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abc", 1), ("abcD", 2), ("abcD1", 3), ("abcD1!", 4), ("Ñandú 1", 4), ("12345", 1)],
)
def test_character_classes_are_upper_lower_digit_and_symbol(password: str, classes: int):
    assert character_classes_in(password) == classes
