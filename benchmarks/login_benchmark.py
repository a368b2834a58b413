"""Sign-ins per second against raw Argon2id verifications per second, in one run.

    .venv/bin/python benchmarks/login_benchmark.py [--sign-ins 300] [--postgres]

Each backend runs in its own process (Django's settings are per process), DEBUG off:
SQLite with the database cache (the default settings), and with --postgres also
PostgreSQL + Redis (HALLPASS_BENCH_DATABASE_URL and HALLPASS_BENCH_REDIS_URL point
elsewhere). Each pair is one raw verification (argon2-cffi at settings.ARGON2_*) then
one successful sign-in: a new browser GETs the sign-in page for its CSRF token, then
its POST to accounts:login is timed through the WSGI application. Outside the hash:
the median sign-in minus the median verification, at most GUARD_RAIL_MS (exit 1 if not).
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
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from bench_servers import drop_redis_keys, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "HALLPASS_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hallpass_bench")
REDIS_URL = os.environ.get("HALLPASS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
KEY_PREFIX = "hallpass-bench"
GUARD_RAIL_MS = {"SQLite": 5.0, "PostgreSQL + Redis": 8.0}
ACCOUNTS, COUNTED = 20, 10


@dataclass
class Figures:
    backend: str
    sign_ins_per_second: float  # count / total time of the timed POSTs
    verifies_per_second: float
    ms_outside_hash: float  # median sign-in minus median verification
    sql_statements: float  # per sign-in, as connection.execute_wrapper sees them
    round_trips: float  # per sign-in: PostgreSQL's and Redis's (SQLite is in-process)


class Counts:
    """SQL statements and round trips of the requests made inside `with counts.count()`."""

    def __init__(self) -> None:
        self.statements = self.transactions = self.redis_round_trips = 0
        self.in_transaction = False

    @contextmanager
    def count(self) -> Iterator[None]:
        from django.db import connection
        from redis.connection import AbstractConnection

        send: Any = AbstractConnection.send_packed_command

        def sent(redis_connection: Any, *args: Any, **kwargs: Any) -> Any:
            self.redis_round_trips += 1  # one command or pipeline written, then its replies
            return send(redis_connection, *args, **kwargs)

        with (
            connection.execute_wrapper(self.statement),
            mock.patch.object(AbstractConnection, "send_packed_command", sent),
        ):
            yield

    def statement(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import transaction

        self.statements += 1
        alias = context["connection"].alias
        if not transaction.get_autocommit(alias) and not self.in_transaction:
            # A transaction's first statement: on PostgreSQL psycopg sends BEGIN
            # before it and Django COMMIT at the end, each a round trip of its own.
            self.transactions, self.in_transaction = self.transactions + 1, True
            transaction.on_commit(lambda: setattr(self, "in_transaction", False), alias)
        return execute(sql, params, many, context)


def measure(backend: str, sign_ins: int) -> Figures:
    """In the backend's own process: pairs of one verification and one sign-in."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from argon2 import PasswordHasher, Type
    from bench_portal import PASSWORD, Browser, make_claimed_accounts
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    usernames, login = make_claimed_accounts(ACCOUNTS), reverse("accounts:login")
    hasher = PasswordHasher(
        time_cost=settings.ARGON2_TIME_COST, memory_cost=settings.ARGON2_MEMORY_COST_KIB,
        parallelism=settings.ARGON2_PARALLELISM, type=Type.ID)
    encoded = hasher.hash(PASSWORD)

    def verify() -> float:
        start = time.perf_counter()
        hasher.verify(encoded, PASSWORD)
        return time.perf_counter() - start

    def sign_in(username: str, counts: Counts | None = None) -> float:
        browser = Browser()
        form = browser.form(login, username=username, password=PASSWORD)
        with counts.count() if counts else nullcontext():
            start = time.perf_counter()
            response = browser.post(login, form)
            elapsed = time.perf_counter() - start
        if response.status != 302:
            raise SystemExit(f"{username} could not sign in ({response.status})")
        return elapsed

    for username in usernames[:5]:  # templates, imports and connections warmed up
        verify()
        sign_in(username)
    verifies, posts = [], []
    for i in range(sign_ins):  # interleaved, so that both see the same machine state
        verifies.append(verify())
        posts.append(sign_in(usernames[i % ACCOUNTS]))
    counts = Counts()
    for username in usernames[:COUNTED]:
        sign_in(username, counts)
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    round_trips = counts.redis_round_trips + (
        counts.statements + 2 * counts.transactions if postgres else 0)
    return Figures(
        backend=backend,
        sign_ins_per_second=round(len(posts) / sum(posts), 1),
        verifies_per_second=round(len(verifies) / sum(verifies), 1),
        ms_outside_hash=round((statistics.median(posts) - statistics.median(verifies)) * 1e3, 2),
        sql_statements=counts.statements / COUNTED,
        round_trips=round_trips / COUNTED,
    )


def run(backend: str, env: dict[str, str], sign_ins: int) -> Figures:
    command = [sys.executable, __file__, "--measure", backend, "--sign-ins", str(sign_ins)]
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)
    return Figures(**json.loads(done.stdout.splitlines()[-1]))


def run_on_postgres(env: dict[str, str], sign_ins: int) -> Figures:
    """On a database created for the run and dropped after it; the cache's keys are
    deleted from Redis before and after."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(DATABASE_URL)["dbname"])
    if not name.endswith("_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: a benchmark database's name ends in _bench")
    maintenance = make_conninfo(DATABASE_URL, dbname="postgres")
    recreate_database(maintenance, name)
    drop_redis_keys(REDIS_URL, KEY_PREFIX)
    env = {**env, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
           "CACHE_KEY_PREFIX": KEY_PREFIX}
    try:
        return run("PostgreSQL + Redis", env, sign_ins)
    finally:
        recreate_database(maintenance, name, create=False)
        drop_redis_keys(REDIS_URL, KEY_PREFIX)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sign-ins", type=int, default=300)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL + Redis")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asdict(measure(args.measure, args.sign_ins))))
        return
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="hallpass-login-bench-") as work:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hallpass.settings", "DEBUG": "false",
               "HALLPASS_ENV": "demo", "HALLPASS_VAR_DIR": work, "TASKS_BACKEND": "immediate"}
        env.pop("REDIS_URL", None)
        runs = [run("SQLite", {**env, "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3"},
                    args.sign_ins)]
        if args.postgres or "HALLPASS_BENCH_DATABASE_URL" in os.environ:
            runs.append(run_on_postgres(env, args.sign_ins))

    print(f"{args.sign_ins} sign-ins per backend, each after one raw Argon2id verification; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} CPUs)\n"
          "backend             sign-ins/s  verifies/s  ms outside the hash  "
          "statements / round trips  guard-rail")
    failed = False
    for f in runs:
        limit = GUARD_RAIL_MS[f.backend]
        failed = failed or f.ms_outside_hash > limit
        trips = f"{f.round_trips:g}" if f.round_trips else "in-process"
        print(f"{f.backend:<19} {f.sign_ins_per_second:>10} {f.verifies_per_second:>11} "
              f"{f.ms_outside_hash:>20}  {f'{f.sql_statements:g} / {trips}':>24}  "
              f"{'FAIL' if f.ms_outside_hash > limit else 'PASS'} (<= {limit:g} ms)")
    print(f"Guard-rail: {'FAIL' if failed else 'PASS'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
