"""A sync's progress(done, total) callback drawn as a bar on a terminal."""

from __future__ import annotations

import sys
from typing import Any


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
