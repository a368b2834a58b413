"""Claim My Account: matching a person from what they type, and finishing the claim.

Matching rules (issue 3, the district's letters):
- Names: the legal given and family names from the SIS/HR, or the preferred ones
  when the directory has them (both appear in the SIS), compared after fold():
  letter case, accents and surrounding or doubled spaces are forgiven, nothing else.
- ID: whitespace is removed. Students type their number exactly as the SIS holds
  it; a leading "S" is NOT forgiven (the letter says the ID does not include the
  "S", and the form says so too), because a forgiven "S0123456" would still not be
  the ID "123456" and half-forgiveness is more confusing than a clear rule.
  Employees may type up to EMPLOYEE_ID_DIGITS digits: they are zero-padded
  ("77777" and "077777" are the same employee), as the new-hire letter explains.
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
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.challenges import do_set_answers
from accounts.models import Account
from accounts.passwords import do_set_password_hash
from audit.models import EventType, Outcome
from audit.services import record
from common import throttle
from common.net import client_network, in_school_network
from common.text import fold
from directory.models import Person

FailureReason = Literal[
    "no_match", "not_yet_claimable", "already_claimed", "inactive", "disabled", "ambiguous"
]

EMPLOYEE_ROLES = (Person.Role.TEACHER, Person.Role.STAFF, Person.Role.ADMINISTRATOR)


def ip_limit(ip: str) -> throttle.Limit:
    return throttle.for_address(
        throttle.Limit(
            "claim-ip", settings.CLAIM_MAX_FAILURES_PER_IP, settings.CLAIM_LOCKOUT_SECONDS
        ),
        ip,
    )


def identity_limit() -> throttle.Limit:
    return throttle.Limit(
        "claim-identity",
        settings.CLAIM_MAX_FAILURES_PER_IDENTITY,
        settings.CLAIM_LOCKOUT_SECONDS,
    )


def name_limit() -> throttle.Limit:
    return throttle.Limit(
        "claim-name-ip", settings.CLAIM_MAX_FAILURES_PER_NAME_PER_IP, settings.CLAIM_LOCKOUT_SECONDS
    )


def reuse_limit() -> throttle.Limit:
    """Step 2's "Passwords cannot be reused" answers, per person (see views_claim)."""
    return throttle.Limit(
        "claim-reuse",
        settings.CLAIM_MAX_FAILURES_PER_IDENTITY,
        settings.CLAIM_LOCKOUT_SECONDS,
    )


def identity_key(identifier: str) -> str:
    """Throttle key for "this person": the ID as typed, without spaces and with an
    employee number's zeros dropped, so retyping it with zeros does not earn fresh
    attempts. The names are left out on purpose: the ID is what is being claimed,
    and a key holding the name would give every guessed name its own attempts."""
    typed = normalize_identifier(identifier)
    return typed.lstrip("0") or typed


def name_key(family_name: str, given_name: str, address: str) -> str:
    """Throttle key for "this name from this address", names folded as matching
    folds them. On a school's network the per-IP limit is multiplied, and that is
    where classmates sit: this caps guessing IDs for a known classmate from there.
    The address is part of the key so that nobody can lock a name out everywhere:
    the person can still claim from another network (home, the library)."""
    return f"{fold(family_name)}|{fold(given_name)}|{address}"


def throttle_checks(
    ip: str, identifier: str, family_name: str, given_name: str
) -> list[tuple[throttle.Limit, str]]:
    """The failure counters a claim attempt is checked against and, when it fails,
    counted in: per address (an IPv6 client's /64, see client_network), per ID,
    and on a school's network (where the per-IP limit is multiplied and classmates
    sit) per name from that address."""
    network = client_network(ip)
    checks = [(ip_limit(ip), network), (identity_limit(), identity_key(identifier))]
    if in_school_network(ip):
        checks.append((name_limit(), name_key(family_name, given_name, network)))
    return checks


def normalize_identifier(raw: str) -> str:
    return "".join(raw.split())


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
    query = Q(role=Person.Role.STUDENT, identifier=typed)
    employee = _employee_identifier(typed)
    if employee is not None:
        query |= Q(role__in=EMPLOYEE_ROLES, identifier=employee)
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
    request: HttpRequest | None = None,
) -> ClaimResult:
    """Write the claim in one transaction: the account, its password and answers.

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
            do_set_answers(account, answers)
            record(EventType.CLAIM_COMPLETED, Outcome.SUCCESS, request=request, account=account)
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
