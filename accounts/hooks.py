"""What accounts tells the apps above it when an account's access ends.

Single sign-on issues tokens to other applications on an account's behalf; they
must end with the account's sessions. Accounts does not import those apps: it
calls the functions named in ``settings.ACCOUNT_ACCESS_ENDED_HOOKS`` (dotted paths),
inside the transaction of the change, so a hook that fails undoes the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


class AccessEndedReason(StrEnum):
    ACCOUNT_RESET = "account_reset"
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason, not a password
    SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class AccessEnded:
    account_id: int
    reason: AccessEndedReason
    request: HttpRequest | None = None


AccessEndedHook = Callable[[AccessEnded], None]


def access_ended_hooks() -> list[AccessEndedHook]:
    paths: list[str] = list(getattr(settings, "ACCOUNT_ACCESS_ENDED_HOOKS", []))
    return [import_string(path) for path in paths]


def call_access_ended_hooks(event: AccessEnded) -> None:
    for hook in access_ended_hooks():
        hook(event)
