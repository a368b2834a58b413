"""Send the ticket emails whose time has come: those a mail-server outage delayed
(their retry is due) and any whose worker died while sending.

Run it from cron, or with --every to keep running; the database task worker
retries on its own as well, so this is the safety net, not the only path."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from support.notifications import deliver_due


class Command(BaseCommand):
    help = "Send the ticket emails that are due (after a mail-server outage)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0,
            help="Keep running, checking every this many seconds (stops on SIGTERM).",
        )

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        self.stopping = False
        if every > 0:
            signal.signal(signal.SIGTERM, self._stop)
        while True:
            sent = self.run_once()
            self.stdout.write(f"{sent} ticket email(s) sent.")
            if every <= 0 or self.stopping:
                return
            time.sleep(every)

    def run_once(self) -> int:
        return deliver_due()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
