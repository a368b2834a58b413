"""Setting an account's password, keeping the history that "Passwords cannot be
reused" is checked against (accounts.password_validation.PasswordHistoryValidator)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from accounts.hooks import AccessEnded, AccessEndedReason, call_access_ended_hooks
from accounts.models import Account, PasswordHistory
from accounts.role_policies import longest_history_kept
from audit.models import EventType, Outcome
from audit.services import record
from common.mail import language_for, send_templated_email


def do_set_password(
    account: Account,
    raw_password: str,
    *,
    request: HttpRequest | None = None,
    event: EventType = EventType.PASSWORD_CHANGED,
) -> None:
    """Replace the password, pushing the previous usable hash into the history.

    Callers validate first against the account's role's rules (NewPasswordForm).
    Only as many hashes as the longest history rule of any role checks are kept:
    older ones are deleted so hashes of long-abandoned passwords do not pile up.

    What the apps were given on the old password (single sign-on tokens) ends with
    it: whoever knew the old password may have used it to sign in to them."""
    with transaction.atomic():
        had_password = account.pk is not None and account.has_usable_password()
        if had_password:
            PasswordHistory.objects.create(account=account, password=account.password)
        account.set_password(raw_password)
        account.save()
        trim_history(account)
        record(event, Outcome.SUCCESS, request=request, account=account)
        if had_password:
            reason = (
                AccessEndedReason.PASSWORD_RESET
                if event == EventType.PASSWORD_RESET
                else AccessEndedReason.PASSWORD_CHANGED
            )
            call_access_ended_hooks(AccessEnded(account.pk, reason, request))


def do_set_password_hash(account: Account, encoded: str) -> None:
    """Store an already-hashed password (the claim wizard hashes at step 2 so the raw
    password never sits in the session). No audit row: the claim's own row covers it."""
    if account.pk is not None and account.has_usable_password():
        PasswordHistory.objects.create(account=account, password=account.password)
    account.password = encoded
    account.save()
    trim_history(account)


def trim_history(account: Account) -> None:
    keep = longest_history_kept()
    stale = list(
        PasswordHistory.objects.filter(account=account).values_list("pk", flat=True)[keep:]
    )
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()


def notify_password_changed(account: Account) -> None:
    """Tell the person by email, so a change they did not make does not go unnoticed."""
    if account.email:
        send_templated_email(
            "password_changed",
            [account.email],
            {"name": account.display_name, "username": account.display_username},
            language_for(account.language),
        )
