"""The password rules Django lacks: no personal information, no reuse."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.text import fold


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
        return _("Your password cannot contain your username or your name.")


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
        return _("Passwords cannot be reused.")
