"""The technicians' queue with 100,000 tickets: each view answers in 200 ms or less.

    .venv/bin/python benchmarks/support_queue_benchmark.py [--tickets 100000] [--views 30]
        [--backends sqlite postgres] [--pg-database hallpass_queue_bench]

Per backend, in its own process with DEBUG off: a throwaway SQLite file, or a
throwaway PostgreSQL database (skipped when none answers on DATABASE_URL's server or
127.0.0.1:5432), migrated, then filled in bulk: 8 schools, 2,000 requesters with
accounts, 8 technicians, and --tickets tickets over three years (most closed or
resolved, 10% open and recent, a third of those unassigned), then ANALYZE. A signed-in
technician then opens the queue through Django's test client (the whole request:
middleware, session, the query count and the page, the template) --views times for
each view below. Reports the median, p95 and worst in milliseconds and the queries
per view. Target: every view's p95 ≤ 200 ms.
Results: a table on stdout and benchmarks/results/support_queue.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench_pages import child_env, measure_in_child, time_page
from bench_servers import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "support_queue.json"
TARGET_MS = 200.0
SCHOOLS = 8
REQUESTERS = 2_000
TECHNICIANS = 8


def fill(tickets: int) -> dict[str, Any]:
    """The district's data, written in bulk; returns what the views filter by."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Account
    from directory.models import Org, Person
    from support.models import Category, Priority, Status, Ticket
    from support.models.tickets import new_reply_token

    rng = random.Random(17)
    now = timezone.now()
    schools = Org.objects.bulk_create(
        Org(sourced_id=f"bench-school-{n}", name=f"School {n}", org_type=Org.OrgType.SCHOOL)
        for n in range(SCHOOLS)
    )
    people = Person.objects.bulk_create(
        Person(
            sourced_id=f"bench-{n}", source_system="oneroster", role="teacher",
            given_name=f"Given{n}", family_name=f"Family{n}", identifier=f"{n:06d}",
            username=f"e{n:06d}", claimable_at=now, primary_org=schools[n % SCHOOLS],
        )
        for n in range(REQUESTERS)
    )
    accounts = Account.objects.bulk_create(
        Account(username=person.username, person=person, password="!", claimed_at=now)
        for person in people
    )
    technicians = Account.objects.bulk_create(
        Account(username=f"tech{n}", password="!", is_staff=True, is_superuser=True)
        for n in range(TECHNICIANS)
    )
    categories = list(Category.objects.all())
    open_statuses = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING]
    rows = []
    for n in range(tickets):
        who = rng.randrange(REQUESTERS)
        is_open = rng.random() < 0.10
        if is_open:
            status = rng.choice(open_statuses)
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
        else:
            status = Status.CLOSED if rng.random() < 0.9 else Status.RESOLVED
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 365 * 3))
        assignee = None if status == Status.NEW or rng.random() < 0.05 else rng.choice(technicians)
        rows.append(
            Ticket(
                subject=f"Ticket {n}: projector in room {n % 300}",
                description="Bench ticket.",
                category=rng.choice(categories),
                requester=people[who],
                opened_by=accounts[who],
                school=schools[who % SCHOOLS],
                priority=rng.choice(list(Priority)),
                status=status,
                assignee=assignee,
                created_at=created,
                updated_at=created,
                reply_token=new_reply_token(),
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "technician": technicians[0],
        "school": schools[3].pk,
        "category": categories[0].pk,
        "open": Ticket.objects.filter(status__in=open_statuses).count(),
    }


def measure(views: int, tickets: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    data = fill(tickets)
    fill_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(data["technician"])
    last_page = max(1, -(-data["open"] // 50))
    scenarios = {
        "open queue, first page": {},
        "open queue, last page": {"page": str(last_page)},
        "school": {"school": str(data["school"])},
        "category": {"category": str(data["category"])},
        "mine": {"assignee": "me"},
        "unassigned": {"assignee": "none"},
        "every status, first page": {"status": "all"},
        "closed, page 100": {"status": "closed", "page": "100"},
    }
    results = {
        name: time_page(client, "/support/queue/", params, views)
        for name, params in scenarios.items()
    }
    return {"tickets": tickets, "open": data["open"], "fill_seconds": round(fill_seconds, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()], "views": results}


def run_in_subprocess(backend: str, env: dict[str, str], args: argparse.Namespace) -> Any:
    arguments = ["--tickets", str(args.tickets), "--views", str(args.views)]
    return measure_in_child(__file__, arguments, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg-database", default="hallpass_queue_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.views, args.tickets)))
        return

    base_env = child_env()
    report: dict[str, Any] = {}
    for backend in args.backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                env = {**base_env, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                       "HALLPASS_VAR_DIR": folder}
                report["SQLite"] = run_in_subprocess(backend, env, args)
        else:
            with throwaway_postgres(args.pg_database) as url:
                if url is None:
                    print("PostgreSQL: no server answered; skipped")
                    continue
                report["PostgreSQL"] = run_in_subprocess(
                    backend, {**base_env, "DATABASE_URL": url}, args
                )

    worst = 0.0
    for backend, result in report.items():
        print(f"\n{backend}: {result['tickets']:,} tickets ({result['open']:,} open), "
              f"filled in {result['fill_seconds']} s; load average {result['load_average']}")
        print(f"{'view':28} {'median':>8} {'p95':>8} {'max':>8} {'queries':>8}")
        for name, row in result["views"].items():
            worst = max(worst, row["p95_ms"])
            print(f"{name:28} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} "
                  f"{row['max_ms']:8.1f} {row['queries']:8d}")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"\nTarget p95 ≤ {TARGET_MS:.0f} ms: {verdict} (worst p95 {worst:.1f} ms)")
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
