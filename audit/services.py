"""Writing the audit log. Callers pass facts, never secrets: details must not hold
passwords, challenge answers, tokens or the text someone typed into a password box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from audit.models import AuditEvent, EventType, Outcome
from common.net import client_ip, user_agent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

_FORBIDDEN_DETAIL_KEYS = {"password", "password1", "password2", "answer", "answers", "token"}


def _refuse_secrets(details: dict[str, Any]) -> None:
    leaked = _FORBIDDEN_DETAIL_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"Audit details must not contain secrets: {sorted(leaked)}")


def record(
    event_type: EventType,
    outcome: Outcome,
    *,
    request: HttpRequest | None = None,
    account: AbstractBaseUser | None = None,
    person_id: int | None = None,
    actor: AbstractBaseUser | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    details = details or {}
    _refuse_secrets(details)
    if person_id is None and account is not None:
        person_id = getattr(account, "person_id", None)
    event = AuditEvent(
        event_type=event_type,
        outcome=outcome,
        account_id=account.pk if account is not None else None,
        person_id=person_id,
        actor_id=actor.pk if actor is not None else None,
        ip_address=client_ip(request) if request is not None else "",
        user_agent=user_agent(request) if request is not None else "",
        details=details,
    )
    event.save(force_insert=True)
    return event


def record_many(events: Iterable[AuditEvent]) -> None:
    """Append events a bulk job built (a directory sync: one per person), in batched
    INSERTs, under record()'s rule: nothing is written if any details name a secret.
    New rows only, so the log stays append-only."""
    events = list(events)
    for event in events:
        _refuse_secrets(event.details)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
