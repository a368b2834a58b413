"""A OneRoster run from start to end: the order in which files are read matters,
since every file refers to rows of the files read before it."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from directory.models import SyncRun
from directory.sync.fingerprint import StoredFingerprints
from directory.sync.oneroster.apply import apply_plans, make_plans
from directory.sync.oneroster.classes import read_classes
from directory.sync.oneroster.enrollments import read_enrollments
from directory.sync.oneroster.manifest import read_manifest
from directory.sync.oneroster.orgs import read_courses, read_orgs, read_sessions
from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.roles import check_roles, read_roles
from directory.sync.oneroster.snapshot import load_snapshot
from directory.sync.oneroster.stored import load_enrollment_fingerprints, load_people
from directory.sync.oneroster.users import UserReader
from directory.sync.plan import username_changes
from directory.sync.reader import Package
from directory.sync.report import HeldBackPerson, SyncReport
from directory.sync.runner import Prepared, Progress, RunOptions, run_sync

# Steps that write (orgs, sessions, classes, people, enrollments) and the end, for the
# progress bar beside the rows read.
APPLY_STEPS = 6


def sync_oneroster(
    path: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    scheduled: bool = False,
    content_hash: str = "",
) -> SyncReport:
    """Import a OneRoster 1.0/1.1/1.2 CSV package (a folder or a .zip; 1.0 has no manifest).

    Validates everything first; a row with an error is held back and the rest applies
    in one transaction (a file that cannot be read applies nothing). Refuses (result
    ``refused``, kept for review) a run that would deactivate more than
    SYNC_DEACTIVATION_THRESHOLD of the active OneRoster people, or that holds back more
    than SYNC_MAX_HELD_BACK of a file's rows, unless ``force``. ``dry_run`` only
    reports. ``scheduled`` runs email the IT contacts when they need attention;
    ``content_hash`` is stored on the run (the nightly runner skips what it applied).
    """
    return run_sync(
        SyncRun.Kind.ONEROSTER,
        Path(path),
        prepare,
        RunOptions(dry_run, force, scheduled, content_hash),
        now=now,
        progress=progress,
    )


def prepare(package: Package, report: SyncReport, now: datetime, tick: Progress) -> Prepared | None:
    """Read and check every file, then plan; None when a fatal problem stops the run."""
    started = time.perf_counter()
    manifest = read_manifest(package, report.problems)
    report.version = manifest.version
    report.modes = dict(manifest.modes)
    if report.fatal:
        return None
    if manifest.inferred:
        report.notes.append(
            _(
                "No manifest.csv: read as OneRoster %(version)s (told by the files' "
                "headers), and every file present as bulk: %(files)s."
            )
            % {
                "version": manifest.version,
                "files": ", ".join(f"{e}.csv" for e, m in manifest.modes.items() if m == "bulk"),
            }
        )
    started = report.timed("read", started)
    snapshot = load_snapshot()
    report.active_before = snapshot.active_people
    if manifest.version == "1.2" and not manifest.bulk("roles"):
        # A user row without roles keeps the role and orgs the directory holds.
        load_people(snapshot, snapshot.known, ())
    started = report.timed("load", started)
    reading = Reading(package, report, manifest, snapshot, tick)
    reading.total = APPLY_STEPS + sum(
        package.count_lines(f"{entity}.csv")
        for entity, mode in manifest.modes.items()
        if mode != "absent"
    )
    # Parents before children: orgs and sessions, then the courses that title classes,
    # classes, then (1.2) roles, users and the roles' check against users, and last
    # the enrollments that point at classes and users.
    read_orgs(reading)
    read_sessions(reading)
    read_courses(reading)
    read_classes(reading)
    if manifest.version == "1.2":
        read_roles(reading)
    UserReader(reading).read()
    if manifest.version == "1.2":
        check_roles(reading)
    stored = StoredFingerprints(set(), set(), 0)
    if manifest.present("enrollments"):
        started = report.timed("read", started)
        stored = load_enrollment_fingerprints()
        started = report.timed("load", started)
    read_enrollments(reading, stored)
    started = report.timed("read", started)
    if report.fatal:
        return None
    plans = make_plans(reading)
    report.timed("compare", started)
    people = snapshot.people
    return Prepared(
        apply=lambda: apply_plans(reading, plans, now),
        deactivated_people=[people[sid].pk for sid in plans.users.deactivate],
        reactivated_people=[people[sid].pk for sid in plans.users.reactivate],
        renamed_people=username_changes(plans.users, people),
        held_back_people=held_back_people(reading),
    )


def held_back_people(reading: Reading) -> list[HeldBackPerson]:
    """People in the directory whose users.csv row was held back."""
    users = reading.contexts.get("users")
    if users is None:
        return []
    known = reading.snapshot.known
    return [
        HeldBackPerson(users.filename, line, known[sid].pk)
        for sid, line in users.rejected.items()
        if sid in known
    ]
