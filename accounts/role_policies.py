"""The claim policies of a person's role: which password rules apply to them, and
how many challenge questions they answer and whether they may skip them.

Both are set per role by IT (settings.PASSWORD_POLICIES, built from
HALLPASS_PASSWORD_POLICIES; settings.CHALLENGE_QUESTION_POLICIES, from
HALLPASS_CHALLENGE_QUESTIONS). A password is checked against its rules only when it is
chosen (claim, change, reset): a stricter policy applies at the next change and never
stops anyone signing in with the password they have."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import get_password_validators
from django.core.signals import setting_changed
from django.dispatch import receiver

from accounts.models import Account
from accounts.password_validation import PasswordHistoryValidator

IT_ROLE = "it"


def policy_role(account: Account) -> str:
    """The role whose policies apply: IT staff accounts (staff status, or no
    directory person) have their own, strictest; everyone else their directory role.
    Works for the unsaved account of a first claim."""
    if account.is_staff or account.is_superuser or account.person is None:
        return IT_ROLE
    return str(account.person.role)


@functools.cache
def _validators_of(role: str) -> list[Any]:
    # Built once per process and role: the common-password rule reads its list of
    # 20,000 passwords when it is made.
    return list(get_password_validators(settings.PASSWORD_POLICIES[role]))


@receiver(setting_changed)
def _forget_validators(*, setting: str, **kwargs: Any) -> None:
    if setting == "PASSWORD_POLICIES":
        _validators_of.cache_clear()


def password_validators_for(account: Account) -> list[Any]:
    """The password validators of the account's role (pass as password_validators)."""
    return _validators_of(policy_role(account))


def password_rules_for(account: Account) -> list[str]:
    """The account's password rules in the active language, as the claim, change and
    reset pages list them before the person types."""
    texts = (validator.get_help_text() for validator in password_validators_for(account))
    return [text for text in texts if text]


def longest_history_kept() -> int:
    """How many earlier passwords must be kept: the most any role checks."""
    counts = [
        validator.history_count
        for role in settings.PASSWORD_POLICIES
        for validator in _validators_of(role)
        if isinstance(validator, PasswordHistoryValidator)
    ]
    return max(counts, default=0)


@dataclass(frozen=True)
class ChallengeRule:
    """How many challenge questions a role answers, and whether they may skip them
    (and with them the recovery of a forgotten password by the questions)."""

    count: int
    required: bool


def challenge_rule_for(account: Account) -> ChallengeRule:
    rules = settings.CHALLENGE_QUESTION_POLICIES[policy_role(account)]
    return ChallengeRule(count=int(rules["count"]), required=bool(rules["required"]))


def some_role_may_skip_questions() -> bool:
    """Whether the forgot-password pages must say what to do without questions."""
    return any(not rules["required"] for rules in settings.CHALLENGE_QUESTION_POLICIES.values())


def default_question_count() -> int:
    """How many questions a username with no answers anywhere to copy is asked
    (accounts.recovery.questions_for): the students' count, most accounts' count."""
    return int(settings.CHALLENGE_QUESTION_POLICIES["student"]["count"])
