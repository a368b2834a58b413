"""Start the portal with a demo district loaded: what `make demo` runs.

    python manage.py demo [--host 127.0.0.1] [--port 8000] [--no-serve]

Steps, each safe to repeat: migrate; create the cache table; write the demo district
into var/demo-district unless it is there; sync it (OneRoster, then HR); make the
people this run created claimable now; make sure the IT superuser "admin" exists;
print where to go and whom to try; serve with runserver.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.generator import HR_FILENAME, positive_count, write_demo_district
from demo.services import (
    DEMO_ADMIN_USERNAME,
    do_ensure_demo_admin,
    do_make_new_people_claimable,
    sample_identities,
)
from directory.sync import sync_hr, sync_oneroster
from directory.sync.progress import TerminalProgress
from directory.sync.report import SyncReport

MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = "Load the demo district into the database and serve the portal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="Load and print, but do not start the web server.")
        parser.add_argument("--district-dir", type=Path, default=None,
                            help="Where the demo district's CSV files live "
                                 "(default: var/demo-district).")
        # Sizes apply only when the district is generated (the folder is missing).
        parser.add_argument("--students", type=positive_count, default=5000)
        parser.add_argument("--staff", type=positive_count, default=600)
        parser.add_argument("--schools", type=positive_count, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo writes a made-up district and an admin account: "
                "it refuses to run with HALLPASS_ENV=production."
            )
        district_dir: Path = options["district_dir"] or Path(settings.VAR_DIR) / "demo-district"
        verbosity: int = options["verbosity"]

        self.step("Preparing the database")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)

        complete = all((district_dir / name).exists() for name in ("manifest.csv", HR_FILENAME))
        if not complete:
            self.step(f"Writing the demo district into {district_dir}")
            try:
                made = write_demo_district(
                    district_dir,
                    students=options["students"],
                    staff=options["staff"],
                    schools=options["schools"],
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"  {made.schools} schools, {made.students} students, {made.employees} "
                f"employees, {made.classes} classes, {made.enrollments} enrollments"
            )

        started = timezone.now()
        on_terminal = sys.stderr.isatty() and verbosity > 0
        self.run_sync("OneRoster", sync_oneroster, district_dir, on_terminal)
        self.run_sync("HR", sync_hr, district_dir / HR_FILENAME, on_terminal)
        moved = do_make_new_people_claimable(first_seen_since=started)
        if moved:
            self.stdout.write(
                f"  {moved} new people can claim their account now "
                f"(the demo skips the {settings.CLAIM_DELAY_HOURS:g}-hour wait)"
            )

        admin = do_ensure_demo_admin(settings.DEMO_ADMIN_PASSWORD)
        base = served_url(options["host"], options["port"])
        self.print_welcome(base, admin.password, admin.created)

        if not options["no_serve"]:
            # The server runs in this process: the links in the mail it sends (forgot
            # username) must lead to the address it serves, whatever the port.
            settings.DISTRICT = {**settings.DISTRICT, "portal_url": base}
            call_command("runserver", f"{options['host']}:{options['port']}",
                         use_reloader=False)

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text + "..."))

    def run_sync(
        self,
        label: str,
        sync: Callable[..., SyncReport],
        path: Path,
        on_terminal: bool,
    ) -> SyncReport:
        self.step(f"Syncing {label} from {path}")
        bar = TerminalProgress(label, on_terminal)
        started = time.perf_counter()
        try:
            report = sync(path, progress=bar)
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        if not report.ok:
            lines = [f"The {label} sync of the demo district did not apply ({report.result})."]
            if report.message:
                lines.append(report.message)
            lines += [f"  {problem}" for problem in report.problems[:MAX_PROBLEMS_SHOWN]]
            if len(report.problems) > MAX_PROBLEMS_SHOWN:
                lines.append(f"  ... and {len(report.problems) - MAX_PROBLEMS_SHOWN} more")
            raise CommandError("\n".join(lines))
        for entity, counts in report.counts.items():
            figures = ", ".join(
                f"{value} {name}" for name, value in vars(counts).items() if value
            )
            if figures:
                self.stdout.write(f"  {entity}: {figures}")
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        self.stdout.write(f"  done in {elapsed:.1f} s")
        return report

    def print_welcome(self, base: str, password: str | None, created: bool) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"Hallpass demo: {base}/"))
        out("")
        out(f"Claim an account at {base}/account/claim/ with last name, first name and ID")
        out("(letter case, extra spaces and accents do not matter):")
        samples = sample_identities()
        if not samples:
            out("  (every demo person has claimed an account already)")
        for sample in samples:
            out(
                f"  {sample.role:<13} last name: {sample.family_name:<22} "
                f"first name: {sample.given_name:<16} ID: {sample.identifier:<8} "
                f"-> username {sample.username}"
            )
        out("")
        out(f"Sign in at {base}/account/login/ once claimed; IT staff at {base}/admin/ as:")
        if password is not None:
            out(f"  username: {DEMO_ADMIN_USERNAME}   password: {password}")
            if created and not settings.DEMO_ADMIN_PASSWORD:
                out("  (shown only now: keep it, or set HALLPASS_DEMO_ADMIN_PASSWORD, or run "
                    f"`{manage_command('changepassword admin')}`)")
        else:
            out(f"  username: {DEMO_ADMIN_USERNAME}   password: unchanged (printed when it "
                f"was created; `{manage_command('changepassword admin')}` sets a new one)")
        out(f"Emails the portal sends (forgot username...) land in {base}/outbox/ "
            "(signed in as admin).")
        out("")


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the demo's server at."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"http://{shown_host}:{port}"


def manage_command(arguments: str) -> str:
    """A manage.py command line that works as printed, pasted into the shell the demo
    was started from: with this interpreter (the virtualenv's, which has Django) and
    this manage.py, both relative to the current folder when they are inside it."""

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    python = Path(sys.executable)
    if not python.is_absolute():
        python = Path.cwd() / python
    manage = Path(settings.BASE_DIR) / "manage.py"
    return f"{shown(python)} {shown(manage)} {arguments}"
