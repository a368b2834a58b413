"""What a signed-in page view costs with the idle timeout renewed on every request
(Django's SESSION_SAVE_EVERY_REQUEST, here SESSION_RENEW_AFTER_SECONDS=0) against
Hallpass's renewal at most once a minute (the default, 60).

    .venv/bin/python benchmarks/session_renewal_benchmark.py [--views 400] [--backends ...]

Per backend, in its own process with DEBUG off (a throwaway SQLite file with
DatabaseCache and db sessions; a throwaway PostgreSQL database with Redis and
cached_db sessions, skipped when unreachable): 40 people sign in through
hallpass.wsgi.application (bench_portal.Browser), then view the portal home again and
again, the two settings alternating over --rounds. Reports milliseconds per view
and session writes per view (INSERT/UPDATE/DELETE on django_session, counted with
a connection execute_wrapper). The landing page right after each sign-in is such
a view. No target: this shows what the renewal interval saves.
Results: a table on stdout and benchmarks/results/session_renewal.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_servers import drop_redis_keys, postgres_urls, recreate_database, redis_reachable

ROOT = Path(__file__).resolve().parent.parent

BENCH_DB_NAME = "hallpass_session_bench"
PEOPLE = 40


def run_backend(views: int, rounds: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench_portal import PASSWORD, Browser, make_claimed_accounts
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    login = reverse("accounts:login")
    visitors = []
    for username in make_claimed_accounts(PEOPLE):
        visitor = Browser()
        response = visitor.post(login, visitor.form(login, username=username, password=PASSWORD))
        if response.status != 302:
            raise SystemExit(f"{username} could not sign in ({response.status})")
        visitors.append(visitor)

    writes = 0

    def count_session_writes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal writes
        if "django_session" in sql and not sql.lstrip().upper().startswith("SELECT"):
            writes += 1
        return execute(sql, params, many, context)

    timings: dict[int, list[float]] = {0: [], 60: []}
    write_counts: dict[int, int] = {0: 0, 60: 0}
    for _ in range(rounds):
        for renew_after in (0, 60):
            settings.SESSION_RENEW_AFTER_SECONDS = renew_after
            writes = 0
            with connection.execute_wrapper(count_session_writes):
                for i in range(views):
                    start = time.perf_counter()
                    response = visitors[i % PEOPLE].get("/")
                    timings[renew_after].append(time.perf_counter() - start)
                    if response.status != 200:
                        raise SystemExit(f"portal home answered {response.status}")
            write_counts[renew_after] += writes
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "session_engine": settings.SESSION_ENGINE,
        "views_per_setting": len(timings[0]),
        "every_request": {
            "mean_ms": round(statistics.mean(timings[0]) * 1000, 2),
            "median_ms": round(statistics.median(timings[0]) * 1000, 2),
            "session_writes_per_view": round(write_counts[0] / len(timings[0]), 3),
        },
        "renew_after_60_s": {
            "mean_ms": round(statistics.mean(timings[60]) * 1000, 2),
            "median_ms": round(statistics.median(timings[60]) * 1000, 2),
            "session_writes_per_view": round(write_counts[60] / len(timings[60]), 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=400, help="views per setting per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.result_json).write_text(json.dumps(run_backend(args.views, args.rounds)))
        return

    work = Path(tempfile.mkdtemp(prefix="hallpass-session-bench-"))
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hallpass.settings",
                "HALLPASS_ENV": "demo", "DEBUG": "false", "LOG_LEVEL": "WARNING",
                "TASKS_BACKEND": "immediate"}
    runs: dict[str, Any] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        env = dict(base_env, HALLPASS_VAR_DIR=str(work / backend))
        cleanup: list[Any] = []
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)
        elif backend == "postgresql":
            urls = postgres_urls(os.environ.get("DATABASE_URL"), BENCH_DB_NAME)
            redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
            if urls is None or not redis_reachable(redis_url):
                print(f"Skipping {backend}: PostgreSQL or Redis unreachable.")
                continue
            maintenance, bench_url = urls
            prefix = f"hallpass-session-bench-{os.getpid()}"
            recreate_database(maintenance, BENCH_DB_NAME)
            env.update({"DATABASE_URL": bench_url, "REDIS_URL": redis_url,
                        "CACHE_KEY_PREFIX": prefix})
            cleanup = [
                lambda m=maintenance: recreate_database(m, BENCH_DB_NAME, create=False),
                lambda url=redis_url, p=prefix: drop_redis_keys(url, p),
            ]
        else:
            raise SystemExit(f"Unknown backend {backend!r}")
        out = work / f"{backend}.json"
        try:
            subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--worker", "--result-json",
                 str(out), "--views", str(args.views), "--rounds", str(args.rounds)],
                env=env, cwd=ROOT, check=True,
            )
        finally:
            for step in cleanup:
                step()
        runs[backend] = json.loads(out.read_text())

    print(f"{'backend':<12} {'renewal':<22} {'mean ms':>8} {'median ms':>10} "
          f"{'session writes/view':>20}")
    for backend, run in runs.items():
        for label, key in (("every request", "every_request"), ("after 60 s", "renew_after_60_s")):
            row = run[key]
            print(f"{backend:<12} {label:<22} {row['mean_ms']:>8.2f} {row['median_ms']:>10.2f} "
                  f"{row['session_writes_per_view']:>20.2f}")
    command = "python benchmarks/session_renewal_benchmark.py " + " ".join(sys.argv[1:])
    results = {"command": command.strip(), "runs": runs}
    path = ROOT / "benchmarks" / "results" / "session_renewal.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results in {path}")


if __name__ == "__main__":
    main()
