"""A sync's progress(done, total) callback: a bar on a terminal, a log line every tenth
of the way otherwise (cron and systemd keep logs, where a redrawn bar is noise)."""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class ProgressDisplay(Protocol):
    def __call__(self, done: int, total: int) -> None: ...

    def close(self) -> None: ...


class TerminalProgress:
    """Draws a tqdm bar on stderr when `enabled` (the caller knows whether it writes to a
    terminal); otherwise does nothing, so logs and pipes stay clean. Call close() at the
    end, also when the sync fails."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.label, unit="row", file=sys.stderr,
                            leave=False, dynamic_ncols=True)
        if total != self.bar.total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class LoggedProgress:
    """Logs one INFO line each time the run passes another tenth of the way (10 %,
    20 % … 100 %), however often it is called and however the total grows."""

    STEP = 10  # percent

    def __init__(self, label: str) -> None:
        self.label = label
        self.logged = 0  # the last percentage logged

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        reached = min(100, done * 100 // total) // self.STEP * self.STEP
        if reached > self.logged:
            self.logged = reached
            logger.info("%s sync: %d%% (%d of %d rows)", self.label, reached, done, total)

    def close(self) -> None:
        return None


class NoProgress:
    """For a run asked to be quiet (verbosity 0)."""

    def __call__(self, done: int, total: int) -> None:
        return None

    def close(self) -> None:
        return None


def progress_for(label: str, *, terminal: bool, quiet: bool = False) -> ProgressDisplay:
    """A bar for a person at a terminal, log lines for a scheduled run, nothing when
    asked to be quiet."""
    if quiet:
        return NoProgress()
    return TerminalProgress(label, enabled=True) if terminal else LoggedProgress(label)
