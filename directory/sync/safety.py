"""The safety thresholds: a run that would deactivate too many people, or that holds
back too many rows of a file, is refused (and kept for review) unless forced."""

from __future__ import annotations

import math

from django.conf import settings
from django.utils.translation import gettext as _

from directory.sync.report import SyncReport


def allowed_held_back(rows: int) -> int:
    """How many of a file's ``rows`` may be held back before the run is refused."""
    share: float = settings.SYNC_MAX_HELD_BACK
    floor: int = settings.SYNC_MAX_HELD_BACK_ROWS
    return max(floor, math.floor(share * rows))


def check_thresholds(report: SyncReport) -> list[str]:
    """The reasons to refuse the run (none: it may apply). Sets the report's flags."""
    reasons: list[str] = []
    threshold: float = settings.SYNC_DEACTIVATION_THRESHOLD
    if report.active_before > 0 and report.would_deactivate > threshold * report.active_before:
        reasons.append(
            _(
                "This run would deactivate %(count)d of %(active)d active people (more "
                "than %(share)s)."
            )
            % {
                "count": report.would_deactivate,
                "active": report.active_before,
                "share": f"{threshold:.0%}",
            }
        )
    report.over_held_back = []
    for entity, rows in report.file_rows.items():
        held = report.entity(entity).rejected
        if held > allowed_held_back(rows):
            report.over_held_back.append(entity)
            reasons.append(
                _(
                    "%(file)s holds back %(held)d of %(rows)d rows (more than %(share)s and "
                    "more than %(floor)d)."
                )
                % {
                    "file": entity,
                    "held": held,
                    "rows": rows,
                    "share": f"{settings.SYNC_MAX_HELD_BACK:.0%}",
                    "floor": settings.SYNC_MAX_HELD_BACK_ROWS,
                }
            )
    report.over_threshold = bool(reasons)
    return reasons
