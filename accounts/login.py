"""Signing in and out, with brute-force throttles (common.throttle).

Every sign-in reserves its attempt in two counters before the password is checked:
one per typed username (folded) and one per client address. Once either holds
LOGIN_MAX_FAILURES_PER_* attempts within LOGIN_LOCKOUT_SECONDS, attempts are refused
without checking the password until the window ends. A sign-in with the right
password gives its reservation back: only failures count, and a success does not
erase earlier failures. The per-username counter exists whether or not the account
does, so "this username is locked" reveals nothing about the account's existence.
Refused attempts read no account and hash nothing, whatever the username, so their
timing is uniform too, and a locked-out attacker cannot burn our CPU.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from accounts.acceptable_use import mark_pending_at_sign_in, published_versions
from accounts.hooks import AccessEnded, AccessEndedReason, call_access_ended_hooks
from accounts.languages import chosen_language, do_adopt_chosen_language
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


def shown_username(typed: str) -> str:
    """A typed username in the one form the portal shows usernames in: a student's
    upper case, as the letters print it (S0123456), like Person.display_username.
    Decided by its shape alone, so a page showing it says nothing about whether
    the account exists."""
    key = normalize_username(typed)
    prefix = settings.USERNAME_TEMPLATES["student"].split("{identifier}")[0].casefold()
    rest = key[len(prefix):]
    if prefix and key.startswith(prefix) and rest.isascii() and rest.isdigit():
        return key.upper()
    return key


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


def account_counter(username: str) -> throttle.Counter:
    """Sign-in failures of one username (normalised), shared with the signed-in
    current-password checks."""
    limit = throttle.Limit(
        "login-account", settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_LOCKOUT_SECONDS
    )
    return throttle.Counter(limit, username)


def address_counter(ip: str) -> throttle.Counter:
    """Sign-in failures from one client (an IPv6 client's /64, see client_network);
    multiplied on a school's network."""
    limit = throttle.Limit(
        "login-ip", settings.LOGIN_MAX_FAILURES_PER_IP, settings.LOGIN_LOCKOUT_SECONDS
    )
    return throttle.Counter(throttle.for_address(limit, ip), client_network(ip))


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
    reservation = throttle.reserve(address_counter(client_ip(request)), account_counter(key))
    if reservation.blocked is not None:
        # No account lookup: a blocked attempt does the same work whether or not the
        # username exists (the audit admin finds these by the username in details).
        record(
            EventType.THROTTLED,
            Outcome.BLOCKED,
            request=request,
            details={
                "scope": reservation.blocked.limit.scope,
                "username": username_for_audit(key),
            },
        )
        return LoginResult(None, throttled=True)

    # The Acceptable Use Policy's versions are read before the password is checked:
    # the hash leaves the processor's caches cold, so the same work after it is
    # slower. An attempt that fails wastes this one short read.
    policy_versions = published_versions()
    user = authenticate(request, username=key, password=password)
    if isinstance(user, Account):
        chosen = chosen_language(request)
        with transaction.atomic():
            # One commit for the attempt given back, the session, last_login and the
            # audit row. (Without Redis, the counters' rows are locked first, in the
            # order reserve() takes them, and nothing else here locks them.)
            throttle.release(reservation)
            login(request, user)  # cycles the session key (session fixation)
            do_adopt_chosen_language(request, user, chosen)
            # A new version of the Acceptable Use Policy is asked first
            # (accounts.middleware.PolicyAcceptanceMiddleware): marked in the
            # session before its one write.
            mark_pending_at_sign_in(request, user, policy_versions)
            record(EventType.LOGIN_SUCCEEDED, Outcome.SUCCESS, request=request, account=user)
            request.session.save()
        return LoginResult(user)

    account, reason = _failure_reason(key)
    record(
        EventType.LOGIN_FAILED,
        Outcome.FAILURE,
        request=request,
        account=account,
        details={
            "username": username_for_audit(key, account),
            "reason": reason,
            "locked": reservation.limit_reached,
        },
    )
    return LoginResult(None, throttled=reservation.limit_reached)


class CurrentPasswordCheck(Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    THROTTLED = "throttled"


@sensitive_variables("password")
def check_current_password(
    request: HttpRequest, account: Account, password: str, *, purpose: str
) -> CurrentPasswordCheck:
    """The current password a signed-in change asks for (`purpose`: which change).

    Wrong ones count against the account's sign-in limit, so a device left signed in
    is no unthrottled password-guessing oracle; wrong and blocked attempts are
    audited like sign-ins."""
    counter = account_counter(account.username)
    reservation = throttle.reserve(counter)
    if not reservation.granted:
        record(
            EventType.THROTTLED, Outcome.BLOCKED, request=request, account=account,
            details={"scope": counter.limit.scope, "purpose": purpose},
        )
        return CurrentPasswordCheck.THROTTLED
    if account.check_password(password):
        throttle.release(reservation)
        return CurrentPasswordCheck.CORRECT
    record(
        EventType.PASSWORD_CHECK_FAILED, Outcome.FAILURE, request=request, account=account,
        details={"purpose": purpose},
    )
    return CurrentPasswordCheck.WRONG


def do_logout(request: HttpRequest) -> None:
    """Sign out and throw the session away (families share devices). The tokens
    the apps were given through single sign-on end too (accounts.hooks): on a
    shared device the next person must not open the apps as this one."""
    user = request.user
    if isinstance(user, Account):
        with transaction.atomic():
            record(EventType.LOGOUT, Outcome.SUCCESS, request=request, account=user)
            call_access_ended_hooks(AccessEnded(user.pk, AccessEndedReason.SIGNED_OUT, request))
    logout(request)
