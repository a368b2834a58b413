"""The nightly run nobody watches: take the newest complete export in a drop folder.

Districts' SIS and HR systems push an export every night, usually by SFTP, into a
folder. ``sync_latest`` picks the newest *complete* package there (OneRoster: a .zip
that reads whole, or a sub-folder with manifest.csv and every file it lists; HR: a
.csv file), skips it when a run already applied (or refused) the same content, and
otherwise syncs it as a scheduled run: same lock, thresholds and report, and the IT
contacts are emailed when it needs attention. Every call leaves a SyncRun.

A package still being uploaded is not complete: a .zip is read to its end (its
checksums too) and a folder must hold its manifest, which exporters write last.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import SyncRun
from directory.sync.hr import sync_hr
from directory.sync.notify import notify_it_contacts
from directory.sync.oneroster import sync_oneroster
from directory.sync.oneroster.manifest import MANIFEST
from directory.sync.reader import Package
from directory.sync.report import Problem, SyncReport
from directory.sync.runner import Progress, save_unread_run

# A package whose content a run of these results already took is not taken again.
DONE_RESULTS = (SyncRun.Result.APPLIED, SyncRun.Result.REFUSED)


def content_hash(path: Path) -> str:
    """SHA-256 of the files' names and bytes, whatever holds them: the same export
    zipped again, or unzipped into a folder, hashes the same."""
    digest = hashlib.sha256()
    package = Package(path)
    try:
        for name in sorted(package.names()):
            digest.update(name.encode() + b"\0")
            with package.open(name) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            digest.update(b"\0")
    finally:
        package.close()
    return digest.hexdigest()


def _zip_complete(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            return archive.testzip() is None and (MANIFEST in names or "users.csv" in names)
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def _folder_complete(path: Path) -> bool:
    """The folder holds manifest.csv and every file it lists as bulk or delta."""
    manifest = path / MANIFEST
    if not manifest.is_file():
        return False
    with manifest.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 2 or not row[0].strip().startswith("file."):
                continue
            listed = row[0].strip().removeprefix("file.")
            if (
                row[1].strip().casefold() in ("bulk", "delta")
                and not (path / f"{listed}.csv").is_file()
            ):
                return False
    return True


def _candidates(folder: Path, kind: SyncRun.Kind) -> Iterator[tuple[float, str, Path]]:
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue  # hidden: an upload in progress, as many SFTP clients write them
        if kind == SyncRun.Kind.HR:
            complete = entry.is_file() and entry.suffix.casefold() == ".csv"
            mtime = entry.stat().st_mtime if complete else 0.0
        elif entry.is_dir():
            complete = _folder_complete(entry)
            files = [f.stat().st_mtime for f in entry.iterdir() if f.is_file()]
            mtime = max(files, default=0.0)
        else:
            complete = entry.suffix.casefold() == ".zip" and _zip_complete(entry)
            mtime = entry.stat().st_mtime if complete else 0.0
        if complete:
            yield mtime, entry.name, entry


def newest_package(folder: Path, kind: SyncRun.Kind) -> Path | None:
    """The newest complete package in ``folder`` (by modification time, then name)."""
    found = sorted(_candidates(folder, kind), reverse=True)
    return found[0][2] if found else None


def sync_latest(
    kind: SyncRun.Kind,
    folder: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the newest complete package of ``folder`` unless its content was taken."""
    now = now or timezone.now()
    folder = Path(folder)
    if not folder.is_dir():
        return _unread(kind, folder, now, _("No such folder."))
    path = newest_package(folder, kind)
    if path is None:
        return _unread(kind, folder, now, _("No complete package in this folder."))
    digest = content_hash(path)
    done = (
        SyncRun.objects.filter(kind=kind, content_hash=digest, result__in=DONE_RESULTS)
        .order_by("-started_at")
        .first()
    )
    if done is not None and not force:
        report = SyncReport(kind=str(kind), source=str(path), result=SyncRun.Result.SKIPPED)
        report.message = _(
            "Skipped: run %(run)d (%(result)s, %(when)s) already took this package's content."
        ) % {
            "run": done.pk,
            "result": done.get_result_display(),
            "when": f"{done.started_at:%Y-%m-%d %H:%M}",
        }
        save_unread_run(kind, report, now, content_hash=digest)
        return report
    sync = sync_oneroster if kind == SyncRun.Kind.ONEROSTER else sync_hr
    return sync(
        path,
        dry_run=dry_run,
        force=force,
        now=now,
        progress=progress,
        scheduled=True,
        content_hash=digest,
    )


def _unread(kind: SyncRun.Kind, folder: Path, now: datetime, reason: str) -> SyncReport:
    report = SyncReport(kind=str(kind), source=str(folder))
    report.problems.append(Problem(str(folder), None, None, reason))
    report.message = _("Nothing was applied.")
    run = save_unread_run(kind, report, now)
    notify_it_contacts(run, report)
    return report
