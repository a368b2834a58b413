"""Approving or discarding a refused run, from the admin.

A run refused by a safety threshold is kept with its package (``held.py``). An IT
administrator reads its report (what it would create, change, deactivate and hold
back) and either approves it, which applies that same package as ``--force`` would,
or discards it. Both are audited with the actor. Who counts as an IT administrator is
the accounts app's answer, reached through ``settings.DIRECTORY_SYNC_REVIEWER`` so the
directory does not import the apps built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import EventType, Outcome
from audit.services import record
from directory.models import SyncRun
from directory.sync.held import drop_package
from directory.sync.hr import sync_hr
from directory.sync.oneroster import sync_oneroster
from directory.sync.report import SyncReport


class ReviewRefused(Exception):
    """The run is not waiting for review, or the user may not review it."""


@dataclass(frozen=True)
class Approval:
    held_run: SyncRun
    report: SyncReport


def can_review(user: Any) -> bool:
    """Whether ``user`` may approve or discard refused runs (IT administrators)."""
    path: str = getattr(settings, "DIRECTORY_SYNC_REVIEWER", "")
    if not path:
        return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))
    check = import_string(path)
    return bool(check(user))


def _claim(run_id: int, actor: AbstractBaseUser, review: SyncRun.Review) -> SyncRun:
    """Move a pending run to ``review``; the conditional update makes two reviewers
    clicking at once review it once."""
    if not can_review(actor):
        raise ReviewRefused
    claimed = SyncRun.objects.filter(pk=run_id, review=SyncRun.Review.PENDING).update(
        review=review, reviewed_by=actor, reviewed_at=timezone.now()
    )
    if not claimed:
        raise ReviewRefused
    return SyncRun.objects.get(pk=run_id)


def do_approve_held_run(run_id: int, *, actor: AbstractBaseUser) -> Approval:
    """Apply a refused run's kept package with the thresholds lifted.

    If the package no longer applies (the directory changed since), the run goes back
    to waiting for review and the failure is audited."""
    run = _claim(run_id, actor, SyncRun.Review.APPROVED)
    sync = sync_oneroster if run.kind == SyncRun.Kind.ONEROSTER else sync_hr
    report = sync(Path(run.held_package), force=True)
    applied = report.result == SyncRun.Result.APPLIED
    record(
        EventType.SYNC_APPROVED,
        Outcome.SUCCESS if applied else Outcome.FAILURE,
        actor=actor,
        details={"sync_run": run.pk, "applied_run": report.sync_run_id, "kind": run.kind},
    )
    if applied:
        drop_package(run)
    else:
        SyncRun.objects.filter(pk=run.pk).update(
            review=SyncRun.Review.PENDING, reviewed_by=None, reviewed_at=None
        )
    return Approval(held_run=run, report=report)


def do_discard_held_run(run_id: int, *, actor: AbstractBaseUser) -> SyncRun:
    """Throw a refused run's package away; the run and its report stay on record."""
    run = _claim(run_id, actor, SyncRun.Review.DISCARDED)
    drop_package(run)
    record(
        EventType.SYNC_DISCARDED,
        Outcome.SUCCESS,
        actor=actor,
        details={"sync_run": run.pk, "kind": run.kind},
    )
    return run
