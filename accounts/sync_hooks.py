"""Directory sync hooks (settings.DIRECTORY_SYNC_HOOKS): keep accounts in step with
the people they belong to.

A person's username is recomputed by the sync when their SIS/HR identifier changes;
their account must follow, or they could no longer sign in with the username the
district now gives them. Called inside the sync's apply transaction, so a failure
here rolls the whole run back, and a dry run never gets here.
"""

from __future__ import annotations

import logging

from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Cast, Concat

from accounts.models import Account
from audit.models import AuditEvent, EventType, Outcome
from audit.services import record_many
from directory.sync.hooks import SyncChanges

logger = logging.getLogger(__name__)

# Usernames are made of letters and digits, so "#" marks a row being renamed.
PLACEHOLDER = "#renaming:"
# Two parameters per row in the CASE: well under every database's limit.
BATCH = 500


def follow_username_changes(changes: SyncChanges) -> None:
    """Rename the accounts of renamed people with bulk UPDATEs (two per 500 accounts)
    and one bulk INSERT of audit rows.

    The first UPDATE parks every renamed account on a placeholder, so that usernames
    passed along a chain or swapped between two people never collide with a row not
    yet renamed. An account whose new username is taken by an account outside this
    run (an IT account created by hand, say) keeps its old one: the sync is not
    refused for it, and the audit row records the conflict for a technician."""
    if not changes.renamed:
        return
    new_by_person = {c.person_id: c.new_username.casefold() for c in changes.renamed}
    accounts = list(
        Account.objects.filter(person_id__in=new_by_person).values_list(
            "pk", "person_id", "username"
        )
    )
    if not accounts:
        return
    moving = {pk for pk, _person, _old in accounts}
    taken = set(
        Account.objects.filter(username__in=new_by_person.values())
        .exclude(pk__in=moving)
        .values_list("username", flat=True)
    )
    renames: dict[int, str] = {}  # account pk -> new username
    events: list[AuditEvent] = []
    details = {"sync_run": changes.sync_run_id}
    for pk, person_id, old in accounts:
        new = new_by_person[person_id]
        if new == old:
            continue
        if new in taken:
            events.append(
                AuditEvent(
                    event_type=EventType.ACCOUNT_RENAMED,
                    outcome=Outcome.FAILURE,
                    account_id=pk,
                    person_id=person_id,
                    details={**details, "old": old, "new": new, "reason": "username_taken"},
                )
            )
            logger.warning("Account %s keeps %s: %s is taken by another account", pk, old, new)
            continue
        renames[pk] = new
        events.append(
            AuditEvent(
                event_type=EventType.ACCOUNT_RENAMED,
                outcome=Outcome.SUCCESS,
                account_id=pk,
                person_id=person_id,
                details={**details, "old": old, "new": new},
            )
        )
    pks = sorted(renames)
    for start in range(0, len(pks), BATCH):
        Account.objects.filter(pk__in=pks[start : start + BATCH]).update(
            username=Concat(Value(PLACEHOLDER), Cast("pk", output_field=CharField()))
        )
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        Account.objects.filter(pk__in=batch).update(
            username=Case(
                *(When(pk=pk, then=Value(renames[pk])) for pk in batch),
                output_field=CharField(),
            )
        )
    record_many(events)
    logger.info("Renamed %d accounts after a directory sync", len(renames))
