"""`manage.py sync oneroster PATH` / `manage.py sync hr PATH`: import the directory.

`--latest DIR` instead of PATH is the nightly run: the newest complete package in the
drop folder DIR, skipped when its content was already taken (exit 0), with the IT
contacts emailed when it needs attention (directory/sync/nightly.py).

Exit codes: 0 applied clean (or a dry run that would), 1 errors (nothing applied),
2 usage error, 3 refused by a safety threshold (too many deactivations or held-back
rows; nothing applied, the run waits for review), or a dry run that would be refused,
4 applied with rows held back (or a dry run that would be).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from directory.models import SyncRun
from directory.sync import SyncReport, sync_hr, sync_oneroster
from directory.sync.nightly import sync_latest
from directory.sync.progress import TerminalProgress
from directory.sync.report import Counts

EXIT_REFUSED = 3
EXIT_HELD_BACK = 4
# (Counts attribute, column heading)
COUNT_COLUMNS = (
    ("created", "created"),
    ("updated", "updated"),
    ("deactivated", "deactivated"),
    ("reactivated", "reactivated"),
    ("unchanged", "unchanged"),
    ("ignored", "ignored"),
    ("rejected", "held back"),
)


class Command(BaseCommand):
    help = "Sync the directory from a OneRoster CSV package or an HR CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="{oneroster,hr}")
        for name, text in (
            ("oneroster", "a OneRoster 1.0/1.1/1.2 CSV folder or .zip"),
            ("hr", "the HR employee CSV file"),
        ):
            sub = sources.add_parser(name, help=text)
            where = sub.add_mutually_exclusive_group(required=True)
            where.add_argument("path", type=Path, nargs="?", help=text)
            where.add_argument(
                "--latest",
                type=Path,
                metavar="DIR",
                help="the newest complete package in the drop folder DIR (scheduled runs)",
            )
            sub.add_argument(
                "--dry-run", action="store_true", help="report what would change; write nothing"
            )
            sub.add_argument(
                "--force",
                action="store_true",
                help="apply even if more than the threshold share of people would be deactivated",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        oneroster = options["source"] == "oneroster"
        bar = TerminalProgress(options["source"], self.stdout.isatty())
        try:
            if options["latest"] is not None:
                kind = SyncRun.Kind.ONEROSTER if oneroster else SyncRun.Kind.HR
                report = sync_latest(
                    kind,
                    options["latest"],
                    dry_run=options["dry_run"],
                    force=options["force"],
                    progress=bar,
                )
            else:
                report = (sync_oneroster if oneroster else sync_hr)(
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
        if report.held_back:
            raise CommandError(
                _("Applied with %(count)d row(s) held back.") % {"count": report.held_back}
                if report.result == "applied"
                else _("Dry run: %(count)d row(s) would be held back.")
                % {"count": report.held_back},
                returncode=EXIT_HELD_BACK,
            )

    def print_report(self, report: SyncReport) -> None:
        out = self.stdout
        header = f"{'':<18}" + "".join(f"{label:>12}" for _name, label in COUNT_COLUMNS)
        out.write(header)
        for entity, counts in report.counts.items():
            if counts == Counts():
                continue
            out.write(
                f"{entity:<18}"
                + "".join(f"{getattr(counts, name):>12}" for name, _label in COUNT_COLUMNS)
            )
        for note in report.notes:
            out.write("")
            out.write(note)
        fatal = [p for p in report.problems if p.fatal]
        for title, problems in (
            (_("Errors (nothing was applied):"), fatal),
            (
                _("Rows held back (the records they name were left as they were):"),
                report.held_back_problems,
            ),
            (_("Warnings (applied as described):"), report.warnings),
        ):
            if problems:
                out.write("")
                out.write(title)
                for problem in problems:
                    out.write(f"  {problem}")
        out.write("")
        result = (
            _("Applied.") if report.result == "applied" and not report.held_back else report.message
        )
        style = self.style.SUCCESS if report.ok and not report.over_threshold else self.style.ERROR
        out.write(style(result))
