"""The part every sync shares: refuse, dry-run or apply, then keep the record.

Parsing and planning happen before any write. Applying happens in one transaction, so
a run that fails changes nothing; the SyncRun row of a failed or refused run is written
outside it so the administrators can see what happened.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent, EventType, Outcome
from audit.services import record, record_many
from directory.models import SyncRun
from directory.sync.held import keep_package
from directory.sync.hooks import SyncChanges, UsernameChange, call_sync_hooks
from directory.sync.notify import notify_it_contacts
from directory.sync.reader import FileProblem, Package
from directory.sync.report import HeldBackPerson, PeopleConcerned, Problem, SyncReport
from directory.sync.safety import check_thresholds

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# The stored report keeps this many problems; the command prints them all.
STORED_PROBLEMS = 5000
# The stored report names at most this many people per kind of change.
STORED_PEOPLE = 1000
LOCK_KEY = "directory-sync-running"
LOCK_SECONDS = 2 * 60 * 60


@dataclass
class Prepared:
    """A validated, planned run: ``apply`` writes it."""

    apply: Callable[[], None]
    deactivated_people: list[int] = field(default_factory=list)
    reactivated_people: list[int] = field(default_factory=list)
    # (person pk, old username, new username)
    renamed_people: list[tuple[int, str, str]] = field(default_factory=list)
    held_back_people: list[HeldBackPerson] = field(default_factory=list)


Prepare = Callable[[Package, SyncReport, datetime, Progress], Prepared | None]


@dataclass(frozen=True)
class RunOptions:
    """How a run was asked for: what it may do and who hears of it."""

    dry_run: bool = False
    force: bool = False
    # Started by the schedule: a failed, refused or partly applied run is emailed.
    scheduled: bool = False
    content_hash: str = ""


def run_sync(
    kind: SyncRun.Kind,
    path: Path,
    prepare: Prepare,
    options: RunOptions,
    *,
    now: datetime | None,
    progress: Progress | None,
) -> SyncReport:
    # Two runs planned from the same state would both apply their plan: one at a time,
    # across processes and machines (the cache is shared). A crashed run's lock expires.
    try:
        locked = cache.add(LOCK_KEY, str(kind), timeout=LOCK_SECONDS)
    except DatabaseError:
        # The database cache's table is missing (createcachetable not run yet): a
        # first import on a fresh install should still work.
        logger.warning("No cache table: syncing without the one-run-at-a-time lock.")
        locked = True
    if not locked:
        report = SyncReport(kind=str(kind), source=str(path))
        report.problems.append(
            Problem(str(path), None, None, _("Another directory sync is running; try later."))
        )
        report.message = _("Nothing was applied.")
        return report
    # Hundreds of thousands of small, acyclic objects live during a run; the cyclic
    # collector would rescan them again and again for nothing (about 15% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        report, run = _run(kind, path, prepare, options, now=now, progress=progress)
    finally:
        if collecting:
            gc.enable()
        with suppress(DatabaseError):
            cache.delete(LOCK_KEY)
    if options.scheduled and run is not None:
        notify_it_contacts(run, report)
    return report


def save_unread_run(
    kind: SyncRun.Kind, report: SyncReport, now: datetime, *, content_hash: str = ""
) -> SyncRun:
    """The record of a scheduled run that read no package (none complete, or one
    already taken)."""
    return _save_run(kind, report, now, RunOptions(scheduled=True, content_hash=content_hash))


def _run(
    kind: SyncRun.Kind,
    path: Path,
    prepare: Prepare,
    options: RunOptions,
    *,
    now: datetime | None,
    progress: Progress | None,
) -> tuple[SyncReport, SyncRun | None]:
    now = now or timezone.now()
    report = SyncReport(kind=str(kind), source=str(path))
    prepared: Prepared | None = None
    try:
        package = Package(path)
    except FileProblem as problem:
        report.problems.append(problem.problem)
    else:
        try:
            prepared = prepare(package, report, now, progress or _no_progress)
        except FileProblem as problem:
            report.problems.append(problem.problem)
        finally:
            package.close()

    if prepared is not None:
        report.people = people_concerned(prepared)
    if report.fatal or prepared is None:
        report.result = SyncRun.Result.FAILED
        report.message = _("Nothing was applied: fix the errors and run the sync again.")
        run = _save_run(kind, report, now, options)
        logger.info("%s sync of %s failed with %d problems", kind, path, len(report.problems))
        return report, run

    reasons = [] if options.force else check_thresholds(report)
    refusal = " ".join(
        [
            *reasons,
            _(
                "If the export is right, an IT administrator can approve this run in the "
                "admin, or run it again with --force."
            ),
        ]
    )
    if options.dry_run:
        # A dry run answers "would this be applied?", so it reports the refusal too.
        report.result = SyncRun.Result.DRY_RUN
        report.message = _("Dry run: nothing was applied.")
        if reasons:
            report.message += " " + refusal
        return report, _save_run(kind, report, now, options)

    if reasons:
        report.result = SyncRun.Result.REFUSED
        report.message = _("Refused, nothing was applied.") + " " + refusal
        run = _save_run(kind, report, now, options)
        keep_package(run, path)
        record(
            EventType.SYNC_REFUSED,
            Outcome.BLOCKED,
            details={"sync_run": run.pk, "kind": str(kind), **_figures(report)},
        )
        return report, run

    try:
        with transaction.atomic():
            started = time.perf_counter()
            prepared.apply()
            report.timed("write", started)
            report.result = SyncRun.Result.APPLIED
            if report.held_back:
                report.message = _(
                    "Applied; %(count)d row(s) held back (listed above): the records they "
                    "name were left as they were."
                ) % {"count": report.held_back}
            run = _save_run(kind, report, now, options)
            _audit(run, kind, report, prepared)
            call_sync_hooks(
                SyncChanges(
                    sync_run_id=run.pk,
                    renamed=[UsernameChange(*change) for change in prepared.renamed_people],
                    deactivated=list(prepared.deactivated_people),
                    reactivated=list(prepared.reactivated_people),
                )
            )
    except Exception:
        report.result = SyncRun.Result.FAILED
        report.message = _("The database refused the changes; nothing was applied.")
        _save_run(kind, report, now, options)
        logger.exception("%s sync of %s failed while applying", kind, path)
        raise
    logger.info("%s sync of %s applied (%d rows held back)", kind, path, report.held_back)
    return report, run


def people_concerned(prepared: Prepared) -> PeopleConcerned:
    """Who the run changes, for the report's links; a long list is cut (the counts
    stay whole)."""
    return PeopleConcerned(
        deactivated=prepared.deactivated_people[:STORED_PEOPLE],
        reactivated=prepared.reactivated_people[:STORED_PEOPLE],
        renamed=[pk for pk, _old, _new in prepared.renamed_people[:STORED_PEOPLE]],
        held_back=prepared.held_back_people[:STORED_PEOPLE],
    )


def _no_progress(done: int, total: int) -> None:
    return None


def _figures(report: SyncReport) -> dict[str, int]:
    return {
        "active_before": report.active_before,
        "would_deactivate": report.would_deactivate,
        "held_back": report.held_back,
    }


def _save_run(
    kind: SyncRun.Kind, report: SyncReport, now: datetime, options: RunOptions
) -> SyncRun:
    data = report.to_json()
    if len(report.problems) > STORED_PROBLEMS:
        data["problems"] = data["problems"][:STORED_PROBLEMS]
        data["problems_not_stored"] = len(report.problems) - STORED_PROBLEMS
    run = SyncRun.objects.create(
        kind=kind,
        source=str(report.source)[:1024],
        started_at=now,
        finished_at=timezone.now(),
        result=report.result,
        report=data,
        content_hash=options.content_hash,
        scheduled=options.scheduled,
    )
    report.sync_run_id = run.pk
    return run


def _audit(run: SyncRun, kind: SyncRun.Kind, report: SyncReport, prepared: Prepared) -> None:
    details = {"sync_run": run.pk, "kind": str(kind)}
    events = [
        AuditEvent(
            event_type=EventType.PERSON_DEACTIVATED,
            outcome=Outcome.SUCCESS,
            person_id=pk,
            details=details,
        )
        for pk in prepared.deactivated_people
    ] + [
        AuditEvent(
            event_type=EventType.PERSON_REACTIVATED,
            outcome=Outcome.SUCCESS,
            person_id=pk,
            details=details,
        )
        for pk in prepared.reactivated_people
    ]
    record_many(events)
    changes = {name: counts.changes() for name, counts in report.counts.items()}
    record(
        EventType.SYNC_APPLIED,
        Outcome.SUCCESS,
        details={**details, "changes": changes, **_figures(report)},
    )
