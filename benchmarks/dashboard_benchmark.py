"""The district dashboard on a big district: each page in 200 ms or less of server time.

    .venv/bin/python benchmarks/dashboard_benchmark.py [--views 20] [--audit-rows 1000000]
        [--backends sqlite postgres] [--pg-database hallpass_dashboard]

The district is the sync benchmark's (the demo generator: 60,000 students, 7,000
staff, 3,000 classes, ~300,000 enrollments, 8 schools), written once and synced
through the real importers into each database: a throwaway SQLite file, and a
throwaway PostgreSQL database (skipped when none answers on DATABASE_URL's server or
127.0.0.1:5432). Then realistic claims: 70% of the people claimed an account over
the last 30 days (most in the first week), 1% are inside the wait, 2% left; and
--audit-rows audit events over 90 days (mostly sign-ins, then failures, sign-outs,
password changes), then ANALYZE (VACUUM ANALYZE on PostgreSQL, as autovacuum keeps a
log that grew for months). A signed-in IT administrator opens each page through
Django's test client (the whole request: middleware, session, the page, the
template) --views times after one warm-up; then the district dashboard again with the
cache emptied before each view (the first view of a day, which counts the ended
days' claims and sign-ins). Reports the median, p95 and worst in milliseconds and
the queries per view. Target: every page's median ≤ 200 ms.
Results: a table on stdout and benchmarks/results/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench_pages import child_env, measure_in_child, time_page
from bench_servers import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "dashboard.json"
TARGET_MS = 200.0
CLAIMED_SHARE, WAITING_SHARE, LEFT_SHARE = 0.70, 0.01, 0.02
AUDIT_DAYS = 90
AUDIT_MIX = [  # (event type, outcome, weight)
    ("login.succeeded", "success", 70),
    ("login.failed", "failure", 12),
    ("logout", "success", 10),
    ("password.changed", "success", 3),
    ("throttled", "blocked", 2),
    ("claim.completed", "success", 3),
]
AUDIT_COLUMNS = (
    "occurred_at, event_type, outcome, account_id, person_id, actor_id, ip_address, "
    "user_agent, details"
)
VALUES = "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
INSERT_AUDIT = f"INSERT INTO audit_auditevent ({AUDIT_COLUMNS}) VALUES {VALUES}"  # noqa: S608
COPY_AUDIT = f"COPY audit_auditevent ({AUDIT_COLUMNS}) FROM STDIN"


def sync_district(district: Path) -> dict[str, float]:
    from directory.sync import sync_hr, sync_oneroster

    timings = {}
    for label, sync, path in (
        ("oneroster", sync_oneroster, district),
        ("hr", sync_hr, district / "hr_employees.csv"),
    ):
        started = time.perf_counter()
        report = sync(path)
        timings[label] = round(time.perf_counter() - started, 1)
        if report.result != "applied":
            raise SystemExit(f"The {label} sync was {report.result}: {report.problems[:5]}")
    return timings


def claim_accounts(rng: random.Random) -> list[tuple[int, int]]:
    """Accounts for 70% of the people, claimed over 30 days; returns (account, person)."""
    from django.utils import timezone

    from accounts.models import Account, copy_claims_to_people
    from directory.models import Person, Status

    now = timezone.now()
    people = list(Person.objects.values_list("pk", "username"))
    rng.shuffle(people)
    claimed_count = int(len(people) * CLAIMED_SHARE)
    waiting_end = claimed_count + int(len(people) * WAITING_SHARE)
    waiting = [pk for pk, _name in people[claimed_count:waiting_end]]
    left_start = claimed_count + len(waiting)
    left = [pk for pk, _name in people[left_start:left_start + int(len(people) * LEFT_SHARE)]]
    accounts = []
    for pk, username in people[:claimed_count]:
        # Most claim in the first week after the letters go home, then a long tail.
        days_ago = 30 - min(29.9, rng.expovariate(1 / 5))
        claimed_at = now - timedelta(days=days_ago)
        last_login = claimed_at + timedelta(days=rng.uniform(0, days_ago))
        accounts.append(Account(
            username=username, person_id=pk, password="!", claimed_at=claimed_at,
            last_login=last_login,
        ))
    Account.objects.bulk_create(accounts, batch_size=5_000)
    # bulk_create skips Account.save, which copies each claim to its person.
    copy_claims_to_people(None)
    Person.objects.filter(pk__in=waiting).update(claimable_at=now + timedelta(hours=12))
    Person.objects.filter(pk__in=left).update(status=Status.INACTIVE, left_at=now)
    return list(Account.objects.filter(person__isnull=False).values_list("pk", "person_id"))


def audit_rows(rng: random.Random, accounts: list[tuple[int, int]], count: int) -> Any:
    """Rows of AUDIT_COLUMNS' values, oldest first."""
    from django.utils import timezone

    now = timezone.now()
    kinds = [(event, outcome) for event, outcome, weight in AUDIT_MIX for _ in range(weight)]
    span = AUDIT_DAYS * 86_400
    for n in range(count):
        account, person = rng.choice(accounts)
        event, outcome = rng.choice(kinds)
        when = now - timedelta(seconds=span * (1 - n / count))
        address = f"10.{rng.randrange(8)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        yield (when, event, outcome, account, person, None, address, "Mozilla/5.0 (bench)", "{}")


