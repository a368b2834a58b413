"""`manage.py sync oneroster PATH` / `manage.py sync hr PATH`: import the directory.

Exit codes: 0 applied (or a dry run that would apply), 1 errors (nothing applied),
2 usage error, 3 refused by the deactivation safety threshold, or a dry run that would
be refused (nothing applied; re-run with --force if the export really is complete).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from directory.sync import SyncReport, sync_hr, sync_oneroster
from directory.sync.progress import TerminalProgress
from directory.sync.report import Counts

EXIT_REFUSED = 3
COUNT_COLUMNS = (
    "created",
    "updated",
    "deactivated",
    "reactivated",
    "unchanged",
    "ignored",
    "rejected",
)


class Command(BaseCommand):
    help = "Sync the directory from a OneRoster CSV package or an HR CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="{oneroster,hr}")
        for name, text in (
            ("oneroster", "a OneRoster 1.1/1.2 CSV folder or .zip with manifest.csv"),
            ("hr", "the HR employee CSV file"),
        ):
            sub = sources.add_parser(name, help=text)
            sub.add_argument("path", type=Path, help=text)
            sub.add_argument(
                "--dry-run", action="store_true", help="report what would change; write nothing"
            )
            sub.add_argument(
                "--force",
                action="store_true",
                help="apply even if more than the threshold share of people would be deactivated",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        sync = sync_oneroster if options["source"] == "oneroster" else sync_hr
        bar = TerminalProgress(options["source"], self.stdout.isatty())
        try:
            report = sync(
                options["path"],
                dry_run=options["dry_run"],
                force=options["force"],
                progress=bar,
            )
        finally:
            bar.close()
        self.print_report(report)
        if report.result == "refused" or report.over_threshold:
            raise CommandError(report.message, returncode=EXIT_REFUSED)
        if report.result == "failed":
            raise CommandError(
                _("%(count)d problem(s); nothing was applied.") % {"count": len(report.problems)}
            )

    def print_report(self, report: SyncReport) -> None:
        out = self.stdout
        header = f"{'':<18}" + "".join(f"{name:>12}" for name in COUNT_COLUMNS)
        out.write(header)
        for entity, counts in report.counts.items():
            if counts == Counts():
                continue
            out.write(
                f"{entity:<18}" + "".join(f"{getattr(counts, name):>12}" for name in COUNT_COLUMNS)
            )
        if report.problems:
            out.write("")
            out.write(_("Rejected rows and errors:"))
            for problem in report.problems:
                out.write(f"  {problem}")
        out.write("")
        result = _("Applied.") if report.result == "applied" else report.message
        style = self.style.SUCCESS if report.ok and not report.over_threshold else self.style.ERROR
        out.write(style(result))
