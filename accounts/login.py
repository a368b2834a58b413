"""Signing in and out, with brute-force throttles kept in the shared cache.

Throttles: failures are counted per typed username (folded) and per client IP
(common.throttle); once either reaches its limit within LOGIN_LOCKOUT_SECONDS,
attempts are refused without checking the password until the window ends.
The per-username counter exists whether or not the account does, so "this
username is locked" reveals nothing about the account's existence. Locked
attempts skip the password hash on every path (existing or not), so their
timing is uniform too, and a locked-out attacker cannot burn our CPU.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_logged_in
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.authentication import authenticate_account
from accounts.models import Account
from audit.models import EventType, Outcome
from audit.services import record
from common import throttle
from common.net import client_ip, client_network


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    throttled: bool = False

    @property
    def succeeded(self) -> bool:
        return self.account is not None


def normalize_username(typed: str) -> str:
    """The form every username is stored and throttled in (S0123456 -> s0123456)."""
    return typed.strip().casefold()


WITHHELD_USERNAME = "(withheld: not a username)"


@functools.cache
def _username_shapes(templates: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = (
        re.escape(template.casefold()).replace(re.escape("{identifier}"), "[0-9]+")
        for template in templates
    )
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


def username_for_audit(key: str, account: Account | None = None) -> str:
    """What an audit row keeps of a typed username (`key`, normalised).

    People type passwords into the username box. So the text is kept when it names
    an account, or has the shape of a username the district issues (its templates
    with a number); anything else, which may be a password, is withheld."""
    if account is not None:
        return account.username
    shapes = _username_shapes(tuple(sorted(set(settings.USERNAME_TEMPLATES.values()))))
    return key[:150] if shapes.fullmatch(key) else WITHHELD_USERNAME


def account_limit() -> throttle.Limit:
    return throttle.Limit(
        "login-account", settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_LOCKOUT_SECONDS
    )


def ip_limit(ip: str) -> throttle.Limit:
    return throttle.for_address(
        throttle.Limit(
            "login-ip", settings.LOGIN_MAX_FAILURES_PER_IP, settings.LOGIN_LOCKOUT_SECONDS
        ),
        ip,
    )


def _failure_reason(username: str) -> tuple[Account | None, str]:
    """Why a failed sign-in failed, for the audit log only (never shown)."""
    account = Account.objects.select_related("person").filter(username=username).first()
    if account is None:
        return None, "unknown_username"
    if not account.is_active:
        return account, "account_disabled"
    if account.person is not None and not account.person.is_active:
        return account, "person_inactive"
    if account.person is not None and account.claimed_at is None:
        return account, "unclaimed"
    return account, "wrong_password"


@sensitive_variables("password")
def do_login_attempt(request: HttpRequest, username: str, password: str) -> LoginResult:
    """Check the credentials and sign the person in on success.

    Writes LOGIN_SUCCEEDED, LOGIN_FAILED or THROTTLED. The typed username is kept
    in the details of failures (it is not a secret, and helpdesk staff need it to
    see why someone cannot sign in); the password never is."""
    key = normalize_username(username)
    ip = client_ip(request)
    by_ip, network = ip_limit(ip), client_network(ip)
    # One cache round trip for both counters: this runs on every sign-in.
    ip_failures, earlier_failures = throttle.failures_of(
        (by_ip, network), (account_limit(), key)
    )
    blocked_scope = (
        "login-ip" if ip_failures >= by_ip.max_failures
        else "login-account" if earlier_failures >= account_limit().max_failures
        else ""
    )
    if blocked_scope:
        # No account lookup: a blocked attempt does the same work whether or not the
        # username exists (the audit admin finds these by the username in details).
        record(
            EventType.THROTTLED,
            Outcome.BLOCKED,
            request=request,
            details={"scope": blocked_scope, "username": username_for_audit(key)},
        )
        return LoginResult(None, throttled=True)

    user = authenticate_account(request, key, password)
    if user is not None:
        if earlier_failures:
            throttle.reset(account_limit(), key)
        # One transaction (one commit) for the new session, last_login and the audit
        # row. Saving the session here inserts its row under the new key; the
        # session engine then skips SessionMiddleware's unchanged save at response.
        with transaction.atomic():
            login(request, user)  # cycles the session key (session fixation)
            record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, request=request, account=user)
            request.session.save()
        return LoginResult(user)

    account_failures = throttle.record_failure(account_limit(), key)
    ip_failures = throttle.record_failure(by_ip, network)
    account, reason = _failure_reason(key)
    now_locked = (
        account_failures >= account_limit().max_failures
        or ip_failures >= by_ip.max_failures
    )
    record(
        EventType.LOGIN_FAILED,
        Outcome.FAILURE,
        request=request,
        account=account,
        details={
            "username": username_for_audit(key, account),
            "reason": reason,
            "locked": now_locked,
        },
    )
    return LoginResult(None, throttled=now_locked)


class CurrentPasswordCheck(Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    THROTTLED = "throttled"


def check_current_password(
    request: HttpRequest, account: Account, password: str, *, purpose: str
) -> CurrentPasswordCheck:
    """The current password a signed-in change asks for (`purpose`: which change).

    Wrong ones count against the account's sign-in limit, so a device left signed in
    is no unthrottled password-guessing oracle; wrong and blocked attempts are
    audited like sign-ins."""
    limit, key = account_limit(), account.username
    if throttle.is_blocked(limit, key):
        record(
            EventType.THROTTLED, Outcome.BLOCKED, request=request, account=account,
            details={"scope": limit.scope, "purpose": purpose},
        )
        return CurrentPasswordCheck.THROTTLED
    if not account.check_password(password):
        throttle.record_failure(limit, key)
        record(
            EventType.PASSWORD_CHECK_FAILED, Outcome.FAILURE, request=request, account=account,
            details={"purpose": purpose},
        )
        return CurrentPasswordCheck.WRONG
    return CurrentPasswordCheck.CORRECT


def record_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    """Django's update_last_login (user_logged_in), as one precompiled UPDATE.

    Django's receiver goes through Model.save(update_fields=...) (signals, field
    checks, query compilation): ~110 us a sign-in against ~25 us for the statement
    itself on SQLite. Same row, same value, same place in the sign-in transaction;
    Account.last_login stays what the admin shows."""
    now = timezone.now()
    model = type(user)
    alias = router.db_for_write(model)
    connection = connections[alias]
    field = model._meta.get_field("last_login")
    quote = connection.ops.quote_name
    # Only quoted identifiers from the model are interpolated; values are parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [field.get_db_prep_save(now, connection), user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    user.last_login = now


# Replaces Django's receiver under the dispatch_uid it registered with, so every
# sign-in (the login view, the admin's, a test's force_login) records it once.
user_logged_in.disconnect(dispatch_uid="update_last_login")
user_logged_in.connect(record_last_login, dispatch_uid="update_last_login")


def do_logout(request: HttpRequest) -> None:
    """Sign out and throw the session away (families share devices)."""
    user = request.user
    if isinstance(user, Account):
        record(EventType.LOGOUT, Outcome.SUCCESS, request=request, account=user)
    logout(request)
