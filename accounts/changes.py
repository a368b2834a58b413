"""Signed-in changes: a new password, new challenge questions and answers.

The current password is checked first by the form (accounts.login.check_current_password,
throttled and audited like a sign-in)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from accounts.challenges import do_set_answers
from accounts.models import Account
from accounts.passwords import do_set_password, notify_password_changed
from accounts.role_policies import challenge_rule_for
from audit.models import EventType, Outcome
from audit.services import record


def do_change_password(request: HttpRequest, account: Account, raw_password: str) -> None:
    """A signed-in change (current password checked by the form). The current
    session is kept by the caller (update_session_auth_hash); others end."""
    with transaction.atomic():
        do_set_password(account, raw_password, request=request, event=EventType.PASSWORD_CHANGED)
        notify_password_changed(account)


def do_change_challenges(request: HttpRequest, account: Account, answers: dict[int, str]) -> None:
    """Replace the questions and answers (current password checked by the form)."""
    with transaction.atomic():
        do_set_answers(account, answers, challenge_rule_for(account).count)
        record(EventType.CHALLENGES_CHANGED, Outcome.SUCCESS, request=request, account=account)
