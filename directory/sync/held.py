"""Where a refused run's package waits for review: a copy, since the drop folder's
files are replaced by the next export, and approving must apply what was reviewed."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from directory.models import SyncRun


def held_dir(run: SyncRun) -> Path:
    return Path(settings.SYNC_HELD_DIR) / f"run-{run.pk}"


def keep_package(run: SyncRun, source: Path) -> None:
    """Copy the package (a folder's files, a .zip or a CSV file) beside the run, and
    mark the run as waiting for review."""
    target = held_dir(run)
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        kept = target / (source.name or "package")
        shutil.copytree(source, kept, dirs_exist_ok=True)
    else:
        kept = target / source.name
        shutil.copy2(source, kept)
    run.held_package = str(kept)
    run.review = SyncRun.Review.PENDING
    run.save(update_fields=["held_package", "review"])


def drop_package(run: SyncRun) -> None:
    """Remove a reviewed run's copy; the run and its report stay."""
    shutil.rmtree(held_dir(run), ignore_errors=True)
