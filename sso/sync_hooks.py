"""Directory sync hook (settings.DIRECTORY_SYNC_HOOKS): the single sign-on tokens of
people who left the district end with the sync that deactivated them, in its
transaction (a sync that fails ends nothing)."""

from __future__ import annotations

from directory.sync.hooks import SyncChanges
from sso.services import end_tokens_of_people


def end_tokens_of_deactivated_people(changes: SyncChanges) -> None:
    if changes.deactivated:
        end_tokens_of_people(
            changes.deactivated, reason="person_deactivated", sync_run=changes.sync_run_id
        )
