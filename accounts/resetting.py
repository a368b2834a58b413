"""Technicians' actions on an account: reset (must claim again), disable, enable,
unlock self-service recovery.

Each takes the actor and refuses, audited, what their role does not allow
(accounts.privileges.may_act_on): a technician acts on students' and non-staff
employees' accounts only, whatever a crafted request names.

Sessions: an account's sessions are found by scanning the unexpired rows of
django.contrib.sessions' table and decoding each one. This works for both the
"db" and the "cached_db" engines (cached_db writes every session through to the
table) and needs no index kept in step with logins; each session is then deleted
through the configured engine so a cached copy goes too. A reset is a rare,
manual action, and sessions expire after SESSION_COOKIE_AGE (30 minutes idle), so
the table stays small. Changing the password also changes the session auth hash,
which Django checks on every request: a missed session would still be refused.
What the apps above accounts issued (single sign-on tokens) ends through the
access-ended hooks (accounts.hooks), in the same transaction.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.hooks import AccessEnded, AccessEndedReason, call_access_ended_hooks
from accounts.models import Account, ChallengeAnswer, PasswordHistory, lock_person_of
from accounts.passwords import trim_history
from accounts.privileges import ActionRefused, Actor, as_account, may_act_on, record_refusal
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


class NotResettable(ValueError):
    """The account has no directory person (IT staff): there is no claim to redo."""


def do_reset_account(
    account: Account, *, actor: Actor, request: HttpRequest | None = None
) -> None:
    """Return the account to unclaimed: no password, no answers, no sessions, the
    recovery lock lifted. The person must complete Claim My Account again.

    The old password goes into the history first, so "Passwords cannot be reused"
    still holds when they choose a new one. Raises ActionRefused (audited) when
    the actor may not act on the account, then NotResettable without a person."""
    with transaction.atomic():
        # The person first, then the account: the order a claim takes them in, since
        # a reset writes the person's claim too (Person.account_claimed).
        lock_person_of(account)
        locked = Account.objects.select_for_update().get(pk=account.pk)
        refusal = _refusal(locked, "reset", actor=actor, request=request)
        if refusal is None:
            if locked.person_id is None:
                raise NotResettable("Only accounts of directory people can be reset.")
            _reset(locked, actor=actor, request=request)
    if refusal is not None:
        raise refusal
    _refresh(account, locked)


def _reset(locked: Account, *, actor: Actor, request: HttpRequest | None) -> None:
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
    call_access_ended_hooks(AccessEnded(locked.pk, AccessEndedReason.ACCOUNT_RESET, request))
    record(
        EventType.ACCOUNT_RESET,
        Outcome.SUCCESS,
        request=request,
        account=locked,
        actor=as_account(actor),
        details={"sessions_ended": ended},
    )


def do_disable_account(
    account: Account, *, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Stop sign-in and end the account's sessions. False if it was already disabled.
    Raises ActionRefused (audited) when the actor may not act on the account."""
    return _set_enabled(account, False, actor=actor, request=request)


def do_enable_account(
    account: Account, *, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Allow sign-in again. False if it was already enabled. Raises ActionRefused
    (audited) when the actor may not act on the account."""
    return _set_enabled(account, True, actor=actor, request=request)


def _set_enabled(
    account: Account,
    enabled: bool,
    *,
    actor: Actor,
    request: HttpRequest | None,
) -> bool:
    """The row is locked so two technicians acting at once audit one change."""
    action = "enable" if enabled else "disable"
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        refusal = _refusal(locked, action, actor=actor, request=request)
        if refusal is not None or locked.is_active == enabled:
            changed = False
        else:
            locked.is_active = enabled
            locked.save(update_fields=["is_active"])
            # A disabled account's open sessions end now, not at their next request.
            details = {} if enabled else {"sessions_ended": end_sessions(locked)}
            if not enabled:
                call_access_ended_hooks(
                    AccessEnded(locked.pk, AccessEndedReason.ACCOUNT_DISABLED, request)
                )
            record(
                EventType.ACCOUNT_ENABLED if enabled else EventType.ACCOUNT_DISABLED,
                Outcome.SUCCESS,
                request=request,
                account=locked,
                actor=as_account(actor),
                details=details,
            )
            changed = True
    if refusal is not None:
        raise refusal
    _refresh(account, locked)
    return changed


def do_unlock_recovery(
    account: Account, *, actor: Actor, request: HttpRequest | None = None
) -> bool:
    """Let the person answer their challenge questions again after too many wrong
    tries (accounts.recovery locked it). False if it was not locked. Raises
    ActionRefused (audited) when the actor may not act on the account."""
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        refusal = _refusal(locked, "unlock_recovery", actor=actor, request=request)
        changed = refusal is None and locked.recovery_locked_at is not None
        if changed:
            locked.recovery_failures = 0
            locked.recovery_locked_at = None
            locked.save(update_fields=["recovery_failures", "recovery_locked_at"])
            record(
                EventType.RECOVERY_UNLOCKED,
                Outcome.SUCCESS,
                request=request,
                account=locked,
                actor=as_account(actor),
            )
    if refusal is not None:
        raise refusal
    _refresh(account, locked)
    return changed


def _refusal(
    locked: Account, action: str, *, actor: Actor, request: HttpRequest | None
) -> ActionRefused | None:
    """The refusal to raise once the transaction is over, so that its audit row is
    kept; decided on the locked row, so an account made staff meanwhile is refused."""
    if may_act_on(actor, locked):
        return None
    return record_refusal(actor, action, request=request, account=locked)


def _refresh(account: Account, locked: Account) -> None:
    """Keep the caller's instance in step with what was saved."""
    for field in ("password", "claimed_at", "recovery_failures", "recovery_locked_at", "is_active"):
        setattr(account, field, getattr(locked, field))
