"""What an applied sync changed, handed to the apps above the directory.

The directory never imports the apps that build on it (accounts, support...), yet
some of their rows follow a person's: an account's username is the person's. So the
sync calls the functions named in ``settings.DIRECTORY_SYNC_HOOKS`` (dotted paths)
inside its apply transaction: a hook that fails rolls the whole run back, and a dry
run or a refused run calls none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class UsernameChange:
    person_id: int
    old_username: str
    new_username: str


@dataclass(frozen=True)
class SyncChanges:
    """Person-level changes of one applied run (person primary keys)."""

    sync_run_id: int | None = None
    renamed: list[UsernameChange] = field(default_factory=list)
    deactivated: list[int] = field(default_factory=list)
    reactivated: list[int] = field(default_factory=list)


SyncHook = Callable[[SyncChanges], None]


def sync_hooks() -> list[SyncHook]:
    paths: list[str] = list(getattr(settings, "DIRECTORY_SYNC_HOOKS", []))
    return [import_string(path) for path in paths]


def call_sync_hooks(changes: SyncChanges) -> None:
    for hook in sync_hooks():
        hook(changes)
