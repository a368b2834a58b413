"""`manage.py sync oneroster PATH` / `manage.py sync hr PATH`: import the directory.

`--latest DIR` instead of PATH is the nightly run: the newest complete package in the
drop folder DIR, skipped when its content was already taken (exit 0), with the IT
contacts emailed when it needs attention (directory/sync/nightly.py).

Exit codes (EXIT_CODES, also in --help): 0 applied clean (or a dry run that would),
1 errors (nothing applied), 2 usage error (a PATH that does not exist too), 3 refused
by a safety threshold (too many deactivations or held-back rows; nothing applied, the
run waits for review), or a dry run that would be refused, 4 applied with rows held
back (or a dry run that would be).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.models import SyncRun
from directory.sync import SyncReport, sync_hr, sync_oneroster
from directory.sync.nightly import sync_latest
from directory.sync.progress import progress_for
from directory.sync.report import OUTCOMES, Counts

EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_HELD_BACK = 4
EXIT_CODES = """\
exit codes:
  0  applied clean (a dry run: would apply clean; --latest: nothing new to take)
  1  errors: nothing was applied
  2  usage error, or PATH does not exist
  3  refused by a safety threshold (too many deactivations or rows held back):
     nothing was applied, the run waits in the admin for review (--force applies it)
  4  applied with rows held back (the records they name were left as they were)

verbosity (-v):
  0  only the problems and the outcome; no progress
  1  the counts per file, why rows were ignored, the problems and the outcome (default)
  2  also the lines of the ignored rows and the time each step took
"""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option order, with the exit codes laid out as written."""


class Command(BaseCommand):
    help = "Sync the directory from a OneRoster CSV package or an HR CSV file."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(
            prog_name, subcommand, epilog=EXIT_CODES, formatter_class=HelpFormatter, **kwargs
        )

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="{oneroster,hr}")
        for name, text in (
            ("oneroster", "a OneRoster 1.0/1.1/1.2 CSV folder or .zip"),
            ("hr", "the HR employee CSV file"),
        ):
            sub = sources.add_parser(
                name,
                help=text,
                epilog=EXIT_CODES,
                formatter_class=HelpFormatter,
            )
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
            # Django's option, accepted after the source too (`sync hr PATH -v 2`);
            # unset here, the command's own default stands.
            sub.add_argument(
                "-v",
                "--verbosity",
                type=int,
                choices=[0, 1, 2, 3],
                default=argparse.SUPPRESS,
                help="0 quiet, 1 the report (default), 2 and 3 the report in detail",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        oneroster = options["source"] == "oneroster"
        verbosity = int(options["verbosity"])
        path: Path | None = options["path"]
        if path is not None and not path.exists():
            raise CommandError(
                _("%(path)s: no such file or folder.") % {"path": path}, returncode=EXIT_USAGE
            )
        progress = progress_for(
            options["source"], terminal=self.stdout.isatty(), quiet=verbosity == 0
        )
        try:
            if options["latest"] is not None:
                kind = SyncRun.Kind.ONEROSTER if oneroster else SyncRun.Kind.HR
                report = sync_latest(
                    kind,
                    options["latest"],
                    dry_run=options["dry_run"],
                    force=options["force"],
                    progress=progress,
                )
            else:
                report = (sync_oneroster if oneroster else sync_hr)(
                    options["path"],
                    dry_run=options["dry_run"],
                    force=options["force"],
                    progress=progress,
                )
        finally:
            progress.close()
        self.print_report(report, verbosity)
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

    def print_report(self, report: SyncReport, verbosity: int) -> None:
        """Sections separated by a blank line; the outcome always, last."""
        sections: list[list[str]] = []
        counted = {entity: c for entity, c in report.counts.items() if c != Counts()}
        if verbosity >= 1 and counted:
            sections.append(count_table(counted))
            sections.append(ignored_rows(counted, with_lines=verbosity >= 2))
        if verbosity >= 1:
            sections.extend([note] for note in report.notes)
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
                sections.append([title, *(f"  {problem}" for problem in problems)])
        if verbosity >= 2 and report.timings:
            steps = ", ".join(f"{step} {seconds:.2f}" for step, seconds in report.timings.items())
            sections.append([_("Seconds per step: %(steps)s") % {"steps": steps}])
        for section in sections:
            if section:
                self.stdout.write("\n".join(section))
                self.stdout.write("")
        result = (
            _("Applied.") if report.result == "applied" and not report.held_back else report.message
        )
        style = self.style.SUCCESS if report.ok and not report.over_threshold else self.style.ERROR
        self.stdout.write(style(result))


def count_table(counted: dict[str, Counts]) -> list[str]:
    """One line per file, one column per outcome."""
    lines = [f"{'':<18}" + "".join(f"{label!s:>12}" for _name, label in OUTCOMES)]
    for entity, counts in counted.items():
        lines.append(
            f"{entity:<18}"
            + "".join(f"{getattr(counts, name):>12}" for name, _label in OUTCOMES)
        )
    return lines


def ignored_rows(counted: dict[str, Counts], *, with_lines: bool) -> list[str]:
    """Why each file's ignored rows were ignored (with their first lines, if asked)."""
    lines = []
    for entity, counts in counted.items():
        for rows in counts.why_ignored.values():
            line = f"  {entity}: {rows.count} — {rows.label}"
            if with_lines and rows.lines:
                numbers = ", ".join(str(n) for n in rows.lines)
                if rows.count > len(rows.lines):
                    numbers += ", …"
                line += " (" + ngettext(
                    "line %(lines)s", "lines %(lines)s", len(rows.lines)
                ) % {"lines": numbers} + ")"
            lines.append(line)
    return [_("Ignored rows (they change nothing):"), *lines] if lines else []