def fill_audit(rng: random.Random, accounts: list[tuple[int, int]], count: int) -> None:
    """Appended in bulk with SQL of its own: the model stamps every row with the time
    of saving, and the log is spread over 90 days."""
    from django.db import connection

    rows = audit_rows(rng, accounts, count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY, psycopg's bulk path: a million INSERTs would take minutes.
            with cursor.cursor.copy(COPY_AUDIT) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(INSERT_AUDIT, batch)
                    batch = []
            if batch:
                cursor.executemany(INSERT_AUDIT, batch)


def measure(district: Path, views: int, audit_count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.models import Account
    from directory.models import Org, Person

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(19)
    started = time.perf_counter()
    sync_seconds = sync_district(district)
    accounts = claim_accounts(rng)
    fill_audit(rng, accounts, audit_count)
    with connection.cursor() as cursor:
        # As autovacuum leaves a table that has grown for months: statistics and the
        # visibility map (PostgreSQL's index-only scans) up to date.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    fill_seconds = time.perf_counter() - started

    admin = Account.objects.create_superuser("bench-admin", None)
    client = Client()
    client.force_login(admin)
    biggest = (
        Org.objects.filter(org_type=Org.OrgType.SCHOOL)
        .annotate(size=Count("primary_people")).order_by("-size")
        .values_list("pk", flat=True).first()
    )
    some_student = Person.objects.filter(role=Person.Role.STUDENT).values_list(
        "username", flat=True
    ).first()
    pages: dict[str, tuple[str, dict[str, str]]] = {
        "district dashboard": ("/dashboard/", {}),
        "school drill-down": (f"/dashboard/schools/{biggest}/", {}),
        "school's unclaimed people": (f"/dashboard/schools/{biggest}/people/", {}),
        "audit log, first page": ("/dashboard/audit/", {}),
        "audit log, one person": ("/dashboard/audit/", {"person": str(some_student)}),
        "audit log, failures": ("/dashboard/audit/", {"event": "login.failed"}),
    }
    results = {
        name: time_page(client, url, params, views) for name, (url, params) in pages.items()
    }
    # The first view of the day, when the ended days' sign-ins and claims are counted.
    results["district dashboard, first view of the day"] = time_page(
        client, "/dashboard/", {}, views, before_each=cache.clear
    )
    return {
        "people": Person.objects.count(),
        "accounts": len(accounts),
        "audit_rows": audit_count,
        "sync_seconds": sync_seconds,
        "fill_seconds": round(fill_seconds, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "views": results,
    }


def run_in_subprocess(env: dict[str, str], district: Path, args: argparse.Namespace) -> Any:
    arguments = ["--district", str(district), "--views", str(args.views),
                 "--audit-rows", str(args.audit_rows)]
    return measure_in_child(__file__, arguments, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--audit-rows", type=int, default=1_000_000)
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--staff", type=int, default=7_000)
    parser.add_argument("--classes", type=int, default=3_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg-database", default="hallpass_dashboard")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--district", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.district, args.views, args.audit_rows)))
        return

    from demo.generator import write_demo_district

    work = Path(tempfile.mkdtemp(prefix="hallpass-dashboard-bench-"))
    base_env = child_env(HALLPASS_VAR_DIR=str(work / "var"))
    report: dict[str, Any] = {}
    try:
        made = write_demo_district(
            work / "district", students=args.students, staff=args.staff, schools=8,
            classes=args.classes, email_domain="example.org",
            district_name="Benchmark School District",
        )
        print(f"District: {made.students:,} students, {made.employees:,} employees, "
              f"{made.classes:,} classes, {made.enrollments:,} enrollments", flush=True)
        for backend in args.backends:
            if backend == "sqlite":
                env = {**base_env, "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3"}
                report["SQLite"] = run_in_subprocess(env, work / "district", args)
            else:
                with throwaway_postgres(args.pg_database) as url:
                    if url is None:
                        print("PostgreSQL: no server answered; skipped")
                        continue
                    report["PostgreSQL"] = run_in_subprocess(
                        {**base_env, "DATABASE_URL": url}, work / "district", args
                    )
            print(f"{backend}: measured", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    worst = 0.0
    for backend, result in report.items():
        print(f"\n{backend}: {result['people']:,} people, {result['accounts']:,} accounts, "
              f"{result['audit_rows']:,} audit rows; filled in {result['fill_seconds']} s; "
              f"load average {result['load_average']}")
        print(f"{'page':42} {'median':>8} {'p95':>8} {'max':>8} {'queries':>8}")
        for name, row in result["views"].items():
            worst = max(worst, row["median_ms"])
            print(f"{name:42} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} "
                  f"{row['max_ms']:8.1f} {row['queries']:8d}")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"\nTarget median ≤ {TARGET_MS:.0f} ms: {verdict} (worst median {worst:.1f} ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
