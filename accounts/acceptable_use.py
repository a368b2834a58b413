"""The district's Acceptable Use Policy: which version applies to a person, recording
their acceptance, asking again once a new version is published, and declining.

The claim wizard shows the version that applies as the step before the password and
records the acceptance with the claim (accounts.claiming.do_complete_claim). A version
published later is asked at the person's next sign-in: the sign-in marks the session
(mark_pending_at_sign_in) and accounts.middleware.PolicyAcceptanceMiddleware keeps the
person on the policy page until they accept or decline; declining signs them out."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AcceptableUsePolicy, Account, PolicyAcceptance
from accounts.role_policies import policy_role
from audit.models import EventType, Outcome
from audit.services import record
from common.markdown import render_markdown
from common.net import client_ip

# The session key of the version a signed-in person must still accept.
PENDING_SESSION_KEY = "policy_pending"


@dataclass(frozen=True)
class PublishedVersion:
    """A published version as a sign-in reads it: its id and roles, not its texts
    (they are long)."""

    policy_id: int
    roles: list[str]


def published_versions() -> tuple[PublishedVersion, ...]:
    """Every published version, newest first. A sign-in reads them before the
    password is checked (accounts.login.do_login_attempt)."""
    rows = AcceptableUsePolicy.objects.filter(published_at__isnull=False).values_list("pk", "roles")
    return tuple(PublishedVersion(int(pk), roles) for pk, roles in rows)


def current_policy_id(role: str, versions: Sequence[PublishedVersion] | None = None) -> int | None:
    """The newest published version that applies to `role`, among `versions` when
    they have been read already. The roles are checked in Python: few versions
    exist, and SQLite cannot search inside a JSON list."""
    found = published_versions() if versions is None else versions
    newest = next((version for version in found if role in version.roles), None)
    return None if newest is None else newest.policy_id


def current_policy(role: str) -> AcceptableUsePolicy | None:
    policy_id = current_policy_id(role)
    return None if policy_id is None else AcceptableUsePolicy.objects.get(pk=policy_id)


def current_policy_for(account: Account) -> AcceptableUsePolicy | None:
    return current_policy(policy_role(account))


def policy_html(policy: AcceptableUsePolicy, language: str) -> str:
    """The text in `language` (English when missing) as sanitised HTML."""
    return render_markdown(policy.text_for(language))


def needs_guardian_note(policy: AcceptableUsePolicy, account: Account) -> bool:
    """Whether the page asks a student to note a parent's or guardian's acceptance.
    The directory holds no birth dates, so every student is asked, and the box says
    it is for students under 13."""
    return policy.guardian_note_under_13 and policy_role(account) == "student"


def policy_to_accept(
    account: Account, versions: Sequence[PublishedVersion] | None = None
) -> int | None:
    """The id of the version that applies to the account and it has not accepted
    (`versions`: the published ones, when read already)."""
    policy_id = current_policy_id(policy_role(account), versions)
    if policy_id is None:
        return None
    accepted = PolicyAcceptance.objects.filter(account=account, policy_id=policy_id).exists()
    return None if accepted else policy_id


def mark_pending_at_sign_in(
    request: HttpRequest, account: Account, versions: Sequence[PublishedVersion] | None = None
) -> None:
    """At sign-in, before the session is written: remember in it the version the
    person must accept first."""
    policy_id = policy_to_accept(account, versions)
    if policy_id is not None:
        request.session[PENDING_SESSION_KEY] = policy_id


def pending_policy(request: HttpRequest) -> AcceptableUsePolicy | None:
    policy_id = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(policy_id, int):
        return None
    return AcceptableUsePolicy.objects.filter(pk=policy_id, published_at__isnull=False).first()


@dataclass(frozen=True)
class PolicyChoice:
    """What a person agreed to on the policy page: the version, in which language,
    and (students) whether a parent or guardian read it with them."""

    policy_id: int
    language: str
    guardian_noted: bool = False


def do_accept_policy(
    account: Account, choice: PolicyChoice, *, request: HttpRequest | None = None
) -> PolicyAcceptance:
    """Record the acceptance with its time, address and language, audited. Accepting
    the same version again (after an account reset and a new claim) renews the row."""
    with transaction.atomic():
        acceptance, _created = PolicyAcceptance.objects.update_or_create(
            account=account,
            policy_id=choice.policy_id,
            defaults={
                "accepted_at": timezone.now(),
                "ip_address": _address(request),
                "language": choice.language,
                "guardian_noted": choice.guardian_noted,
            },
        )
        record(
            EventType.POLICY_ACCEPTED,
            Outcome.SUCCESS,
            request=request,
            account=account,
            details={
                "version": acceptance.policy.version,
                "language": choice.language,
                "guardian_noted": choice.guardian_noted,
            },
        )
    if request is not None:
        request.session.pop(PENDING_SESSION_KEY, None)
    return acceptance


def do_decline_policy(request: HttpRequest, account: Account, policy: AcceptableUsePolicy) -> None:
    """Audit the refusal; the caller signs the person out."""
    record(
        EventType.POLICY_DECLINED,
        Outcome.FAILURE,
        request=request,
        account=account,
        details={"version": policy.version},
    )


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a test client or a proxy that passed none
        return None


@dataclass(frozen=True)
class AcceptedPolicy:
    """The newest version a person accepted, as the account pages show it."""

    version: str
    accepted_at: datetime
    language: str
    guardian_noted: bool


def accepted_policy(account: Account) -> AcceptedPolicy | None:
    """The newest version of the Acceptable Use Policy the account accepted, or None."""
    acceptance = (
        PolicyAcceptance.objects.filter(account=account)
        .select_related("policy")
        .order_by("-policy__published_at", "-accepted_at")
        .first()
    )
    if acceptance is None:
        return None
    return AcceptedPolicy(
        version=acceptance.policy.version,
        accepted_at=acceptance.accepted_at,
        language=acceptance.language,
        guardian_noted=acceptance.guardian_noted,
    )
