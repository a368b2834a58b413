"""Fixtures the directory's admin and sync tests share."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.models import SyncRun
from directory.sync import sync_oneroster
from directory.tests.sync_helpers import append, copy_set

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def refused_run(tmp_path, settings, db) -> SyncRun:
    """A first import refused for one held-back enrollment row: it waits for review."""
    settings.SYNC_MAX_HELD_BACK_ROWS = 0
    settings.SYNC_HELD_DIR = tmp_path / "held"
    folder = copy_set(tmp_path)
    append(folder / "enrollments.csv", "e-8,,,cl-ghost,org-hs,u-s1,student,,,")
    report = sync_oneroster(folder, now=NOW)
    assert report.result == "refused" and report.sync_run_id is not None
    # The drop folder's files are replaced by the next export: review reads the copy.
    (folder / "users.csv").unlink()
    return SyncRun.objects.get(pk=report.sync_run_id)
