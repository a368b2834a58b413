"""Directory sync: OneRoster CSV and HR CSV importers.

``sync_oneroster(path, ...)`` and ``sync_hr(path, ...)`` validate everything, then apply
in one transaction (or refuse, or dry-run) and return a SyncReport.
"""

from directory.sync.hr import sync_hr
from directory.sync.oneroster import sync_oneroster
from directory.sync.report import Counts, Problem, SyncReport

__all__ = ["Counts", "Problem", "SyncReport", "sync_hr", "sync_oneroster"]
