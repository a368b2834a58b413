"""Claim My Account: matching a person from what they type, and finishing the claim.

Matching rules (from the district's letters):
- Names: the legal given and family names from the SIS/HR, or the preferred ones
  when the directory has them (both appear in the SIS), compared after fold():
  letter case, accents and surrounding or doubled spaces are forgiven, nothing else.
- ID: whitespace is removed. Students type their number as the SIS holds it; the
  letter says the ID does not include the "S", but families type it anyway: the
  username's prefix as the district's templates define it (USERNAME_TEMPLATES,
  "s0" by default) or its letters alone ("s") are accepted in front of the ID, in
  any case, so "1001905", "S1001905" and the whole username "S01001905" all mean
  the ID 1001905 (identifier_candidates). Employees may type up to
  EMPLOYEE_ID_DIGITS digits: they are zero-padded ("77777" and "077777" are the
  same employee), as the new-hire letter explains.
- Every failure (no match, inside the waiting period, already claimed, left the
  district, account disabled) is reported the same way; the reason goes only to
  the audit log, for technicians.

The work is the same on every path: one indexed query by identifier, then name
comparisons against a dummy when nothing was found. No password hashing happens
at step 1, so it is cheap whatever the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.acceptable_use import PolicyChoice, do_accept_policy
from accounts.challenges import do_set_answers
from accounts.forms_common import NewPasswordForm
from accounts.models import Account
from accounts.passwords import do_set_password_hash
from audit.models import EventType, Outcome
from audit.services import record
from common import throttle
from common.net import client_ip, client_network, in_school_network
from common.text import fold
from directory.models import Person

FailureReason = Literal[
    "no_match", "not_yet_claimable", "already_claimed", "inactive", "disabled", "ambiguous"
]

EMPLOYEE_ROLES = (Person.Role.TEACHER, Person.Role.STAFF, Person.Role.ADMINISTRATOR)


def address_counter(ip: str) -> throttle.Counter:
    """Failed claims from one client (an IPv6 client's /64, see client_network)."""
    limit = throttle.Limit(
        "claim-ip", settings.CLAIM_MAX_FAILURES_PER_IP, settings.CLAIM_LOCKOUT_SECONDS
    )
    return throttle.Counter(throttle.for_address(limit, ip), client_network(ip))


def identity_counter(identifier: str) -> throttle.Counter:
    """Failed claims of one ID, from anywhere.

    The ID as typed, without spaces, without the username's prefix and with an
    employee number's zeros dropped, so retyping it with its "S" or its zeros does
    not earn fresh attempts. The names are left out on
    purpose: the ID is what is being claimed, and a key holding the name would give
    every guessed name its own attempts."""
    limit = throttle.Limit(
        "claim-identity", settings.CLAIM_MAX_FAILURES_PER_IDENTITY, settings.CLAIM_LOCKOUT_SECONDS
    )
    typed = min(identifier_candidates(identifier), key=len)
    return throttle.Counter(limit, typed.lstrip("0") or typed)


def name_counter(family_name: str, given_name: str, ip: str) -> throttle.Counter:
    """Failed claims of one name from one address, names folded as matching folds
    them. On a school's network the per-address limit is multiplied, and that is
    where classmates sit: this caps guessing IDs for a known classmate from there.
    The address is part of the key so that nobody can lock a name out everywhere:
    the person can still claim from another network (home, the library)."""
    limit = throttle.Limit(
        "claim-name-ip", settings.CLAIM_MAX_FAILURES_PER_NAME_PER_IP, settings.CLAIM_LOCKOUT_SECONDS
    )
    return throttle.Counter(limit, f"{fold(family_name)}|{fold(given_name)}|{client_network(ip)}")


def reuse_counter(person: Person) -> throttle.Counter:
    """Step 2's "Passwords cannot be reused" answers, per person: they tell whether a
    password was this account's before (after a reset), so they are limited like
    failed step-1 attempts."""
    limit = throttle.Limit(
        "claim-reuse", settings.CLAIM_MAX_FAILURES_PER_IDENTITY, settings.CLAIM_LOCKOUT_SECONDS
    )
    return throttle.Counter(limit, f"person:{person.pk}")


def claim_counters(
    ip: str, identifier: str, family_name: str, given_name: str
) -> list[throttle.Counter]:
    """The counters a claim attempt reserves: per address, per ID, and on a school's
    network (where the per-address limit is multiplied) per name from that address."""
    counters = [address_counter(ip), identity_counter(identifier)]
    if in_school_network(ip):
        counters.append(name_counter(family_name, given_name, ip))
    return counters


def normalize_identifier(raw: str) -> str:
    return "".join(raw.split())


def username_prefixes() -> list[str]:
    """What may stand in front of a typed ID: each username template's prefix
    ("s0" of "s0{identifier}") and its letters alone ("s"), longest first."""
    prefixes: set[str] = set()
    for template in settings.USERNAME_TEMPLATES.values():
        prefix = template.split("{identifier}")[0].casefold()
        letters = prefix.rstrip("0123456789")
        prefixes.update(p for p in (prefix, letters) if p)
    return sorted(prefixes, key=len, reverse=True)


def identifier_candidates(raw: str) -> list[str]:
    """The IDs a typed ID may mean: as typed (without spaces), and without a
    username prefix in front of its digits. "S0123456" may be the username of the
    ID 123456 or an "S" before the ID 0123456: both are looked up, and the names
    decide."""
    typed = normalize_identifier(raw)
    candidates = [typed]
    for prefix in username_prefixes():
        rest = typed[len(prefix):]
        if typed.casefold().startswith(prefix) and rest.isascii() and rest.isdigit():
            candidates.append(rest)
    return list(dict.fromkeys(candidates))


def _employee_identifier(typed: str) -> str | None:
    digits = settings.EMPLOYEE_ID_DIGITS
    if typed.isascii() and typed.isdigit() and len(typed) <= digits:
        return typed.zfill(digits)
    return None


@dataclass(frozen=True)
class Match:
    person: Person | None
    reason: FailureReason | None

    @property
    def ok(self) -> bool:
        return self.person is not None and self.reason is None


_DUMMY = Person(given_name="\x00dummy", family_name="\x00dummy")


def _names_match(person: Person, family_name: str, given_name: str) -> bool:
    family = fold(family_name)
    given = fold(given_name)
    family_ok = False
    for candidate in (person.family_name, person.preferred_family_name):
        # Constant time: the comparison work does not depend on where names differ.
        family_ok |= bool(candidate) and constant_time_compare(fold(candidate), family)
    given_ok = False
    for candidate in (person.given_name, person.preferred_given_name):
        given_ok |= bool(candidate) and constant_time_compare(fold(candidate), given)
    return family_ok and given_ok and bool(family) and bool(given)


def why_not_claimable(
    person: Person, account: Account | None, now: datetime | None = None
) -> FailureReason | None:
    now = now or timezone.now()
    if not person.is_active:
        return "inactive"
    if person.claimable_at > now:
        return "not_yet_claimable"
    if account is not None and account.claimed_at is not None:
        return "already_claimed"
    if account is not None and not account.is_active:
        return "disabled"
    return None


def find_claimable_person(
    family_name: str, given_name: str, identifier: str, *, now: datetime | None = None
) -> Match:
    """The one active, claimable, unclaimed person these details describe."""
    typed = normalize_identifier(identifier)
    ids = identifier_candidates(identifier)
    query = Q(role=Person.Role.STUDENT, identifier__in=ids)
    employees = [e for e in map(_employee_identifier, ids) if e is not None]
    if employees:
        query |= Q(role__in=EMPLOYEE_ROLES, identifier__in=employees)
    # The account comes in the same query, so a full match costs no extra query
    # compared with a miss.
    candidates = (
        list(Person.objects.filter(query).select_related("account")[:5]) if typed else []
    )
    matches = [p for p in candidates or [_DUMMY] if _names_match(p, family_name, given_name)]
    matches = [p for p in matches if p is not _DUMMY]
    if not matches:
        return Match(None, "no_match")
    if len(matches) > 1:
        return Match(None, "ambiguous")
    person = matches[0]
    return Match(person, why_not_claimable(person, _account_of(person), now))


def _account_of(person: Person) -> Account | None:
    try:
        return person.account
    except Account.DoesNotExist:
        return None


@dataclass(frozen=True)
class IdentifyResult:
    person: Person | None
    throttled: bool = False


def do_identify(
    request: HttpRequest, family_name: str, given_name: str, identifier: str
) -> IdentifyResult:
    """Step 1: the person these details describe, if they may claim now.

    The attempt is reserved in its counters before the match; a match gives it
    back (it is not a failure), any failure keeps it. Every failure is audited
    with its reason and looks the same to the visitor."""
    reservation = throttle.reserve(
        *claim_counters(client_ip(request), identifier, family_name, given_name)
    )
    if reservation.blocked is not None:
        record(
            EventType.THROTTLED,
            Outcome.BLOCKED,
            request=request,
            details={"scope": reservation.blocked.limit.scope},
        )
        return IdentifyResult(None, throttled=True)
    match = find_claimable_person(family_name, given_name, identifier)
    if not match.ok or match.person is None:
        record(
            EventType.CLAIM_FAILED,
            Outcome.FAILURE,
            request=request,
            person_id=match.person.pk if match.person is not None else None,
            details={"step": "identify", "reason": match.reason},
        )
        return IdentifyResult(None)
    throttle.release(reservation)
    record(EventType.CLAIM_STARTED, Outcome.SUCCESS, request=request, person_id=match.person.pk)
    return IdentifyResult(match.person)


@dataclass(frozen=True)
class Claimant:
    """A person part-way through the wizard, and the account their password is
    checked against: after a reset the existing one, so its password history
    applies; otherwise an unsaved one, for the name rules."""

    person: Person
    account: Account


def find_claimant(request: HttpRequest, person_id: int, *, step: str) -> Claimant | None:
    """The wizard's person, or None (audited) when they can no longer be claimed:
    claimed meanwhile in another browser, left the district, disabled."""
    person = Person.objects.filter(pk=person_id).select_related("account").first()
    account = _account_of(person) if person is not None else None
    reason = why_not_claimable(person, account) if person is not None else "no_match"
    if person is None or reason is not None:
        record(
            EventType.CLAIM_FAILED,
            Outcome.FAILURE,
            request=request,
            person_id=person.pk if person is not None else None,
            details={"step": step, "reason": reason},
        )
        return None
    return Claimant(person, account or Account(username=person.username, person=person))


class PasswordStep(Enum):
    CHOSEN = "chosen"
    REFUSED = "refused"  # the form shows why
    THROTTLED = "throttled"


def check_new_password(
    request: HttpRequest, claimant: Claimant, form: NewPasswordForm
) -> PasswordStep:
    """Step 2: validate the chosen password (`form`, bound to the claimant's account).

    The submission is reserved before the password is compared with the account's
    old ones, and given back unless the answer was "Passwords cannot be reused":
    only those answers count. Audited when refused for the limit."""
    reservation = throttle.reserve(reuse_counter(claimant.person))
    if not reservation.granted:
        record(
            EventType.THROTTLED,
            Outcome.BLOCKED,
            request=request,
            person_id=claimant.person.pk,
            details={"scope": "claim-password"},
        )
        return PasswordStep.THROTTLED
    valid = form.is_valid()
    if not form.has_error("password1", "password_reused"):
        throttle.release(reservation)
    return PasswordStep.CHOSEN if valid else PasswordStep.REFUSED


@dataclass(frozen=True)
class ClaimResult:
    account: Account | None
    reason: FailureReason | None
    repeated: bool = False

    @property
    def ok(self) -> bool:
        return self.account is not None


def do_complete_claim(
    person_id: int,
    password_hash: str,
    answers: dict[int, str],
    *,
    question_count: int | None = None,
    policy: PolicyChoice | None = None,
    request: HttpRequest | None = None,
) -> ClaimResult:
    """Write the claim in one transaction: the account, its password, its answers
    (`question_count` of them, or none when the person's role lets them skip the
    questions) and the acceptance of the Acceptable Use Policy agreed to in the wizard.

    The person row is locked and "still claimable and unclaimed" re-checked, so
    two browsers finishing at once produce one claim; the unique person on
    Account is the last guard. A repeat of the same wizard (a double submit whose
    first request already committed) is recognised by its password hash, which is
    salted and so unique to this wizard, and reported as success without writing."""
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person_id)
            account = Account.objects.select_for_update().filter(person=person).first()
            if account is not None and account.claimed_at is not None:
                if constant_time_compare(account.password, password_hash):
                    return ClaimResult(account, None, repeated=True)
                return _failed(person, "already_claimed", request)
            reason = why_not_claimable(person, account)
            if reason is not None:
                return _failed(person, reason, request)
            if account is None:
                account = Account(username=person.username, person=person)
            account.claimed_at = timezone.now()
            account.recovery_failures = 0
            account.recovery_locked_at = None
            do_set_password_hash(account, password_hash)
            if answers:
                do_set_answers(account, answers, question_count)
            record(
                EventType.CLAIM_COMPLETED,
                Outcome.SUCCESS,
                request=request,
                account=account,
                details={} if answers else {"questions": "skipped"},
            )
            if policy is not None:
                do_accept_policy(account, policy, request=request)
    except IntegrityError:
        person = Person.objects.get(pk=person_id)
        return _failed(person, "already_claimed", request)
    except Person.DoesNotExist:
        return ClaimResult(None, "no_match")
    return ClaimResult(account, None)


def _failed(person: Person, reason: FailureReason, request: HttpRequest | None) -> ClaimResult:
    record(
        EventType.CLAIM_FAILED,
        Outcome.FAILURE,
        request=request,
        person_id=person.pk,
        details={"step": "finish", "reason": reason},
    )
    return ClaimResult(None, reason)
