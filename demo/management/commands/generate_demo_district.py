"""Write a made-up district (OneRoster 1.1 package + HR CSV) into a folder.

    python manage.py generate_demo_district var/demo-district --students 5000 --staff 600

The same options and seed always write the same files for a given date.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.generator import positive_count, write_demo_district


class Command(BaseCommand):
    help = "Write a demo district: a OneRoster 1.1 CSV package and an HR employees CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path, help="Folder to write (created if missing).")
        parser.add_argument("--students", type=positive_count, default=5000)
        parser.add_argument("--staff", type=positive_count, default=600,
                            help="Every employee HR knows (teachers, aides, office staff...).")
        parser.add_argument("--schools", type=positive_count, default=8)
        parser.add_argument("--classes", type=positive_count, default=None,
                            help="Default: one class per 25 student seats, 5 per student.")
        parser.add_argument("--seed", default="2026", help="Same seed, same district.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = write_demo_district(
                options["out_dir"],
                students=options["students"],
                staff=options["staff"],
                schools=options["schools"],
                classes=options["classes"],
                seed=options["seed"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Wrote {result.out_dir} in {elapsed:.1f} s: {result.schools} schools, "
            f"{result.students} students, {result.employees} employees "
            f"({result.teachers} teachers, {result.administrators} administrators, "
            f"{result.aides} aides, {result.hr_only} known only to HR), "
            f"{result.classes} classes, {result.enrollments} enrollments."
        )
