"""Technicians' actions on an account: reset (must claim again), disable, enable.

Sessions: an account's sessions are found by scanning the unexpired rows of
django.contrib.sessions' table and decoding each one. This works for both the
"db" and the "cached_db" engines (cached_db writes every session through to the
table) and needs no index kept in step with logins; each session is then deleted
through the configured engine so a cached copy goes too. A reset is a rare,
manual action, and sessions expire after SESSION_COOKIE_AGE (30 minutes idle), so
the table stays small. Changing the password also changes the session auth hash,
which Django checks on every request: a missed session would still be refused.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Account, ChallengeAnswer, PasswordHistory
from accounts.passwords import trim_history
from audit.models import EventType, Outcome
from audit.services import record


def end_sessions(account: Account) -> int:
    """Delete every unexpired session signed in as this account; returns how many."""
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    wanted = str(account.pk)
    sessions = Session.objects.filter(expire_date__gt=timezone.now())
    for row in sessions.only("session_key", "session_data").iterator():
        data = row.get_decoded()
        if str(data.get(SESSION_KEY, "")) == wanted:
            engine.SessionStore(session_key=row.session_key).delete()
            ended += 1
    return ended


def do_reset_account(
    account: Account, *, actor: AbstractBaseUser | None, request: HttpRequest | None = None
) -> None:
    """Return the account to unclaimed: no password, no answers, no sessions, the
    recovery lock lifted. The person must complete Claim My Account again.

    The old password goes into the history first, so "Passwords cannot be reused"
    still holds when they choose a new one."""
    if account.person_id is None:
        raise ValueError("Only accounts of directory people can be reset; they claim again.")
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.has_usable_password():
            PasswordHistory.objects.create(account=locked, password=locked.password)
            trim_history(locked)
        locked.set_unusable_password()
        locked.claimed_at = None
        locked.recovery_failures = 0
        locked.recovery_locked_at = None
        locked.save(
            update_fields=["password", "claimed_at", "recovery_failures", "recovery_locked_at"]
        )
        ChallengeAnswer.objects.filter(account=locked).delete()
        ended = end_sessions(locked)
        record(
            EventType.ACCOUNT_RESET,
            Outcome.SUCCESS,
            request=request,
            account=locked,
            actor=actor,
            details={"sessions_ended": ended},
        )
    _refresh(account, locked)


def do_disable_account(
    account: Account, *, actor: AbstractBaseUser | None, request: HttpRequest | None = None
) -> bool:
    """Stop sign-in and end the account's sessions. False if it was already disabled."""
    return _set_enabled(account, False, actor=actor, request=request)


def do_enable_account(
    account: Account, *, actor: AbstractBaseUser | None, request: HttpRequest | None = None
) -> bool:
    """Allow sign-in again. False if it was already enabled."""
    return _set_enabled(account, True, actor=actor, request=request)


def _set_enabled(
    account: Account,
    enabled: bool,
    *,
    actor: AbstractBaseUser | None,
    request: HttpRequest | None,
) -> bool:
    """The row is locked so two technicians acting at once audit one change."""
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.is_active == enabled:
            return False
        locked.is_active = enabled
        locked.save(update_fields=["is_active"])
        # A disabled account's open sessions end now, not at their next request.
        details = {} if enabled else {"sessions_ended": end_sessions(locked)}
        record(
            EventType.ACCOUNT_ENABLED if enabled else EventType.ACCOUNT_DISABLED,
            Outcome.SUCCESS,
            request=request,
            account=locked,
            actor=actor,
            details=details,
        )
    _refresh(account, locked)
    return True


def _refresh(account: Account, locked: Account) -> None:
    """Keep the caller's instance in step with what was saved."""
    for field in ("password", "claimed_at", "recovery_failures", "recovery_locked_at", "is_active"):
        setattr(account, field, getattr(locked, field))
