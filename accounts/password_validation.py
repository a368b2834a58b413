"""The password rules, one validator class per rule (configured per role in
settings.PASSWORD_POLICIES, chosen by accounts.role_policies): Django's length and
common-password rules with the portal's own wording in every language, and the rules
Django lacks: character classes, no personal information, no reuse."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_rules
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.text import fold


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    """Django's rule, its messages translated here (Django's Vietnamese lags behind)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, the blocklist NIST SP 800-63B asks for."""

    def get_error_message(self) -> str:
        return _("This password is too common.")

    def get_help_text(self) -> str:
        return _("Not a common password.")


# What each class of characters is, in the order the rule names them.
CHARACTER_CLASSES = (str.isupper, str.islower, str.isdigit)


def character_classes_in(password: str) -> int:
    """How many of upper case, lower case, digit and symbol (anything else, a space
    or an accented letter without case included) the password has."""
    found = {index for char in password for index, test in enumerate(CHARACTER_CLASSES)
             if test(char)}
    has_symbol = any(not any(test(char) for test in CHARACTER_CLASSES) for char in password)
    return len(found) + has_symbol


class CharacterClassesValidator:
    """At least `min_classes` of upper case, lower case, digit and symbol: a district's
    composition rule (NIST SP 800-63B advises none, so no role has one by default)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes_in(password) < self.min_classes:
            raise ValidationError(
                _(
                    "Use at least %(min_classes)d of these: upper-case letters, lower-case "
                    "letters, digits and symbols."
                ),
                code="password_too_few_character_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(min_classes)d of these: upper-case letters, lower-case letters, "
            "digits and symbols."
        ) % {"min_classes": self.min_classes}


class NoPersonalInformationValidator:
    """Rejects a password containing the username or any of the person's names
    (3+ letters), whatever the case or accents."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        folded = fold(password).replace(" ", "")
        candidates = [getattr(user, "username", "")]
        person = getattr(user, "person", None)
        if person is not None:
            candidates += [person.given_name, person.family_name, person.preferred_given_name,
                           person.preferred_family_name]
            candidates += person.given_name.split() + person.family_name.split()
        for candidate in candidates:
            word = fold(candidate or "").replace(" ", "")
            if len(word) >= 3 and word in folded:
                raise ValidationError(
                    _("Your password cannot contain your username or your name."),
                    code="password_contains_personal_information",
                )

    def get_help_text(self) -> str:
        return _("Not containing your username or your name.")


class PasswordHistoryValidator:
    """Rejects the last `history_count` passwords, the current one counting as the
    first. After a reset (no usable password) they all come from the history, which
    keeps that many (accounts.passwords.trim_history)."""

    def __init__(self, history_count: int = 5) -> None:
        self.history_count = history_count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        hashes = []
        if user.has_usable_password():
            hashes.append(user.password)
        older = max(self.history_count - len(hashes), 0)
        hashes = hashes[: self.history_count]
        if older:
            hashes += list(user.password_history.values_list("password", flat=True)[:older])
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("Passwords cannot be reused. Choose one you have not used before."),
                code="password_reused",
            )

    def get_help_text(self) -> str:
        if not self.history_count:
            return ""
        return ngettext(
            "Not your last password.",
            "Not one of your last %(count)d passwords.",
            self.history_count,
        ) % {"count": self.history_count}
